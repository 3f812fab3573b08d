// Power-quality (0x3200) and phase-angle (0x3600) registers from one window: in sample fidelity
// against the generator's analytic truth and the definitions of metering-science 1.5, 4 and 5,
// and the published positions and scales of register map 1.6 and 1.7.
// Tolerances: harmonic ratios, THD and odd/even THD 0.05 %-points; unbalance 0.02 %-points (well
// inside IEC 61000-4-30 Class A's ±0.15 %-points); the sample DSP's harmonic error is ≤ 0.02 %
// of the fundamental (accuracy_test). K-factor 1 % of the rounded worked example. Crest factor
// 0.5 % (the sampled peak of 128 samples per cycle reads at most 1 − cos(π/128) = 0.03 % low).
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "meter/dsp/tests/test_support.hpp"
#include "meter/power_quality.hpp"
#include "meter/wiring.hpp"

using namespace metering_test;

namespace {

using Phasor = std::complex<double>;

constexpr std::size_t u(int i) { return static_cast<std::size_t>(i); }

struct Run {
    WaveformGenerator g{21};
    MeasurementEngine engine;
    WindowMeasurement w;
    explicit Run(Fidelity fidelity, double hz = 50.0) : engine(g, {hz, 128, fidelity}) {
        g.set_frequency(hz, t0);
        engine.set_front_end(front_end(CtType::mv333, 100, 230));
    }
    PowerQuality measure(const WiringLayout& wiring) {
        w = settled(engine);
        return power_quality(w, wiring, presence_thresholds(engine.front_end().config()));
    }
};

// From the generator's truth: 100·X_h/X_1 and the THD family over orders 2..31.
double truth_pct(const ChannelTruth& t, int h) { return 100 * t.harmonic_rms[u(h)] / t.harmonic_rms[1]; }
double truth_thd(const ChannelTruth& t, int first, int step) {
    double sum = 0;
    for (int h = first; h <= 31; h += step) sum += t.harmonic_rms[u(h)] * t.harmonic_rms[u(h)];
    return 100 * std::sqrt(sum) / t.harmonic_rms[1];
}

void check_harmonics(const HarmonicContent& m, const ChannelTruth& t) {
    for (int h = 2; h <= 31; ++h) {
        INFO("order " << h);
        CHECK(std::abs(m.harmonic_pct[u(h)] - truth_pct(t, h)) <= 0.05);
    }
    CHECK(std::abs(m.thd_pct - truth_thd(t, 2, 1)) <= 0.05);
    CHECK(std::abs(m.odd_thd_pct - truth_thd(t, 3, 2)) <= 0.05);
    CHECK(std::abs(m.even_thd_pct - truth_thd(t, 2, 2)) <= 0.05);
}

// Symmetrical components (metering-science 5), written out here rather than taken from the model.
double negative_over_positive_pct(Phasor x0, Phasor x1, Phasor x2) {
    const Phasor a = std::polar(1.0, 2 * std::numbers::pi / 3);
    return 100 * std::abs(x0 + a * a * x1 + a * x2) / std::abs(x0 + a * x1 + a * a * x2);
}

}  // namespace

TEST_CASE("pq.harmonics.sample_fidelity_matches_truth") {
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {{3, 4, 0}, {5, 3, 20}, {7, 2, 0}, {11, 1.5, 45}, {13, 1, 0}}});
    r.g.set_voltage(1, {230, -120, 0, 0, {{2, 1, 0}, {3, 10, 0}, {4, 0.5, 90}, {5, 5, 0}, {11, 0.5, 0}, {13, 0.8, 0}}});
    r.g.set_voltage(2, {228, 120, 0, 0, {{3, 2, 0}, {5, 4, -30}, {7, 3, 0}, {11, 2, 0}, {13, 1.2, 10}}});
    r.g.set_current(0, {100, -30, 0, 0, {{3, 30, 0}, {5, 20, 0}, {7, 10, 0}}});  // the K-factor vector
    r.g.set_current(1, {50, -150, 0, 0, {{2, 4, 0}, {3, 10, 15}, {5, 8, 0}, {7, 5, 0}, {11, 3, 0}, {13, 2, 60}}});
    r.g.set_current(4, {20, 90, 0, 0, {{3, 25, 0}, {5, 15, 0}, {7, 6, 0}, {11, 9, 0}, {13, 7, 0}}});
    const auto q = r.measure(wiring_layout(1));
    for (int p = 0; p < 3; ++p) {
        INFO("voltage " << "abc"[p]);
        check_harmonics(q.voltage[u(p)].harmonics, r.g.truth(p));
    }
    for (int c : {0, 1, 4}) {
        INFO("current input " << c + 1);
        check_harmonics(q.current[u(c)].harmonics, r.g.truth(3 + c));
    }
    const double average = (truth_thd(r.g.truth(0), 2, 1) + truth_thd(r.g.truth(1), 2, 1) + truth_thd(r.g.truth(2), 2, 1)) / 3;
    CHECK(std::abs(q.thd_v_average_pct - average) <= 0.05);
}

