// Frequency: reciprocal zero-crossing measurement within 1 mHz of the generator's phase from 45
// to 65 Hz once the tracker has locked, window lengths of 10/12 cycles, the Va → Vb → Vc →
// nominal fallback, and tracking through a ramp.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace metering_test;

namespace {

// The generator's truth for a window: its cycles over its duration.
double true_frequency(const WaveformGenerator& g, const WindowMeasurement& w) {
    const double s = hal::to_seconds(w.end - w.start);
    return g.plan().cycles_between(w.start, s) / s;
}

}  // namespace

TEST_CASE("frequency.locked_within_1mHz_45_to_65Hz") {
    for (double f : {45.0, 47.77, 50.0, 55.0, 59.95, 60.0, 65.0}) {
        for (double nominal : {50.0, 60.0}) {
            WaveformGenerator g(3);
            g.set_frequency(f, t0);
            load_test_points(g, 100, true);
            MeasurementEngine e(g, {nominal, 128, Fidelity::sample});
            e.set_front_end(front_end(CtType::mv333, 100));
            INFO("f = " << f << " Hz, nominal " << nominal << " Hz");
            hal::Time t = t0;
            double previous = nominal;
            for (int k = 0; k < 4; ++k) {
                const auto w = e.measure(t);
                INFO("window " << k);
                // Class A allows 10 mHz; before lock the crossings are not coherent with the
                // samples, after it they are, and the limit is 1 mHz.
                CHECK(std::abs(w.frequency - f) <= (k == 0 ? 0.01 : 0.001));
                CHECK(w.cycles == (previous < 55 ? 10 : 12));  // at exactly 55 Hz either may follow
                previous = w.frequency;
                if (k > 0) {
                    CHECK(std::abs(true_frequency(g, w) * hal::to_seconds(w.end - w.start) - w.cycles) < 0.002);  // coherent
                    CHECK(rel(w.element[3].p, g.element_truth(0, -1, 3).p) <= 0.0005);
                }
                t = w.end;
            }
        }
    }
}

TEST_CASE("frequency.fallback_when_va_is_absent") {
    WaveformGenerator g(4);
    g.set_frequency(57.3, t0);
    g.set_voltage(0, {1.5, 0, 0, 0, {}});  // 0.65 % of 230 V: absent
    g.set_voltage(1, {230, -120, 0, 0, {}});
    g.set_voltage(2, {230, 120, 0, 0, {}});
    MeasurementEngine e(g, {60.0, 128, Fidelity::sample});
    e.set_front_end(front_end(CtType::mv333, 100));
    auto w = settled(e);
    CHECK(std::abs(w.frequency - 57.3) <= 0.001);
    g.set_voltage(1, {0, 0, 0, 0, {}});
    w = settled(e, 2, w.end);
    CHECK(std::abs(w.frequency - 57.3) <= 0.001);  // Vc alone
    g.set_voltage(2, {0, 0, 0, 0, {}});
    for (auto fidelity : {Fidelity::sample, Fidelity::analytic}) {
        e.set_fidelity(fidelity);
        w = settled(e, 2, w.end);
        CHECK(w.frequency == 60.0);  // no voltage: the nominal, and the sampler free-runs there
        CHECK(w.cycles == 12);
        CHECK(hal::to_seconds(w.end - w.start) == Approx(0.2).epsilon(1e-8));
        CHECK(e.tracked_frequency() == 60.0);
    }
}

TEST_CASE("frequency.tracks_a_ramp") {
    // 49 → 51 Hz at 0.5 Hz/s. Each window's reading is the mean over its crossings, which lie
    // within one cycle of the window's ends: truth ± rate × 1 cycle = ±10 mHz. The tracker lags
    // one window (0.1 Hz at this rate), so the window holds K + δ true cycles; the unfinished
    // part of a cycle leaves at most S·|δ|/K in mean(v·i) (0.2 % here), on top of the 0.05 %.
    WaveformGenerator g(8);
    g.set_frequency(49.0, t0);
    g.ramp_frequency(51.0, 0.5, t0 + std::chrono::seconds(1));
    load_test_points(g, 100, false);
    MeasurementEngine e(g, {50.0, 128, Fidelity::sample});
    e.set_front_end(front_end(CtType::mv333, 100));
    hal::Time t = t0;
    int windows = 0;
    while (t < t0 + std::chrono::seconds(7)) {
        const auto w = e.measure(t);
        if (windows++ > 0) {
            INFO("window at " << hal::to_seconds(w.start - t0) << " s");
            CHECK(std::abs(w.frequency - true_frequency(g, w)) <= 0.010);
            const double delta = true_frequency(g, w) * hal::to_seconds(w.end - w.start) - w.cycles;
            const auto truth = g.element_truth(0, -1, 3);
            CHECK(std::abs(w.element[3].p - truth.p) <= truth.s * std::abs(delta) / w.cycles + 0.0005 * truth.p);
            CHECK(std::abs(delta) < 0.05);
        }
        t = w.end;
    }
    CHECK(std::abs(e.tracked_frequency() - 51.0) <= 0.001);  // locked again after the ramp
}

TEST_CASE("frequency.analytic_windows_hold_whole_true_cycles") {
    WaveformGenerator g(2);
    g.set_frequency(50.0, t0);
    g.ramp_frequency(58.0, 4.0, t0 + std::chrono::milliseconds(500));
    load_test_points(g, 100, false);
    MeasurementEngine e(g, {50.0, 128, Fidelity::analytic});
    hal::Time t = t0;
    for (int k = 0; k < 20; ++k) {
        const auto w = e.measure(t);
        INFO("window " << k);
        CHECK(w.cycles == (g.frequency_at(w.start) < 55 ? 10 : 12));
        CHECK(g.cycles_at(w.end) - g.cycles_at(w.start) == Approx(w.cycles).epsilon(0).margin(1e-6));
        CHECK(w.frequency == Approx(true_frequency(g, w)).epsilon(1e-9));
        t = w.end;
    }
    CHECK(std::abs(e.tracked_frequency() - 58.0) < 1e-6);
}
