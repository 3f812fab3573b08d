// The waveform generator: samples equal the closed form (also in 2026 and across ramps), truth
// follows metering-science.md §1/§4 definitions, noise is seeded, bad settings are refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "test_support.hpp"

using namespace metering_test;

namespace {

constexpr long double pi_l = 3.141592653589793238462643383279502884L;

// √2·X·sin(2π·h·c + ψ) summed over a wave's orders, in long double, from the definition.
long double closed_form(const ChannelWave& w, long double cycles) {
    long double x = w.dc;
    auto add = [&](int h, long double rms, long double angle_deg) {
        x += std::sqrt(2.0L) * rms * std::sin(2 * pi_l * h * cycles + angle_deg * pi_l / 180);
    };
    add(1, w.rms, w.angle_deg);
    for (const auto& hm : w.harmonics) add(hm.order, w.rms * hm.percent / 100, hm.order * static_cast<long double>(w.angle_deg) + hm.angle_deg);
    return x;
}

ChannelWave rich_wave() {
    ChannelWave w;
    w.rms = 230;
    w.angle_deg = 17;
    w.dc = 1.5;
    w.harmonics = {{3, 10, 45}, {5, 4, -30}, {63, 0.5, 10}};
    return w;
}

}  // namespace

TEST_CASE("waveform.truth.k_factor_vector") {
    // metering-science §4 worked vector: I1 = 100, I3 = 30, I5 = 20, I7 = 10 A.
    WaveformGenerator g(1);
    g.set_current(0, {100, 0, 0, 0, {{3, 30, 0}, {5, 20, 0}, {7, 10, 0}}});
    const auto t = g.truth(3);
    CHECK(t.thd == Approx(0.3742).epsilon(2e-4));
    CHECK(t.rms == Approx(106.77).epsilon(5e-5));
    CHECK(t.harmonic_rms[5] == Approx(20.0));
    CHECK(t.harmonic_rms[4] == 0.0);
}

TEST_CASE("waveform.truth.element_definitions") {
    // V = 230 V with 3 % 5th; I = 10 A lagging 60° with 20 % 5th at relative angle 40°.
    WaveformGenerator g(1);
    g.set_voltage(0, {230, 0, 0, 0, {{5, 3, 0}}});
    g.set_current(0, {10, -60, 0, 0, {{5, 20, 40}}});
    const auto e = g.element_truth(0, -1, 0);
    // Angles per order: V5 at 0°, I5 at 5·(−60°) + 40° = −260°, so θ5 = 260°.
    const double th1 = 60 * std::numbers::pi / 180, th5 = 260 * std::numbers::pi / 180;
    const double v5 = 6.9, i5 = 2.0;
    CHECK(e.p1 == Approx(2300 * std::cos(th1)));
    CHECK(e.q1 == Approx(2300 * std::sin(th1)));  // inductive: positive
    CHECK(e.p == Approx(2300 * std::cos(th1) + v5 * i5 * std::cos(th5)));
    CHECK(e.qb == Approx(2300 * std::sin(th1) + v5 * i5 * std::sin(th5)));
    const double s = std::sqrt(230.0 * 230 + v5 * v5) * std::sqrt(100.0 + i5 * i5);
    CHECK(e.s == Approx(s));
    CHECK(e.s1 == Approx(2300));
    CHECK(e.n == Approx(std::sqrt(s * s - e.p * e.p)));
    CHECK(e.pf == Approx(e.p / s));
    CHECK(e.q1 != Approx(e.qb));  // with harmonics the three reactive definitions differ
    CHECK(e.n != Approx(e.q1));
    g.set_current(1, {10, 36.87, 0, 0, {}});
    CHECK(g.element_truth(0, -1, 1).q1 < 0);  // capacitive: current leads
}

TEST_CASE("waveform.truth.line_to_line") {
    // Balanced 230 V with a 10 % 3rd: the triplen is in phase on all three and cancels in L-L.
    WaveformGenerator g(1);
    for (int p = 0; p < 3; ++p) g.set_voltage(p, {230, -120.0 * p, p == 0 ? 2.0 : 0.0, 0, {{3, 10, 0}}});
    CHECK(g.truth(0).rms == Approx(std::sqrt(230.0 * 230 * 1.01 + 4)));
    const auto ab = g.line_truth(0, 1);
    CHECK(ab.harmonic_rms[3] == Approx(0).margin(1e-9));
    CHECK(ab.harmonic_rms[1] == Approx(230 * std::sqrt(3.0)));
    CHECK(ab.dc == Approx(2.0));
    CHECK(ab.rms == Approx(std::sqrt(3.0 * 230 * 230 + 4)));
    CHECK(g.line_rms(1, 2) == Approx(230 * std::sqrt(3.0)));
    // A delta element uses the line phasors: Vab (30° ahead of Va) with a current in phase with Va.
    g.set_current(0, {10, 0, 0, 0, {}});
    CHECK(g.element_truth(0, 1, 0).p == Approx(230 * std::sqrt(3.0) * 10 * std::cos(std::numbers::pi / 6)));
}