TEST_CASE("pq.k_factor.worked_example") {
    // metering-science 4 [R30]: I1 = 100, I3 = 30, I5 = 20, I7 = 10 A → THD_F = 37.42 %, K = 2.89
    // (exactly 33000/11400 = 2.8947).
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {}});
    r.g.set_current(0, {100, -30, 0, 0, {{3, 30, 0}, {5, 20, 0}, {7, 10, 0}}});
    const auto q = r.measure(wiring_layout(1));
    CHECK(rel(q.current[0].k_factor, 2.89) <= 0.01);
    CHECK(q.current[0].k_factor == Approx(33000.0 / 11400.0).epsilon(1e-4));
    CHECK(std::abs(q.current[0].harmonics.thd_pct - 37.42) <= 0.05);
    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    CHECK(pq[0x0A0 + 2] == 29);     // K ×0.1
    CHECK(pq[0x100] == 3742);       // THD I1 ×0.01 %
    CHECK(pq[0x100 + 1 + 1] == 3000);  // I1 3rd harmonic
}

TEST_CASE("pq.no_signal.publishes_zero") {
    // Input 3 carries nothing, input 6 only noise below 0.1 % of its 100 A CT: no THD, no
    // harmonics, K = 0 (not 1), angle 0. Vc is absent: its THD, crest factor and THFF are 0.
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {{5, 3, 0}}});
    r.g.set_voltage(1, {230, -120, 0, 0, {{5, 3, 0}}});
    r.g.set_current(0, {10, -30, 0, 0, {{5, 20, 0}}});
    r.g.set_current(5, {0, 0, 0, 0.02, {}});
    const auto q = r.measure(wiring_layout(1));
    for (int c : {2, 5}) {
        INFO("input " << c + 1);
        CHECK(q.current[u(c)].k_factor == 0);
        CHECK(q.current[u(c)].harmonics.thd_pct == 0);
        CHECK(q.current[u(c)].harmonics.harmonic_pct[5] == 0);
        CHECK(q.current_angle_deg[u(c)] == 0);
    }
    CHECK(q.current[0].k_factor > 1);
    CHECK(q.voltage[2].harmonics.thd_pct == 0);
    CHECK(q.voltage[2].crest_factor == 0);
    CHECK(q.voltage[2].thff_pct == 0);
    CHECK(q.voltage_angle_deg[2] == 0);
    // The THD average is over the two present phases.
    CHECK(std::abs(q.thd_v_average_pct - 3.0) <= 0.05);
}

