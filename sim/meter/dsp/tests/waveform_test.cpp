#include <catch2/catch.hpp>

#include <cmath>

#include "waveform/waveform.hpp"

using namespace sim;

namespace {
constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));
}

TEST_CASE("truth follows the definitions: K-factor vector of metering-science §4") {
    WaveformGenerator g(1);
    ChannelWave c;
    c.rms = 100;
    c.harmonics = {{3, 30, 0}, {5, 20, 0}, {7, 10, 0}};
    g.set_current(0, c);
    const auto t = g.truth(3);
    CHECK(t.thd == Approx(0.3742).epsilon(1e-3));
    CHECK(t.rms == Approx(106.77).epsilon(1e-4));
}

TEST_CASE("samples match the closed form; and noise is seeded") {
    WaveformGenerator a(9), b(9), other(10);
    for (auto* g : {&a, &b, &other}) {
        g->set_frequency(50, t0);
        ChannelWave v;
        v.rms = 100;
        v.angle_deg = 30;
        v.noise_rms = 0.5;
        g->set_voltage(0, v);
    }
    SampleBlock sa, sb, so;
    a.sample(t0, 1.0 / 6400, 640, sa);
    b.sample(t0, 1.0 / 6400, 640, sb);
    other.sample(t0, 1.0 / 6400, 640, so);
    CHECK(sa.x[0] == sb.x[0]);
    CHECK(sa.x[0] != so.x[0]);
    WaveformGenerator clean(1);
    clean.set_frequency(50, t0);
    ChannelWave v;
    v.rms = 100;
    v.angle_deg = 30;
    v.harmonics = {{3, 10, 45}};
    clean.set_voltage(0, v);
    SampleBlock s;
    clean.sample(t0 + std::chrono::milliseconds(3), 1.0 / 6400, 1000, s);
    for (int i : {0, 1, 517, 999}) {
        const double t = 0.003 + i / 6400.0;
        const double th = 2 * M_PI * 50 * t;
        const double expect = std::sqrt(2.0) * 100 * std::sin(th + 30 * M_PI / 180) +
                              std::sqrt(2.0) * 10 * std::sin(3 * th + (90 + 45) * M_PI / 180);
        CHECK(s.x[0][static_cast<std::size_t>(i)] == Approx(expect).margin(1e-9));
    }
}

TEST_CASE("frequency ramps keep the phase continuous and bad input is refused with the range") {
    WaveformGenerator g(1);
    g.set_frequency(49, t0);
    g.ramp_frequency(51, 0.5, t0 + std::chrono::seconds(10));
    CHECK(g.frequency_at(t0 + std::chrono::seconds(12)) == Approx(50.0));
    CHECK(g.frequency_at(t0 + std::chrono::seconds(20)) == Approx(51.0));
    CHECK(g.cycles_at(t0 + std::chrono::seconds(10)) == Approx(490.0));
    CHECK(g.cycles_at(t0 + std::chrono::seconds(14)) == Approx(490.0 + 49 * 4 + 0.25 * 16));
    CHECK_FALSE(g.stationary(t0 + std::chrono::seconds(9), t0 + std::chrono::seconds(11)));
    ChannelWave bad;
    bad.harmonics = {{64, 1, 0}};
    CHECK_THROWS_WITH(g.set_current(0, bad), Catch::Contains("harmonic order") && Catch::Contains("2-63"));
    CHECK_THROWS_WITH(g.set_frequency(80, t0), Catch::Contains("40-70 Hz"));
}
