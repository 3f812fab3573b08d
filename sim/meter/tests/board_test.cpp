// The virtual board through its bus face: Modbus RTU frames on the virtual RS-485 bus.
#include <catch2/catch.hpp>

#include <cmath>

#include "bus/virtual_bus.hpp"
#include "common/event_scheduler.hpp"
#include "meter/virtual_board.hpp"
#include "modbus/rtu.hpp"
#include "waveform/waveform.hpp"

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));

struct Bench {
    hal::EventScheduler sched{t0};
    sim::WaveformGenerator world{5};
    sim::bus::VirtualBus bus{sched, 9};
    std::unique_ptr<sim::meter::VirtualBoard> board;
    sim::bus::BusPort& master = bus.attach("test master");
    std::vector<modbus::rtu::Frame> replies;
    std::unique_ptr<modbus::rtu::Framer> framer;

    explicit Bench(std::uint16_t wiring) {
        world.set_frequency(50, t0);
        for (int p = 0; p < 3; ++p) world.set_voltage(p, {230, -120.0 * p, 0, 0, {}});
        for (int ch = 0; ch < 18; ++ch) world.set_current(ch, {10.0 + ch, -120.0 * (ch % 3) - 20, 0, 0, {}});
        sim::meter::BoardConfig bc;
        bc.fidelity = sim::meter::Fidelity::sample;
        bc.settings = {{acurev::settings::wiring, wiring}, {acurev::settings::rated_voltage, 230}};
        board = std::make_unique<sim::meter::VirtualBoard>(sched, world, bc);
        board->attach(bus.attach("board"));
        master.configure(board->serial_config());
        framer = std::make_unique<modbus::rtu::Framer>(sched, master.config(), [this](modbus::rtu::Frame f, hal::Time) {
            replies.push_back(std::move(f));
        });
        master.on_receive([this](std::span<const std::uint8_t> b, hal::Time at) { framer->feed(b, at); });
        sched.run_until(t0 + 1s);  // a few windows measured
    }

    // Sends one request frame and returns the reply PDU (empty when the board stays silent).
    Bytes transact(std::uint8_t address, const Bytes& pdu, bool corrupt = false) {
        replies.clear();
        auto frame = modbus::rtu::encode_frame(address, pdu);
        if (corrupt) frame[1] ^= 0x04;
        master.write(frame);
        sched.run_until(sched.now() + 300ms);
        return replies.empty() ? Bytes{} : replies.front().pdu;
    }

    std::vector<float> read_floats(std::uint16_t address, std::uint16_t count) {
        const modbus::Request r{modbus::Function::read_holding_registers, address, count, {}, {}};
        auto resp = modbus::decode_response(r, transact(1, modbus::encode_request(r)));
        REQUIRE(std::holds_alternative<modbus::Response>(resp));
        const auto& regs = std::get<modbus::Response>(resp).registers;
        std::vector<float> out;
        for (std::size_t i = 0; i + 1 < regs.size(); i += 2) out.push_back(modbus::get_float(regs, i));
        return out;
    }
};

double rel(double a, double b) { return std::abs(a - b) / std::abs(b); }

}  // namespace

TEST_CASE("3LN: a user channel sums its three input channels; phases sum their channels") {
    Bench b(1);
    const auto ch = b.read_floats(0x2100, 108);   // channels 1..9
    const auto user = b.read_floats(0x21D8, 90);  // users s1..s9
    const auto sys = b.read_floats(0x2000, 66);
    CHECK(user[0] == Approx(ch[1] + ch[7] + ch[13]).epsilon(1e-5));       // s1 P = P1 + P2 + P3
    CHECK(user[5 * 2] == Approx(ch[6 * 6 + 1] + ch[7 * 6 + 1] + ch[8 * 6 + 1]).epsilon(1e-5));  // s3 = channels 7..9
    const auto truth = b.world.element_truth(0, -1, 0);
    CHECK(rel(ch[1] * 1000.0, truth.p) <= 0.0005);
    CHECK(sys[0] == Approx(50.0).margin(0.001));
    // Phase A current: channels 1, 4, 7, 10, 13, 16 = 10 + 13 + 16 + 19 + 22 + 25 A.
    CHECK(sys[9] == Approx(105.0).epsilon(2e-4));
    CHECK(user[6 * 5] == 0.0f);  // s7..s9 unused in 3LN
}

TEST_CASE("2LL: the first channel of a user is measured with Vab, the second with Vcb") {
    Bench b(4);
    const auto ch = b.read_floats(0x2100, 24);
    CHECK(rel(ch[1] * 1000.0, b.world.element_truth(0, 1, 0).p) <= 0.0005);
    CHECK(rel(ch[7] * 1000.0, b.world.element_truth(2, 1, 1).p) <= 0.0005);
    const auto user = b.read_floats(0x21D8, 10);
    CHECK(user[0] == Approx(ch[1] + ch[7]).epsilon(1e-5));
}