TEST_CASE("pq.unbalance.sequence_components") {
    // 3LN: user 1 = inputs 1..3, user 2 = inputs 4..6; the system's phase A current is the phasor
    // sum of inputs 1, 4, 7, ... (wiring.phase).
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {{5, 3, 0}}});
    r.g.set_voltage(1, {225, -121, 0, 0, {{5, 3, 0}}});
    r.g.set_voltage(2, {232, 119.5, 0, 0, {{5, 3, 0}}});
    const std::array<std::pair<double, double>, 6> load{{{100, -20}, {90, -135}, {110, 100}, {50, -10}, {50, -130}, {40, 110}}};
    for (int c = 0; c < 6; ++c) r.g.set_current(c, {load[u(c)].first, load[u(c)].second, 0, 0, {{5, 10, 0}}});
    const auto q = r.measure(wiring_layout(1));
    const auto phasor = [&](int index) { return r.g.phasor(index, 1); };

    const double vu = negative_over_positive_pct(phasor(0), phasor(1), phasor(2));
    CHECK(vu == Approx(0.6462).margin(0.0001));  // hand-computed for this set
    CHECK(std::abs(q.voltage_unbalance_pct - vu) <= 0.02);
    for (int n = 0; n < 2; ++n) {
        INFO("user " << n + 1);
        const double truth = negative_over_positive_pct(phasor(3 + 3 * n), phasor(4 + 3 * n), phasor(5 + 3 * n));
        CHECK(std::abs(q.user_current_unbalance_pct[u(n)] - truth) <= 0.02);
    }
    const double system = negative_over_positive_pct(phasor(3) + phasor(6), phasor(4) + phasor(7), phasor(5) + phasor(8));
    CHECK(std::abs(q.current_unbalance_pct - system) <= 0.02);
    for (int n = 2; n < 9; ++n) CHECK(q.user_current_unbalance_pct[u(n)] == 0);  // no current; 7..9 unused

    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    CHECK(pq[0x000] == 6);  // 0.646 % at 0.1 %
    CHECK(std::abs(pq[0x05F] - 100 * system) <= 1.0);  // 0.01 %
    CHECK(std::abs(pq[0x32E] - 100 * negative_over_positive_pct(phasor(3), phasor(4), phasor(5))) <= 1.0);
}

TEST_CASE("pq.unbalance.two_channel_groups_use_nema_form") {
    // 2LN split phase: Va and Vb, user n = inputs 2n−1 (phase A) and 2n (phase B).
    // NEMA form (metering-science 5): 100·max|X − X_avg|/X_avg.
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {}});
    r.g.set_voltage(1, {220, 180, 0, 0, {}});
    const std::array<double, 6> amps{100, 90, 60, 60, 40, 0};
    for (int c = 0; c < 6; ++c) r.g.set_current(c, {amps[u(c)], c % 2 ? 170.0 : -10.0, 0, 0, {{3, 15, 0}}});
    const auto q = r.measure(wiring_layout(2));
    CHECK(std::abs(q.voltage_unbalance_pct - 100 * 5.0 / 225) <= 0.02);
    CHECK(std::abs(q.user_current_unbalance_pct[0] - 100 * 5.0 / 95) <= 0.02);
    CHECK(std::abs(q.user_current_unbalance_pct[1] - 0) <= 0.02);
    CHECK(std::abs(q.user_current_unbalance_pct[2] - 100) <= 0.02);
    CHECK(q.user_current_unbalance_pct[3] == 0);
    // Phase A = 100 + 60 + 40 A, phase B = 90 + 60 A, each in phase: avg 175, max deviation 25.
    CHECK(std::abs(q.current_unbalance_pct - 100 * 25.0 / 175) <= 0.02);

    // 1LN: single-channel users have no unbalance.
    const auto single = power_quality(r.w, wiring_layout(0), presence_thresholds(r.engine.front_end().config()));
    for (double x : single.user_current_unbalance_pct) CHECK(x == 0);
}

TEST_CASE("pq.crest_factor.sine_and_third_harmonic") {
    // Sine: √2. 10 % 3rd in phase with the peak (relative angle 180°: sin θ − 0.1·sin 3θ peaks
    // at θ = 90° with 1.1): √2·1.1/√1.01. Against the peak (0°): √2·0.9/√1.01.
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {}});
    r.g.set_voltage(1, {230, -120, 0, 0, {{3, 10, 180}}});
    r.g.set_voltage(2, {230, 120, 0, 0, {{3, 10, 0}}});
    const auto q = r.measure(wiring_layout(1));
    CHECK(rel(q.voltage[0].crest_factor, std::sqrt(2.0)) <= 0.005);
    CHECK(rel(q.voltage[1].crest_factor, std::sqrt(2.0) * 1.1 / std::sqrt(1.01)) <= 0.005);
    CHECK(rel(q.voltage[2].crest_factor, std::sqrt(2.0) * 0.9 / std::sqrt(1.01)) <= 0.005);
    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    CHECK(std::abs(pq[0x060 + 2] - 1414) <= 1);   // ×0.001
    CHECK(std::abs(pq[0x064 + 2] - 1548) <= 1);
}

