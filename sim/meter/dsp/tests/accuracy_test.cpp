// Sample-fidelity accuracy at the class test points of metering-science.md §7 (1, 5, 10, 100 %
// of In and Imax = 200 %; PF 1, 0.5L, 0.8C; with and without 5th/7th harmonics), against the
// generator's analytic truth. Limits: P 0.05 % of P; V, I and V L-L RMS 0.02 %; Q1 and QB 0.05 %
// of S1 (they are zero at PF 1, so the budget is referred to S1, the same 0.05 % as P); S and S1
// 0.04 % (the V and I RMS budgets together). These are a tenth or less of class 0.2S (Table B),
// the bench's "uncertainty ≤ 1/3 of the limit" with margin [R48].
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace metering_test;

namespace {

struct Ct {
    CtType type;
    double primary;
    const char* name;
};

void check_class_points(const Ct& ct, bool harmonics, double frequency) {
    WaveformGenerator g(7);
    g.set_frequency(frequency, t0);
    load_test_points(g, ct.primary, harmonics);
    MeasurementEngine e(g, {frequency < 55 ? 50.0 : 60.0, 128, Fidelity::sample});
    e.set_front_end(front_end(ct.type, ct.primary));
    e.set_element_voltages(line_to_neutral());
    const auto w = settled(e);
    INFO(ct.name << (harmonics ? " with 5th and 7th" : " sinusoidal") << " at " << frequency << " Hz");
    for (int p = 0; p < 3; ++p) {
        CHECK(rel(w.voltage[static_cast<std::size_t>(p)].rms, g.truth(p).rms) <= 0.0002);
        CHECK(rel(w.v_ll[static_cast<std::size_t>(p)], g.line_truth(p, (p + 1) % 3).rms) <= 0.0002);
    }
    for (int i = 0; i < 15; ++i) {
        const auto pt = point(i);
        const auto c = static_cast<std::size_t>(i);
        const auto truth = g.element_truth(phase_of(i), -1, i);
        INFO("input " << i + 1 << ": I = " << pt.current_pct << " % of " << ct.primary << " A, " << pt.pf.name);
        CHECK(rel(w.current[c].rms, g.truth(3 + i).rms) <= 0.0002);
        CHECK(rel(w.element[c].p, truth.p) <= 0.0005);
        CHECK(std::abs(w.element[c].q1 - truth.q1) <= 0.0005 * truth.s1);
        CHECK(std::abs(w.element[c].qb - truth.qb) <= 0.0005 * truth.s1);
        CHECK(std::abs(w.element[c].p1 - truth.p1) <= 0.0005 * truth.s1);
        CHECK(rel(w.element[c].s, truth.s) <= 0.0004);
        CHECK(rel(w.element[c].s1, truth.s1) <= 0.0004);
        CHECK_FALSE(w.current[c].clipped);
    }
}

}  // namespace

TEST_CASE("accuracy.class_points.333mV_100A") {
    for (bool harmonics : {false, true}) check_class_points({CtType::mv333, 100, "100 A 333 mV"}, harmonics, 50.0);
}

TEST_CASE("accuracy.class_points.rct_5000A") {
    for (bool harmonics : {false, true}) check_class_points({CtType::rct, 5000, "5000 A RCT"}, harmonics, 50.0);
}

TEST_CASE("accuracy.class_points.80mA_200A_at_60Hz") {
    for (bool harmonics : {false, true}) check_class_points({CtType::ma80, 200, "200 A 80 mA"}, harmonics, 60.0);
}

TEST_CASE("accuracy.class_points.off_nominal_frequency") {
    // 49.5 and 61.3 Hz: the tracker must make the window coherent, or leakage breaks the limits.
    check_class_points({CtType::ma100, 400, "400 A 100 mA"}, true, 49.5);
    check_class_points({CtType::ma200, 1000, "1000 A 200 mA"}, true, 61.3);
}

TEST_CASE("accuracy.harmonics.per_order") {
    WaveformGenerator g(5);
    g.set_frequency(50.0, t0);
    load_test_points(g, 100, true);
    g.set_current(15, {50, -30, 1.5, 0, {{2, 4, 0}, {3, 12, 90}, {11, 6, 0}, {13, 5, 45}, {49, 2, 0}, {63, 1, 10}}});
    MeasurementEngine e(g, {});
    e.set_front_end(front_end(CtType::mv333, 100));
    const auto w = settled(e);
    const auto truth = g.truth(3 + 15);
    const auto& sp = w.current[15];
    for (int h = 1; h <= max_harmonic; ++h) {
        INFO("order " << h);
        CHECK(std::abs(sp.harmonic_rms[static_cast<std::size_t>(h)] - truth.harmonic_rms[static_cast<std::size_t>(h)]) <= 0.0002 * truth.harmonic_rms[1]);
    }
    CHECK(rel(sp.dc, truth.dc) <= 0.001);
    CHECK(rel(sp.rms, truth.rms) <= 0.0002);
    // The voltage's 5th: 3 % of 230 V.
    CHECK(w.voltage[0].harmonic_rms[5] == Approx(6.9).epsilon(0.0005));
    CHECK(w.voltage[0].harmonic_rms[3] < 1e-4);
}

TEST_CASE("accuracy.delta_elements.line_to_line_voltage") {
    // 3-wire delta, two elements: Vab with I1, Vcb with I3 (metering-science §1.5).
    WaveformGenerator g(9);
    g.set_frequency(60.0, t0);
    load_test_points(g, 100, true);
    MeasurementEngine e(g, {60.0, 128, Fidelity::sample});
    e.set_front_end(front_end(CtType::mv333, 100));
    auto el = line_to_neutral();
    el[0] = {0, 1};
    el[2] = {2, 1};
    e.set_element_voltages(el);
    const auto w = settled(e);
    for (int i : {0, 2}) {
        const auto c = static_cast<std::size_t>(i);
        const auto ev = el[c];
        const auto truth = g.element_truth(ev.plus, ev.minus, i);
        INFO("input " << i + 1);
        CHECK(rel(w.element[c].p, truth.p) <= 0.0005);
        CHECK(std::abs(w.element[c].q1 - truth.q1) <= 0.0005 * truth.s1);
        CHECK(rel(w.element[c].s, truth.s) <= 0.0004);
    }
}

TEST_CASE("accuracy.line_to_line.unbalanced_with_triplens") {
    // Unequal magnitudes and angles, a 3rd harmonic (in phase on all three: it cancels only where
    // magnitudes match) and DC: V L-L from sample differences, never from L-N magnitudes.
    WaveformGenerator g(10);
    g.set_frequency(50.0, t0);
    g.set_voltage(0, {240, 0, 1.0, 0, {{3, 8, 0}, {5, 3, 0}}});
    g.set_voltage(1, {200, -130, -0.5, 0, {{3, 4, 20}}});
    g.set_voltage(2, {235, 112, 0, 0, {{3, 6, -10}, {7, 2, 0}}});
    MeasurementEngine e(g, {});
    e.set_front_end(front_end(CtType::mv333, 100));
    const auto w = settled(e);
    for (int p = 0; p < 3; ++p) {
        const auto truth = g.line_truth(p, (p + 1) % 3).rms;
        INFO("pair " << p);
        CHECK(rel(w.v_ll[static_cast<std::size_t>(p)], truth) <= 0.0002);
        // and the shortcut √3·V_LN would be off by more than 1 %
        CHECK(rel(std::sqrt(3.0) * g.truth(p).rms, truth) > 0.01);
    }
}
