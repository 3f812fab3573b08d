// Sample and analytic fidelity: they agree on the same configuration (P 0.05 %, RMS 0.02 %),
// both apply the CT ratio and phase errors as a closed-form calculation predicts, noise is
// seeded through the whole chain, switching fidelity keeps the tracker, and the analytic cache
// follows every change of waveform or settings.
#include <catch2/catch.hpp>

#include <numbers>

#include "test_support.hpp"

using namespace metering_test;

namespace {

void load_with_errors(WaveformGenerator& g, FrontEndConfig& fe) {
    load_test_points(g, fe.ct_primary[0], true);
    fe.ratio_error_pct[4] = 0.2;
    fe.phase_error_min[4] = 15;
    fe.ratio_error_pct[8] = -0.3;
    fe.phase_error_min[8] = -40;
}

}  // namespace

TEST_CASE("fidelity.sample_and_analytic_agree") {
    for (double f : {50.0, 60.0}) {
        WaveformGenerator g(11);
        g.set_frequency(f, t0);
        auto fe = front_end(CtType::ma100, 400);
        load_with_errors(g, fe);
        MeasurementEngine s(g, {f, 128, Fidelity::sample});
        MeasurementEngine a(g, {f, 128, Fidelity::analytic});
        for (auto* e : {&s, &a}) {
            e->set_front_end(fe);
            e->set_element_voltages(line_to_neutral());
        }
        const auto ws = settled(s), wa = settled(a);
        INFO(f << " Hz");
        CHECK(std::abs(ws.frequency - wa.frequency) <= 0.001);
        CHECK(ws.cycles == wa.cycles);
        CHECK(hal::to_seconds(ws.end - ws.start) == Approx(hal::to_seconds(wa.end - wa.start)).epsilon(1e-4));
        for (std::size_t p = 0; p < 3; ++p) {
            CHECK(rel(ws.voltage[p].rms, wa.voltage[p].rms) <= 0.0002);
            CHECK(rel(ws.v_ll[p], wa.v_ll[p]) <= 0.0002);
            CHECK(rel(ws.voltage[p].peak, wa.voltage[p].peak) <= 0.001);  // sampling phase of the peak
        }
        for (std::size_t i = 0; i < 15; ++i) {
            INFO("input " << i + 1);
            const auto &xs = ws.element[i], &xa = wa.element[i];
            CHECK(rel(ws.current[i].rms, wa.current[i].rms) <= 0.0002);
            CHECK(rel(xs.p, xa.p) <= 0.0005);
            CHECK(std::abs(xs.q1 - xa.q1) <= 0.0005 * xa.s1);
            CHECK(std::abs(xs.qb - xa.qb) <= 0.0005 * xa.s1);
            CHECK(rel(xs.s, xa.s) <= 0.0004);
            CHECK(std::abs(ws.current[i].harmonic_rms[5] - wa.current[i].harmonic_rms[5]) <= 0.0002 * wa.current[i].harmonic_rms[1]);
            CHECK(rel(ws.current[i].peak, wa.current[i].peak) <= 0.001);
        }
    }
}

TEST_CASE("fidelity.ct_errors_match_closed_form") {
    // Input 9 (index 8) is the 0.5L point at 100 % In, on Vc: I lags V by 60°. With the CT
    // 0.3 % low and its secondary lagging 40', the meter sees I·0.997 at an angle 40' later:
    // P = V·I·0.997·cos(60° + 40'), and the 5th harmonic turns by 5 × 40'.
    WaveformGenerator g(12);
    g.set_frequency(50.0, t0);
    auto fe = front_end(CtType::mv333, 100);
    load_with_errors(g, fe);
    const int input = 8;
    const auto pt = point(input);
    REQUIRE(pt.pf.pf == 0.5);
    REQUIRE(pt.current_pct == 100.0);
    const double deg = std::numbers::pi / 180, d = -40.0 / 60 * deg;
    const double v1 = 230, v5 = 6.9, v7 = 4.6, i1 = 100 * 0.997, i5 = 0.2 * i1, i7 = 0.1 * i1;
    // θh = αh − βh: α5 = 5α1 + 0, β5 = 5β1 + 10°, with β1 = α1 − 60°; α7 = 7α1 + 30°, β7 = 7β1 − 20°.
    const double th1 = 60 * deg - d, th5 = 5 * 60 * deg - 10 * deg - 5 * d, th7 = 7 * 60 * deg + 50 * deg - 7 * d;
    const double p = v1 * i1 * std::cos(th1) + v5 * i5 * std::cos(th5) + v7 * i7 * std::cos(th7);
    const double q1 = v1 * i1 * std::sin(th1);
    for (auto fidelity : {Fidelity::sample, Fidelity::analytic}) {
        MeasurementEngine e(g, {50.0, 128, fidelity});
        e.set_front_end(fe);
        e.set_element_voltages(line_to_neutral());
        const auto w = settled(e);
        INFO((fidelity == Fidelity::sample ? "sample" : "analytic") << " fidelity");
        CHECK(rel(w.element[input].p, p) <= 0.0005);
        CHECK(rel(w.element[input].q1, q1) <= 0.0005);
        CHECK(rel(w.current[input].rms, 0.997 * g.truth(3 + input).rms) <= 0.0002);
        // and the error is really there: the true P is more than 1 % away
        CHECK(rel(w.element[input].p, g.element_truth(phase_of(input), -1, input).p) > 0.01);
    }
}