TEST_CASE("2LN puts each user's legs on Va and Vb; 1LN gives channels 1-9 a user each") {
    Bench split(2);
    const auto ch = split.read_floats(0x2100, 48);
    CHECK(rel(ch[6 * 2 + 1] * 1000.0, split.world.element_truth(0, -1, 2).p) <= 0.0005);  // channel 3: Va
    CHECK(rel(ch[6 * 3 + 1] * 1000.0, split.world.element_truth(1, -1, 3).p) <= 0.0005);  // channel 4: Vb
    Bench single(0);
    const auto c1 = single.read_floats(0x2100, 108);
    const auto u1 = single.read_floats(0x21D8, 90);
    CHECK(u1[5 * 8] == Approx(c1[6 * 8 + 1]).epsilon(1e-6));  // s9 = channel 9
}

TEST_CASE("RTU slave: silent on CRC errors and other addresses, exceptions 01/02/03") {
    Bench b(1);
    const Bytes read{0x03, 0x20, 0x00, 0x00, 0x02};
    CHECK_FALSE(b.transact(1, read).empty());
    CHECK(b.transact(1, read, true).empty());
    CHECK(b.transact(2, read).empty());
    CHECK(b.transact(1, Bytes{0x04, 0x20, 0x00, 0x00, 0x02}) == Bytes{0x84, 0x01});
    CHECK(b.transact(1, Bytes{0x03, 0x38, 0x00, 0x00, 0x02}) == Bytes{0x83, 0x02});
    CHECK(b.transact(1, Bytes{0x10, 0x08, 0x89, 0x00, 0x01, 0x02, 0xEA, 0x60}) == Bytes{0x90, 0x03});  // CT 60000
    CHECK(b.board->setting(0x0889) == 100);
    CHECK(b.transact(1, Bytes{0x10, 0x20, 0x00, 0x00, 0x01, 0x02, 0x00, 0x01}) == Bytes{0x90, 0x02});  // read-only
}

TEST_CASE("a baud change is answered at the old rate, then the board listens at the new one") {
    Bench b(1);
    CHECK(b.transact(1, Bytes{0x10, 0x0A, 0x01, 0x00, 0x01, 0x02, 0x25, 0x80}) == Bytes{0x10, 0x0A, 0x01, 0x00, 0x01});  // 9600
    const Bytes read{0x03, 0x20, 0x00, 0x00, 0x02};
    CHECK(b.transact(1, read).empty());  // the master still talks at 19200: noise to the board
    hal::SerialConfig slow = b.master.config();
    slow.baud = 9600;
    b.master.configure(slow);
    b.framer->set_config(slow);
    CHECK_FALSE(b.transact(1, read).empty());
}

TEST_CASE("a powered-down board stays silent; DI inputs and relays through FC02/FC05/FC01") {
    Bench b(1);
    // DI5 as a pulse counter (0x0A20 + 5 x 4 = 0x0A34).
    CHECK(b.transact(1, Bytes{0x10, 0x0A, 0x34, 0x00, 0x01, 0x02, 0x00, 0x01}) == Bytes{0x10, 0x0A, 0x34, 0x00, 0x01});
    b.board->set_digital_input(4, true);
    b.sched.run_until(b.sched.now() + 30ms);  // past the 20 ms debounce
    CHECK(b.transact(1, Bytes{0x02, 0x00, 0x00, 0x00, 0x12}) == Bytes{0x02, 3, 0x10, 0x00, 0x00});
    CHECK(b.transact(1, Bytes{0x05, 0x00, 0x01, 0xFF, 0x00}) == Bytes{0x05, 0x00, 0x01, 0xFF, 0x00});
    CHECK(b.board->relay(1));
    CHECK(b.transact(1, Bytes{0x01, 0x00, 0x00, 0x00, 0x02}) == Bytes{0x01, 1, 0x02});
    b.board->set_digital_input(4, false);
    b.sched.run_until(b.sched.now() + 30ms);
    b.board->set_digital_input(4, true);
    b.sched.run_until(b.sched.now() + 1100ms);  // settled, and published at the next second of the board clock
    const modbus::Request counters{modbus::Function::read_holding_registers, 0x6400 + 8, 2, {}, {}};
    auto r = modbus::decode_response(counters, b.transact(1, modbus::encode_request(counters)));
    CHECK(modbus::get_u32(std::get<modbus::Response>(r).registers, 0) == 2);  // two rising edges
    b.board->power_off();
    CHECK(b.transact(1, Bytes{0x03, 0x20, 0x00, 0x00, 0x02}).empty());
    b.board->power_on();
    CHECK_FALSE(b.transact(1, Bytes{0x03, 0x20, 0x00, 0x00, 0x02}).empty());
}
