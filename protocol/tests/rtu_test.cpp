#include <catch2/catch.hpp>

#include "common/event_scheduler.hpp"
#include "modbus/rtu.hpp"

using namespace modbus::rtu;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("frames carry address; PDU and CRC low byte first") {
    const Bytes pdu{0x03, 0x40, 0x00, 0x00, 0x48};
    const auto f = encode_frame(1, pdu);
    CHECK(f == Bytes{0x01, 0x03, 0x40, 0x00, 0x00, 0x48, 0x50, 0x3C});
    auto back = decode_frame(f);
    REQUIRE(back);
    CHECK(back->address == 1);
    CHECK(back->pdu == pdu);
    auto bad = f;
    bad[3] ^= 0x01;
    CHECK_FALSE(decode_frame(bad));
    CHECK_FALSE(decode_frame(Bytes{0x01, 0x03, 0x00}));
}

TEST_CASE("character times follow the baud rate; fixed above 19200") {
    hal::SerialConfig c{9600, hal::Parity::none, 1};
    CHECK(c.bits_per_char() == 10);
    CHECK(t3_5(c) == hal::Duration(3'645'831));
    CHECK(wire_time(c, 8) == hal::Duration(8 * 1'041'666));
    c.parity = hal::Parity::even;
    CHECK(c.bits_per_char() == 11);
    c.baud = 38400;
    CHECK(t3_5(c) == 1750us);
    CHECK(t1_5(c) == 750us);
}

TEST_CASE("the framer cuts by silence and drops frames broken by a 1.5-character gap") {
    hal::EventScheduler sched(hal::Time(0));
    const hal::SerialConfig cfg{19200, hal::Parity::none, 1};
    std::vector<Frame> got;
    Framer framer(sched, cfg, [&](Frame f, hal::Time) { got.push_back(std::move(f)); });
    const auto frame = encode_frame(7, Bytes{0x03, 0x20, 0x00, 0x00, 0x42});
    const auto ct = cfg.char_time();

    framer.feed(frame, sched.now() + wire_time(cfg, frame.size()));
    sched.run_until(sched.now() + 10ms);
    REQUIRE(got.size() == 1);
    CHECK(got[0].address == 7);

    // The same frame in two pieces 1 character apart: still one frame.
    const Bytes a(frame.begin(), frame.begin() + 3), b(frame.begin() + 3, frame.end());
    hal::Time t = sched.now() + ct * 3;
    framer.feed(a, t);
    t += ct * static_cast<std::int64_t>(b.size()) + ct;
    framer.feed(b, t);
    sched.run_until(t + 10ms);
    CHECK(got.size() == 2);

    // Two pieces 3 characters apart (> t1.5, < t3.5): the frame is dropped whole.
    t = sched.now();
    framer.feed(a, t);
    t += ct * static_cast<std::int64_t>(b.size()) + ct * 3;
    framer.feed(b, t);
    sched.run_until(t + 10ms);
    CHECK(got.size() == 2);
    CHECK(framer.stats().broken == 1);

    // A corrupted byte: counted as a CRC error, nothing delivered.
    auto bad = frame;
    bad[2] ^= 0x40;
    framer.feed(bad, sched.now() + wire_time(cfg, bad.size()));
    sched.run_until(sched.now() + 10ms);
    CHECK(got.size() == 2);
    CHECK(framer.stats().crc_errors == 1);
}

TEST_CASE("loose timing accepts chunks with long gaps; as a pty delivers them") {
    hal::EventScheduler sched(hal::Time(0));
    const hal::SerialConfig cfg{19200, hal::Parity::none, 1};
    int frames = 0;
    Framer framer(sched, cfg, [&](Frame, hal::Time) { ++frames; }, Framer::loose_timing());
    const auto frame = encode_frame(1, Bytes{0x01, 0x00, 0x00, 0x00, 0x02});
    framer.feed(std::span(frame).first(4), hal::Time(1ms));
    framer.feed(std::span(frame).subspan(4), hal::Time(3ms));
    sched.run_until(hal::Time(20ms));
    CHECK(frames == 1);
}
