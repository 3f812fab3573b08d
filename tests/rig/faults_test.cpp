// Bus faults against the firmware's poller: readings stay fresh on a noisy line, go stale within
// the documented time when the line is cut (Modbus TCP then answers 0x0B), and recover.
#include <catch2/catch.hpp>

#include "acurev/board_map.hpp"
#include "modbus_client.hpp"

using namespace std::chrono_literals;
namespace blocks = acurev::blocks;

namespace {

harness::RigConfig analytic(std::uint16_t port) {
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = port;
    return c;
}

bool realtime_fresh(harness::Rig& rig) {
    auto& m = rig.firmware().model();
    const auto now = rig.now();
    return m.quality(blocks::system_realtime.start, blocks::system_realtime.count, now) == fw::Quality::fresh &&
           m.quality(blocks::channel_realtime.start, blocks::channel_realtime.count, now) == fw::Quality::fresh &&
           m.quality(blocks::user_realtime.start, blocks::user_realtime.count, now) == fw::Quality::fresh;
}

// Advances `span` in 1 s steps and returns how many steps found the real-time blocks stale.
int stale_steps(harness::Rig& rig, int seconds) {
    int stale = 0;
    for (int i = 0; i < seconds; ++i) {
        rig.advance(1s);
        if (!realtime_fresh(rig)) ++stale;
    }
    return stale;
}

}  // namespace

TEST_CASE("with 5 % of bytes corrupted the poller keeps every reading fresh") {
    harness::Rig rig(analytic(5710));
    rig.start();
    rig.advance(5s);
    REQUIRE(realtime_fresh(rig));
    rig.bus().faults().corrupt_byte_rate = 0.05;
    CHECK(stale_steps(rig, 180) == 0);
    CHECK(rig.bus().stats().bytes_corrupted > 1000);
    CHECK(rig.firmware().rtu_master().stats().bad_frames > 100);
    CHECK(rig.firmware().poller().stats().chunk < 125);  // it shrank its reads to get through
    rig.bus().reset_faults();
    rig.advance(60s);
    CHECK(rig.firmware().poller().stats().chunk == 125);  // and grew them back on a clean line
}

TEST_CASE("dropped frames; added delay and dribbled bytes leave readings fresh") {
    harness::Rig rig(analytic(5711));
    rig.start();
    rig.advance(5s);
    SECTION("20 % of frames dropped") { rig.bus().faults().drop_frame_rate = 0.2; }
    SECTION("8 ms added delay each way (within the 25 ms response timeout)") { rig.bus().faults().added_delay = 8ms; }
    SECTION("10 % of frames dribbled") { rig.bus().faults().dribble_rate = 0.1; }
    CHECK(stale_steps(rig, 60) == 0);
    const auto& st = rig.bus().stats();
    CHECK(st.frames_sent > 100);
}

TEST_CASE("a cut bus makes readings stale within 10 s; Modbus TCP answers 0x0B; and both recover") {
    harness::Rig rig(analytic(5712));
    rig.start();
    rig.advance(5s);
    REQUIRE(realtime_fresh(rig));
    rig.bus().faults().disconnected = true;
    const auto cut_at = rig.now();
    REQUIRE(rig.run_until([&] { return !realtime_fresh(rig); }, 30s));
    const auto took = rig.now() - cut_at;
    CHECK(took <= rig.firmware().model().stale_after() + 1s);  // README "Faults": stale after 10 s
    CHECK(took >= rig.firmware().model().stale_after() - 1s);
    auto code = harness::with_client(rig, [](modbus_t* m) {
        std::vector<std::uint16_t> r(66);
        return harness::exception_of(modbus_read_registers(m, 0x2000, 66, r.data()));
    });
    CHECK(code == 0x0B);
    rig.advance(60s);
    CHECK(rig.firmware().poller().stats().current_interval == 8s);  // backed off while silent
    rig.bus().faults().disconnected = false;
    const auto back_at = rig.now();
    REQUIRE(rig.run_until([&] { return realtime_fresh(rig); }, 30s));
    CHECK(rig.now() - back_at <= 10s);  // within one backed-off cycle plus a read
    auto ok = harness::with_client(rig, [](modbus_t* m) {
        std::vector<std::uint16_t> r(66);
        return modbus_read_registers(m, 0x2000, 66, r.data());
    });
    CHECK(ok == 66);
    rig.advance(3s);
    CHECK(rig.firmware().poller().stats().current_interval == 1s);
}

TEST_CASE("a powered-down board answers nothing and its readings go stale") {
    harness::Rig rig(analytic(5713));
    rig.start();
    rig.advance(5s);
    rig.board().power_off();
    REQUIRE(rig.run_until([&] { return !realtime_fresh(rig); }, 30s));
    rig.board().power_on();
    REQUIRE(rig.run_until([&] { return realtime_fresh(rig); }, 30s));
}