TEST_CASE("pq.thff.psophometric_weights") {
    // ITU-T O.41 Table 1 points, and 150 Hz between 100 Hz (−41 dB) and 200 Hz (−21 dB) on a log
    // frequency axis: −41 + 20·log(1.5)/log(2) = −29.30 dB.
    CHECK(psophometric_weight(800) == Approx(1.0));
    CHECK(psophometric_weight(1000) == Approx(std::pow(10.0, 1.0 / 20)));
    CHECK(psophometric_weight(50) == Approx(std::pow(10.0, -63.0 / 20)));
    CHECK(20 * std::log10(psophometric_weight(150)) == Approx(-29.3007).margin(0.0001));
    CHECK(psophometric_weight(10) == 0);
    CHECK(psophometric_weight(7000) == 0);
    CHECK(thff_weight(800) == Approx(1.0));
    CHECK(thff_weight(1000) == Approx(1.4025).margin(0.0001));
}

TEST_CASE("pq.thff.hand_computed") {
    // 230 V at 50 Hz with 10 % 3rd (150 Hz, λ = 0.03429·150/800 = 0.006426), 2 % 16th (800 Hz,
    // λ = 1) and 1 % 20th (1000 Hz, λ = 1.4025); fundamental λ = 10^(−63/20)·50/800 = 4.42e-5.
    // U = 230·√(1 + 0.01 + 0.0004 + 0.0001) = 231.2043 V.
    // THFF = √((4.42e-5·230)² + (0.006426·23)² + (1·4.6)² + (1.4025·2.3)²)/U = 2.4309 %.
    Run r(Fidelity::sample);
    r.g.set_voltage(0, {230, 0, 0, 0, {{3, 10, 0}, {16, 2, 0}, {20, 1, 0}}});
    r.g.set_voltage(1, {230, -120, 0, 0, {}});
    const auto q = r.measure(wiring_layout(1));
    CHECK(q.voltage[0].thff_pct == Approx(2.4309).margin(0.005));
    // A sine: only the fundamental's own weight, 100 %·10^(−63/20)·50/800 = 0.004425 %.
    CHECK(q.voltage[1].thff_pct == Approx(0.004425).margin(0.00001));
    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    CHECK(pq[0x060 + 3] == 243);  // ×0.01 %
}

TEST_CASE("pq.angles.relative_to_va") {
    // Va at 10°: every angle is arg − arg(Va) in [0°, 360°), ×0.1°.
    for (auto fidelity : {Fidelity::sample, Fidelity::analytic}) {
        Run r(fidelity);
        r.g.set_voltage(0, {230, 10, 0, 0, {}});
        r.g.set_voltage(1, {230, -110, 0, 0, {}});
        r.g.set_voltage(2, {230, 130, 0, 0, {}});
        r.g.set_current(0, {50, -20, 0, 0, {}});    // 330.0
        r.g.set_current(1, {50, -140, 0, 0, {}});   // 210.0
        r.g.set_current(2, {50, 175, 0, 0, {}});    // 165.0
        r.g.set_current(3, {50, 10, 0, 0, {}});     // 0.0 (in phase with Va)
        r.g.set_current(4, {50, 9.96, 0, 0, {}});   // 359.96 → 3600 wraps to 0
        r.g.set_current(5, {50, 9.94, 0, 0, {}});   // 359.94 → 3599
        const auto q = r.measure(wiring_layout(1));
        std::vector<std::uint16_t> pq, angles;
        render_power_quality(q, pq, angles);
        INFO((fidelity == Fidelity::sample ? "sample" : "analytic"));
        REQUIRE(angles.size() == 20);
        CHECK(angles[0] == 2400);
        CHECK(angles[1] == 1200);
        CHECK(angles[2] == 3300);
        CHECK(angles[3] == 2100);
        CHECK(angles[4] == 1650);
        CHECK(angles[5] == 0);
        CHECK(angles[6] == 0);
        CHECK(angles[7] == 3599);
        for (std::size_t i = 8; i < 20; ++i) CHECK(angles[i] == 0);  // inputs 7..18: no current
        CHECK(q.voltage_angle_deg[1] == Approx(240.0).margin(0.005));
    }
}

TEST_CASE("pq.angles.without_va_publish_zero") {
    Run r(Fidelity::sample);
    r.g.set_voltage(1, {230, -120, 0, 0, {}});
    r.g.set_current(0, {50, -20, 0, 0, {}});
    const auto q = r.measure(wiring_layout(1));
    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    for (auto a : angles) CHECK(a == 0);
}