TEST_CASE("fidelity.noise_is_seeded_through_the_chain") {
    auto run = [](std::uint64_t seed) {
        WaveformGenerator g(seed);
        g.set_frequency(50.0, t0);
        g.set_voltage(0, {230, 0, 0, 2.0, {}});
        g.set_current(0, {10, -30, 0, 0.5, {}});
        MeasurementEngine e(g, {});
        e.set_front_end(front_end(CtType::mv333, 100));
        return settled(e);
    };
    const auto a = run(42), b = run(42), c = run(43);
    CHECK(a.current[0].rms == b.current[0].rms);
    CHECK(a.element[0].p == b.element[0].p);
    CHECK(a.frequency == b.frequency);
    CHECK(a.current[0].rms != c.current[0].rms);
    // RMS of signal plus noise tends to √(X² + σ²): σ/√(2·1280) relative spread ⇒ 0.5 % here.
    CHECK(rel(a.current[0].rms, std::hypot(10.0, 0.5)) <= 0.005);
    CHECK(rel(a.voltage[0].rms, std::hypot(230.0, 2.0)) <= 0.0005);
    // 2 V of noise on a 325 V peak moves each interpolated crossing by ~15 µs: ~6 mHz (1σ) on
    // one window's reciprocal count.
    CHECK(std::abs(a.frequency - 50.0) <= 0.03);
}

TEST_CASE("fidelity.switching_keeps_the_tracker") {
    WaveformGenerator g(6);
    g.set_frequency(62.5, t0);
    load_test_points(g, 100, true);
    MeasurementEngine e(g, {60.0, 128, Fidelity::sample});
    e.set_front_end(front_end(CtType::mv333, 100));
    hal::Time t = t0;
    for (int k = 0; k < 8; ++k) {
        e.set_fidelity(k % 2 ? Fidelity::analytic : Fidelity::sample);
        const auto w = e.measure(t);
        INFO("window " << k);
        CHECK(w.start == t);
        if (k > 0) {
            CHECK(std::abs(w.frequency - 62.5) <= 0.001);
            CHECK(rel(w.element[3].p, g.element_truth(0, -1, 3).p) <= 0.0005);
        }
        t = w.end;
    }
}

TEST_CASE("fidelity.analytic_follows_every_change") {
    WaveformGenerator g(6);
    g.set_frequency(50.0, t0);
    load_test_points(g, 100, false);
    MeasurementEngine e(g, {50.0, 128, Fidelity::analytic});
    e.set_front_end(front_end(CtType::mv333, 100));
    auto w = e.measure(t0);
    CHECK(w.current[3].rms == Approx(100.0));
    g.set_current(3, {80, 0, 0, 0, {}});
    w = e.measure(w.end);
    CHECK(w.current[3].rms == Approx(80.0));
    auto fe = front_end(CtType::mv333, 100);
    fe.ratio_error_pct[3] = 1;
    e.set_front_end(fe);
    w = e.measure(w.end);
    CHECK(w.current[3].rms == Approx(80.8));
    auto el = line_to_neutral();
    el[3] = {1, -1};
    e.set_element_voltages(el);
    w = e.measure(w.end);
    CHECK(w.element[3].p == Approx(g.element_truth(1, -1, 3).p * 1.01));
    CHECK(w.element[3].p == Approx(230 * 80.8 * std::cos(120 * std::numbers::pi / 180)));
}

TEST_CASE("fidelity.engine_settings_validation") {
    WaveformGenerator g(1);
    CHECK_THROWS_WITH(MeasurementEngine(g, {50.0, 100, Fidelity::sample}), "samples per cycle 100 is out of range: a power of two, 32-1024");
    CHECK_THROWS_WITH(MeasurementEngine(g, {55.0, 128, Fidelity::sample}), "nominal frequency 55 is out of range: 50 or 60 Hz");
    MeasurementEngine e(g, {});
    auto el = line_to_neutral();
    el[4] = {1, 1};
    CHECK_THROWS_WITH(e.set_element_voltages(el), "element voltage of current input 5 minus 1 is out of range: -1 (neutral) or another phase 0-2");
    el[4] = {3, -1};
    CHECK_THROWS_WITH(e.set_element_voltages(el), "element voltage of current input 5 plus 3 is out of range: 0-2 (Va, Vb, Vc)");
    CHECK(e.element_voltages()[4].plus == 1);  // refused: the default wiring (input 5 on Vb) stays
}