TEST_CASE("waveform.samples.closed_form_in_2026") {
    // Ten days after a change to 59.96875 Hz (exact in binary), the phase still matches exact
    // integer arithmetic: a plain double count of cycles since 1970 would be ~1e-5 cycle off.
    WaveformGenerator g(1);
    const hal::Time t_set = t0 + std::chrono::hours(24 * 59);  // 2026-03-01
    g.set_frequency(59.96875, t_set);
    for (int p = 0; p < 3; ++p) g.set_voltage(p, rich_wave());
    const hal::Time t = t_set + std::chrono::hours(240) + std::chrono::nanoseconds(123456789);
    SampleBlock s;
    const double dt = 1.0 / (128 * 59.96875);
    g.sample(t, dt, 640, s);
    // Default 50 Hz from 2026-01-01 to t_set is a whole number of cycles; after it,
    // cycles = 1919·Δns / (32·10^9) exactly.
    const auto dns = static_cast<__int128>((t - t_set).count());
    const auto frac0 = static_cast<long double>(static_cast<std::int64_t>((dns * 1919) % 32'000'000'000LL)) / 32e9L;
    for (int i : {0, 1, 63, 64, 65, 300, 639}) {
        INFO("sample " << i);
        CHECK(s.x[0][static_cast<std::size_t>(i)] == Approx(static_cast<double>(closed_form(rich_wave(), frac0 + i / 128.0L))).epsilon(0).margin(1e-9 * 325));
    }
    CHECK(g.cycles_at(t_set) == Approx(50.0 * 59 * 86400));
}

TEST_CASE("waveform.samples.across_a_ramp") {
    // 49 Hz, then from t0 + 10 s a ramp to 51 Hz at 0.5 Hz/s (4 s), then 51 Hz.
    WaveformGenerator g(1);
    g.set_frequency(49, t0);
    g.ramp_frequency(51, 0.5, t0 + std::chrono::seconds(10));
    g.set_voltage(0, rich_wave());
    auto cycles = [](long double tau) -> long double {  // since t0, from the definition
        if (tau <= 10) return 49 * tau;
        if (tau <= 14) return 490 + 49 * (tau - 10) + 0.25L * (tau - 10) * (tau - 10);
        return 490 + 196 + 4 + 51 * (tau - 14);
    };
    CHECK(g.frequency_at(t0 + std::chrono::seconds(12)) == Approx(50.0));
    CHECK(g.frequency_at(t0 + std::chrono::seconds(20)) == Approx(51.0));
    CHECK(g.cycles_at(t0 + std::chrono::seconds(12)) == Approx(static_cast<double>(cycles(12))));
    CHECK(g.cycles_at(t0 + std::chrono::seconds(20)) == Approx(static_cast<double>(cycles(20))));
    CHECK_FALSE(g.stationary(t0 + std::chrono::milliseconds(9900), t0 + std::chrono::milliseconds(10100)));
    CHECK(g.stationary(t0, t0 + std::chrono::seconds(10)));
    CHECK(g.stationary(t0 + std::chrono::seconds(14), t0 + std::chrono::seconds(15)));
    const auto& plan = g.plan();
    CHECK(plan.after_cycles(t0 + std::chrono::seconds(9), 49 + 49.25) == t0 + std::chrono::seconds(11));
    for (double start : {9.9, 13.9}) {
        SampleBlock s;
        const double dt = 1.0 / 6400;
        g.sample(t0 + hal::from_seconds(start), dt, 1280, s);
        for (int i : {0, 100, 639, 640, 641, 1279}) {
            INFO("block at " << start << " s, sample " << i);
            const long double tau = static_cast<long double>(start) + i / 6400.0L;
            CHECK(s.x[0][static_cast<std::size_t>(i)] == Approx(static_cast<double>(closed_form(rich_wave(), cycles(tau)))).epsilon(0).margin(1e-8 * 325));
        }
    }
}

TEST_CASE("waveform.samples.skew_is_a_time_shift") {
    WaveformGenerator a(3), b(3);
    for (auto* g : {&a, &b}) {
        g->set_frequency(50, t0);
        g->set_current(4, rich_wave());
    }
    ChannelSkew skew{};
    skew[7] = 1234e-9;
    SampleBlock sa, sb;
    a.sample(t0, 1.0 / 6400, 256, sa, skew);
    b.sample(t0 + std::chrono::nanoseconds(1234), 1.0 / 6400, 256, sb);
    for (std::size_t i = 0; i < 256; ++i) REQUIRE(sa.x[7][i] == Approx(sb.x[7][i]).epsilon(0).margin(1e-9 * 325));
    CHECK(sa.x[7][0] != Approx(sb.x[6][0]));
}

TEST_CASE("waveform.noise.seeded_and_gaussian") {
    auto draw = [](std::uint64_t seed) {
        WaveformGenerator g(seed);
        g.set_voltage(0, {0, 0, 0, 1.0, {}});
        g.set_voltage(1, {0, 0, 0, 1.0, {}});
        SampleBlock s;
        g.sample(t0, 1.0 / 6400, 1 << 16, s);
        return s;
    };
    const auto a = draw(42), b = draw(42), c = draw(43);
    CHECK(a.x[0] == b.x[0]);
    CHECK(a.x[0] != c.x[0]);
    CHECK(a.x[0] != a.x[1]);  // each channel its own stream
    double sum = 0, sq = 0, quad = 0;
    for (double v : a.x[0]) {
        sum += v;
        sq += v * v;
        quad += v * v * v * v;
    }
    const double n = static_cast<double>(a.x[0].size());
    CHECK(std::abs(sum / n) < 0.02);               // 5σ of the mean of 65536 draws
    CHECK(std::sqrt(sq / n) == Approx(1.0).epsilon(0.015));
    CHECK(quad / n == Approx(3.0).epsilon(0.05));  // normal kurtosis (a uniform would give 1.8)
}

TEST_CASE("waveform.settings.validation_and_revision") {
    WaveformGenerator g(1);
    const auto r0 = g.revision();
    g.set_voltage(0, {230, 0, 0, 0, {}});
    g.set_current(17, {5, 0, 0, 0, {}});
    g.set_frequency(60, t0);
    g.ramp_frequency(59, 1, t0 + std::chrono::seconds(1));
    CHECK(g.revision() == r0 + 4);
    CHECK_THROWS_WITH(g.set_current(0, {1, 0, 0, 0, {{64, 1, 0}}}), "current channel index 0 harmonic order 64 is out of range: 2-63");
    CHECK_THROWS_WITH(g.set_current(0, {1, 0, 0, 0, {{5, -3, 0}}}), "current channel index 0 harmonic 5 percent -3 is out of range: 0 or more, finite");
    CHECK_THROWS_WITH(g.set_voltage(0, {-1, 0, 0, 0, {}}), "voltage phase 0 rms -1 is out of range: 0 or more, finite");
    CHECK_THROWS_WITH(g.set_voltage(1, {1, 0, 0, -0.5, {}}), "voltage phase 1 noise rms -0.5 is out of range: 0 or more, finite");
    CHECK_THROWS_WITH(g.set_voltage(3, {}), "voltage phase 3 is out of range: 0-2 (Va, Vb, Vc)");
    CHECK_THROWS_WITH(g.set_current(18, {}), "current channel index 18 is out of range: 0-17 (input channels 1-18)");
    CHECK_THROWS_WITH(g.set_frequency(80, t0), "frequency 80 is out of range: 40-70 Hz");
    CHECK_THROWS_WITH(g.ramp_frequency(39.5, 1, t0), "frequency 39.5 is out of range: 40-70 Hz");
    CHECK_THROWS_WITH(g.ramp_frequency(50, 0, t0), "frequency ramp rate 0 is out of range: more than 0, at most 1000 Hz/s");
    CHECK_THROWS_WITH(g.truth(21), "waveform channel index 21 is out of range: 0-20 (Va, Vb, Vc, I1..I18)");
    SampleBlock s;
    CHECK_THROWS_WITH(g.sample(t0, 0, 10, s), "sample interval 0 is out of range: more than 0, less than 1 s");
    CHECK_THROWS_WITH(g.element_truth(0, 0, 1), Catch::Contains("element voltage minus 0 is out of range"));
    CHECK(g.revision() == r0 + 4);  // refused settings change nothing
    CHECK(g.wave(3).harmonics.empty());
}
