// The data hub: a subscriber gets a snapshot per poll cycle of its group, with the time and quality
// of its values, and hears when the board stops answering.
#include <catch2/catch.hpp>

#include <vector>

#include "hub/data_hub.hpp"
#include "modbus_client.hpp"

using namespace std::chrono_literals;

TEST_CASE("data hub: real-time every cycle, energy every fifth, values typed through the catalogue; stale when the line is cut") {
    auto rig_ptr = harness::started_rig(5750);
    auto& rig = *rig_ptr;
    std::vector<fw::Snapshot> realtime, energy;
    std::vector<double> frequencies;
    const auto* f = fw::Catalogue::instance().by_key("Freq_Hz");
    REQUIRE(f);
    rig.firmware().hub().subscribe(fw::DataGroup::realtime, [&](const fw::Snapshot& s) {
        realtime.push_back(s);
        frequencies.push_back(s.model->reading(*f, s.time).value);
    });
    rig.firmware().hub().subscribe(fw::DataGroup::energy, [&](const fw::Snapshot& s) { energy.push_back(s); });
    rig.advance(20s);
    // The poller's cycle is 1 s (web manual 6.3); every energy block (the TOU month tables are
    // read every 10th cycle) is read again every 10 s.
    CHECK(realtime.size() >= 18);
    CHECK(realtime.size() <= 21);
    CHECK(energy.size() >= 2);
    CHECK(energy.size() <= 3);
    for (std::size_t i = 1; i < realtime.size(); ++i) {
        CHECK(realtime[i].sequence == realtime[i - 1].sequence + 1);
        CHECK(realtime[i].time > realtime[i - 1].time);
        CHECK(realtime[i].quality == fw::Quality::fresh);
    }
    for (double v : frequencies) CHECK(v == Approx(50.0).epsilon(1e-4));
    const auto last = *rig.firmware().hub().latest(fw::DataGroup::realtime);
    CHECK(last.sequence == realtime.back().sequence);

    rig.bus().faults().disconnected = true;
    const auto before = realtime.size();
    rig.advance(40s);  // readings go stale 30 s after the last good read
    // The cycle under way when the line was cut may still finish; then no new values, and one
    // snapshot to say they are stale.
    REQUIRE(realtime.size() >= before + 1);
    REQUIRE(realtime.size() <= before + 2);
    CHECK(realtime[realtime.size() - 2].quality == fw::Quality::fresh);
    CHECK(realtime.back().quality == fw::Quality::stale);
    CHECK(realtime.back().time >= realtime[realtime.size() - 2].time);
    CHECK(realtime.back().time < rig.now() - 30s);  // nothing newer than the cut
    rig.bus().faults().disconnected = false;
    rig.advance(20s);
    CHECK(realtime.back().quality == fw::Quality::fresh);
    CHECK(realtime.back().time > realtime[before].time);
}

TEST_CASE("worker jobs take no virtual time: each one's `done` runs before the next timer, the same in every run") {
    auto rig_ptr = harness::started_rig(5751);
    auto& rig = *rig_ptr;
    std::vector<std::pair<int, hal::Time>> log;
    const hal::Time t0 = rig.now();
    for (int i = 0; i < 5; ++i)
        rig.scheduler().at(t0 + std::chrono::milliseconds(100 * (i + 1)), [&rig, &log, i] {
            rig.workers().submit([] { volatile long x = 0; for (long k = 0; k < 200000; ++k) x = x + k; },
                                 [&rig, &log, i] { log.emplace_back(i, rig.now()); });
        });
    rig.scheduler().at(t0 + 550ms, [&log] { CHECK(log.size() == 5); });
    rig.advance(1s);
    REQUIRE(log.size() == 5);
    for (int i = 0; i < 5; ++i) {
        CHECK(log[static_cast<std::size_t>(i)].first == i);
        CHECK(log[static_cast<std::size_t>(i)].second == t0 + std::chrono::milliseconds(100 * (i + 1)));  // at its submit instant
    }
}