TEST_CASE("pq.render.harmonic_lands_at_its_register") {
    // A 10 % 3rd in Vb: 0x3205 + 30 + (3 − 2) = 1000 (×0.01 %), THD Vb and odd THD Vb 1000.
    Run r(Fidelity::analytic);
    r.g.set_voltage(0, {230, 0, 0, 0, {}});
    r.g.set_voltage(1, {230, -120, 0, 0, {{3, 10, 0}}});
    r.g.set_voltage(2, {230, 120, 0, 0, {}});
    const auto q = r.measure(wiring_layout(1));
    std::vector<std::uint16_t> pq, angles;
    render_power_quality(q, pq, angles);
    CHECK(pq[0x005 + 30 + 1] == 1000);
    CHECK(pq[0x005 + 1] == 0);
    CHECK(pq[0x005 + 60 + 1] == 0);
    CHECK(pq[0x002] == 1000);
    CHECK(pq[0x004] == 333);  // mean of 0, 10 and 0 %
    CHECK(pq[0x060 + 4] == 1000);
    CHECK(pq[0x060 + 5] == 0);
}

TEST_CASE("pq.render.positions_scales_and_clamping") {
    PowerQuality q;
    q.voltage_unbalance_pct = 1.26;                      // ×0.1 % → 13
    q.voltage[0].harmonics.thd_pct = 3.456;              // → 346
    q.voltage[2].harmonics.harmonic_pct[31] = 1.23;      // 0x325E → 123
    q.voltage[1].crest_factor = 1.4142;                  // 0x3266 → 1414
    q.voltage[2].harmonics.even_thd_pct = 0.07;          // 0x3269 → 7
    q.voltage[2].thff_pct = 0.5;                         // 0x326B → 50
    q.current_unbalance_pct = 2.346;                     // 0.01 % → 235 (not 23)
    q.current[17].harmonics.odd_thd_pct = 12.5;          // 0x32A0 + 51 → 1250
    q.current[17].k_factor = 12.34;                      // 0x32A0 + 53 → 123
    q.current[0].harmonics.thd_pct = 5.0;                // 0x3300 → 500
    q.current[17].harmonics.thd_pct = 6.0;               // 0x3300 + 527 → 600
    q.current[17].harmonics.harmonic_pct[31] = 4.56;     // 0x352D → 456
    q.user_current_unbalance_pct[0] = 1e9;               // clamps to 65535
    q.user_current_unbalance_pct[8] = 7.89;              // 0x3536 → 789
    q.voltage[0].harmonics.harmonic_pct[2] = -1;         // negative → 0
    q.current_angle_deg[17] = 123.46;                    // → 1235 (0x3613)
    std::vector<std::uint16_t> pq(5, 7), angles;
    render_power_quality(q, pq, angles);
    REQUIRE(pq.size() == 823);
    REQUIRE(angles.size() == 20);
    CHECK(pq[0x000] == 13);
    CHECK(pq[0x001] == 346);
    CHECK(pq[0x005] == 0);
    CHECK(pq[0x05E] == 123);
    CHECK(pq[0x066] == 1414);
    CHECK(pq[0x069] == 7);
    CHECK(pq[0x06B] == 50);
    CHECK(pq[0x05F] == 235);
    CHECK(pq[0x0A0 + 51] == 1250);
    CHECK(pq[0x0A0 + 53] == 123);
    CHECK(pq[0x100] == 500);
    CHECK(pq[0x100 + 31 * 17] == 600);
    CHECK(pq[0x32D] == 456);
    CHECK(pq[0x32E] == 65535);
    CHECK(pq[0x336] == 789);
    CHECK(angles[19] == 1235);
    for (std::size_t a = 0x06C; a <= 0x09F; ++a) CHECK(pq[a] == 0);  // reserved
}

TEST_CASE("pq.presence_thresholds.follow_the_front_end") {
    const PresenceThresholds defaults;
    const auto t = presence_thresholds(FrontEndConfig{});
    CHECK(t.voltage == Approx(defaults.voltage));
    CHECK(t.current[0] == Approx(defaults.current[0]));
    auto fe = front_end(CtType::rct, 5000, 400);
    fe.ct_primary[3] = 50;
    const auto big = presence_thresholds(fe);
    CHECK(big.voltage == Approx(4.0));
    CHECK(big.current[0] == Approx(5.0));
    CHECK(big.current[3] == Approx(0.05));
}
