// What docs/register-map.md states about the definitions and the edges of the map, checked through
// Modbus TCP (libmodbus) and on the board: phase current and phase S are arithmetic sums of their
// channels; the registers the published settings sheet does not list read 0 and refuse writes.
#include <catch2/catch.hpp>

#include "acurev/board_map.hpp"
#include "meter/wiring.hpp"
#include "modbus_client.hpp"

using harness::reg_float;
using harness::with_client;

TEST_CASE("phase current and phase S are the arithmetic sums of their channels' I and S") {
    auto rig_ptr = harness::started_rig(5717);
    auto& rig = *rig_ptr;
    auto regs = with_client(rig, [](modbus_t* m) {
        std::vector<std::uint16_t> sys(66), ch(216);
        REQUIRE(modbus_read_registers(m, 0x2000, 66, sys.data()) == 66);
        REQUIRE(modbus_read_registers(m, 0x2100, 108, ch.data()) == 108);
        REQUIRE(modbus_read_registers(m, 0x2100 + 108, 108, ch.data() + 108) == 108);
        return std::array<std::vector<std::uint16_t>, 2>{sys, ch};
    });
    const auto& sys = regs[0];
    const auto& ch = regs[1];
    // The built-in load: 3LN, channel n on phase A, B, C in turn, users of different PFs (one
    // leading), so a vector sum would read a few percent lower than the arithmetic one.
    const auto layout = sim::meter::wiring_layout(rig.config().wiring);
    for (int p = 0; p < 3; ++p) {
        double i = 0, s = 0, p_sum = 0;
        for (std::size_t n = 0; n < 18; ++n) {
            if (layout.phase[n] != p) continue;
            i += reg_float(ch, 12 * n);
            p_sum += reg_float(ch, 12 * n + 2);
            s += reg_float(ch, 12 * n + 6);
        }
        INFO("phase " << p);
        const auto at = [](std::uint16_t reg, int phase) { return static_cast<std::size_t>(reg - 0x2000 + 2 * phase); };
        CHECK(reg_float(sys, at(acurev::rt::i_phase, p)) == Approx(i).epsilon(1e-5));  // float32 rounding of the sums
        CHECK(reg_float(sys, at(acurev::rt::s_phase, p)) == Approx(s).epsilon(1e-5));
        CHECK(s > std::abs(p_sum) * 1.02);  // the PFs differ: S is not |P| (the check above can fail)
        CHECK(reg_float(sys, at(acurev::rt::pf_phase, p)) == Approx(p_sum / s).epsilon(1e-5));
    }
}

TEST_CASE("unlisted registers of the published settings sheet read 0 and refuse writes with 02") {
    auto rig_ptr = harness::started_rig(5718);
    auto& rig = *rig_ptr;
    for (std::uint16_t a : {std::uint16_t{0x0800}, std::uint16_t{0x0809}, std::uint16_t{0x080E}, std::uint16_t{0x0850},
                            std::uint16_t{0x0886}}) {
        INFO("register " << a);
        REQUIRE(acurev::find_setting(a) == nullptr);
        auto [read, value, write, across] = with_client(rig, [a](modbus_t* m) {
            std::uint16_t v = 0xFFFF;
            const int rc = modbus_read_registers(m, a, 1, &v);
            const int w = harness::exception_of(modbus_write_register(m, a, 1));
            // A write across a listed register (CT type, a valid 120) and the unlisted 0x080E is refused whole.
            const std::uint16_t two[] = {120, 1};
            const int x = harness::exception_of(modbus_write_registers(m, acurev::settings::ct_type, 2, two));
            return std::array<int, 4>{rc, v, w, x};
        });
        CHECK(read == 1);
        CHECK(value == 0);
        CHECK(write == 0x02);
        CHECK(across == 0x02);
        // On the board itself, the same.
        std::vector<std::uint16_t> out;
        CHECK_FALSE(rig.board().read_registers(modbus::Function::read_holding_registers, a, 1, out));
        CHECK(out.at(0) == 0);
        CHECK(rig.board().write_registers(a, {1}) == modbus::Exception::illegal_data_address);
    }
    rig.advance(std::chrono::seconds(11));  // a settings poll later, the CT type is still the config's
    auto ct = with_client(rig, [](modbus_t* m) {
        std::uint16_t v = 0;
        REQUIRE(modbus_read_registers(m, acurev::settings::ct_type, 1, &v) == 1);
        return v;
    });
    CHECK(ct == rig.config().ct_type);
}
