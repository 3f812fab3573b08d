// Modbus TCP conformance of the firmware with an independent client (libmodbus), in-process:
// the rig serves its socket while virtual time is paused.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include <boost/asio/write.hpp>

#include "acurev/board_map.hpp"
#include "modbus_client.hpp"

using namespace std::chrono_literals;
using harness::exception_of;
using harness::with_client;


TEST_CASE("libmodbus reads the published blocks and the manual's example read") {
    auto rig_ptr = harness::started_rig(5702);
    auto& rig = *rig_ptr;
    const auto& c = rig.config();

    auto regs = with_client(rig, [](modbus_t* m) {
        std::vector<std::uint16_t> sys(66), ch(216), user(90), tou(72);
        REQUIRE(modbus_read_registers(m, 0x2000, 66, sys.data()) == 66);
        REQUIRE(modbus_read_registers(m, 0x2100, 108, ch.data()) == 108);
        REQUIRE(modbus_read_registers(m, 0x2100 + 108, 108, ch.data() + 108) == 108);
        REQUIRE(modbus_read_registers(m, 0x21D8, 90, user.data()) == 90);
        REQUIRE(modbus_read_registers(m, 0x4000, 72, tou.data()) == 72);  // web manual 5.4.2: 03 40 00 00 48
        return std::array<std::vector<std::uint16_t>, 4>{sys, ch, user, tou};
    });
    const auto& sys = regs[0];
    const auto& ch = regs[1];
    // Against the configuration the waveform was built from; tolerance: class 0.2S front end and
    // float32 (far below 0.05 %).
    CHECK(harness::reg_float(sys, 0) == Approx(50.0).epsilon(1e-4));
    for (int p = 0; p < 3; ++p) {
        const double v1 = 220.0, v5 = 220.0 * 0.02;
        CHECK(harness::reg_float(sys, 2 + 2 * p) == Approx(std::sqrt(v1 * v1 + v5 * v5)).epsilon(2e-4));
    }
    for (int n = 0; n < 18; ++n) {
        const auto& load = c.channels[static_cast<std::size_t>(n)].wave;
        double sq = load.rms * load.rms;
        for (const auto& h : load.harmonics) sq += std::pow(load.rms * h.percent / 100, 2);
        INFO("channel " << n + 1);
        CHECK(harness::reg_float(ch, 12 * static_cast<std::size_t>(n)) == Approx(std::sqrt(sq)).epsilon(2e-4));
    }
    // System P is the sum of the channel P's; PF within [-1, 1]; phase current sums its channels.
    double p_sum = 0;
    for (int n = 0; n < 18; ++n) p_sum += harness::reg_float(ch, 12 * static_cast<std::size_t>(n) + 2);
    CHECK(harness::reg_float(sys, 0x1A) == Approx(p_sum).epsilon(1e-5));
    CHECK(std::abs(harness::reg_float(sys, 0x20)) <= 1.0f);
    CHECK(harness::reg_float(sys, 0x20) > 0.8f);
}

TEST_CASE("documented exceptions: unknown address 02; unknown function 01; count over 125 03; other unit 0A") {
    auto rig_ptr = harness::started_rig(5703);
    auto& rig = *rig_ptr;
    auto codes = with_client(rig, [](modbus_t* m) {
        std::vector<std::uint16_t> r(130);
        std::array<int, 6> out{};
        out[0] = exception_of(modbus_read_registers(m, 0x3800, 2, r.data()));
        out[1] = exception_of(modbus_read_registers(m, 0x2040, 4, r.data()));  // runs past the block
        // FC 0x2B (encapsulated interface) is not offered: exception 01.
        const std::uint8_t raw[] = {1, 0x2B, 0x0E, 0x01, 0x00};
        std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
        modbus_send_raw_request(m, raw, sizeof raw);
        out[2] = modbus_receive_confirmation(m, rsp) > 0 && rsp[7] == (0x2B | 0x80) ? rsp[8] : -1;
        // Count 126 cannot be sent through modbus_read_registers (libmodbus refuses it), so raw.
        const std::uint8_t big[] = {1, 0x03, 0x20, 0x00, 0x00, 126};
        modbus_send_raw_request(m, big, sizeof big);
        out[3] = modbus_receive_confirmation(m, rsp) > 0 && rsp[7] == 0x83 ? rsp[8] : -1;
        modbus_set_slave(m, 9);
        out[4] = exception_of(modbus_read_registers(m, 0x2000, 2, r.data()));
        modbus_set_slave(m, 1);
        out[5] = exception_of(modbus_read_registers(m, 0x2000, 2, r.data()));
        return out;
    });
    CHECK(codes[0] == 2);
    CHECK(codes[1] == 2);
    CHECK(codes[2] == 1);
    CHECK(codes[3] == 3);
    CHECK(codes[4] == 0x0A);
    CHECK(codes[5] == 0);
}

TEST_CASE("FC05 switches RO1 on the board and FC01 reads it back; FC02 reads the DIs") {
    auto rig_ptr = harness::started_rig(5704);
    auto& rig = *rig_ptr;
    rig.board().set_digital_input(2, true);
    rig.advance(3s);
    CHECK_FALSE(rig.board().relay(0));
    auto bits = with_client(rig, [](modbus_t* m) {
        std::array<std::uint8_t, 18> di{};
        std::array<std::uint8_t, 2> on{};
        REQUIRE(modbus_write_bit(m, 0, 1) == 1);
        REQUIRE(modbus_read_bits(m, 0, 2, on.data()) == 2);
        REQUIRE(modbus_read_input_bits(m, 0, 18, di.data()) == 18);
        return std::make_tuple(on, di);
    });
    CHECK(std::get<0>(bits)[0] == 1);
    CHECK(std::get<0>(bits)[1] == 0);
    CHECK(rig.board().relay(0));
    CHECK(std::get<1>(bits)[2] == 1);
    CHECK(std::get<1>(bits)[3] == 0);
    auto after = with_client(rig, [](modbus_t* m) {
        std::array<std::uint8_t, 2> st{};
        REQUIRE(modbus_write_bit(m, 0, 0) == 1);
        REQUIRE(modbus_read_bits(m, 0, 2, st.data()) == 2);
        return st;
    });
    CHECK(after[0] == 0);
    CHECK_FALSE(rig.board().relay(0));
}

TEST_CASE("FC16 with an out-of-range CT primary gets exception 03 and changes nothing") {
    auto rig_ptr = harness::started_rig(5705);
    auto& rig = *rig_ptr;
    auto result = with_client(rig, [](modbus_t* m) {
        const std::uint16_t bad[] = {60000};
        const int code = exception_of(modbus_write_registers(m, 0x0889, 1, bad));
        std::uint16_t now = 0;
        REQUIRE(modbus_read_registers(m, 0x0889, 1, &now) == 1);
        const std::uint16_t good[] = {200};
        const int ok = modbus_write_registers(m, 0x0889, 1, good);
        std::uint16_t after = 0;
        REQUIRE(modbus_read_registers(m, 0x0889, 1, &after) == 1);
        const std::uint16_t sub[] = {10};  // interval 15 < 2 x 10: refused as a whole
        const int sub_code = exception_of(modbus_write_registers(m, 0x080C, 1, sub));
        return std::array<int, 5>{code, now, ok, after, sub_code};
    });
    CHECK(result[0] == 3);
    CHECK(result[1] == 100);
    CHECK(result[2] == 1);
    CHECK(result[3] == 200);
    CHECK(result[4] == 3);
    CHECK(rig.board().setting(0x0889) == 200);
    CHECK(rig.board().setting(0x080C) == 5);
}
