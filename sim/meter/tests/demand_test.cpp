// Demand against oracles written from the definitions (metering-science §3, register map 1.5),
// not from the calculator: piecewise loads whose interval averages are closed-form integrals.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "meter/board_time.hpp"
#include "meter/demand.hpp"

using sim::meter::DemandCalculator;
using sim::meter::DemandMethod;

namespace {

constexpr std::int64_t day0 = 1767225600;  // 2026-01-01T00:00:00Z, a whole interval boundary
using Load = std::function<double(double)>;  // P(t), t in seconds after day0

// ∫ P over [a, b] by fine midpoint sums: exact for the piecewise-linear loads used here.
double integral(const Load& p, double a, double b) {
    const int n = static_cast<int>(std::ceil((b - a) * 100));
    double s = 0;
    for (int i = 0; i < n; ++i) s += p(a + (i + 0.5) * (b - a) / n);
    return s * (b - a) / n;
}

// Feeds 200 ms windows (the board's 10 cycles at 50 Hz) up to `until` seconds, each carrying the
// load's mean over the window, item 0 only.
struct Feeder {
    DemandCalculator d;
    double t = 0;
    void run(const Load& p, double until) {
        std::vector<double> v(DemandCalculator::items, 0.0);
        while (t < until - 1e-9) {
            const double end = std::min(until, t + 0.2);
            v[0] = integral(p, t, end) / (end - t);
            d.feed(hal::Time(std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround((day0 + t) * 1e9)))),
                   hal::Time(std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround((day0 + end) * 1e9)))), v);
            t = end;
        }
    }
};

const Load step = [](double t) { return t < 300 ? 0.0 : 10.0; };                   // 0 -> 10 kW at 00:05:00
const Load ramp = [](double t) { return t / 60.0; };                               // +1 kW per minute
const Load pulse = [](double t) { return (t >= 400 && t < 430) ? 50.0 : 2.0; };  // a 30 s spike of 50 kW

}  // namespace

TEST_CASE("fixed block: the clock-aligned interval's mean, updated at the interval end") {
    for (const auto* load : {&step, &ramp, &pulse}) {
        Feeder f;
        f.d.configure(DemandMethod::fixed, 15, 5);
        f.run(*load, 899);
        CHECK(f.d.item(0).present == 0.0);  // nothing before the first interval ends
        f.run(*load, 900);
        CHECK(f.d.item(0).present == Approx(integral(*load, 0, 900) / 900).epsilon(1e-9));
        f.run(*load, 1800);
        CHECK(f.d.item(0).present == Approx(integral(*load, 900, 1800) / 900).epsilon(1e-9));
    }
}

TEST_CASE("rolling block: every sub-interval end, the mean of the last interval") {
    for (const auto* load : {&step, &ramp, &pulse}) {
        Feeder f;
        f.d.configure(DemandMethod::rolling, 15, 5);
        for (int t = 300; t <= 2700; t += 300) {
            f.run(*load, t);
            INFO("t = " << t);
            CHECK(f.d.item(0).present == Approx(integral(*load, std::max(0, t - 900), t) / 900).epsilon(1e-9));
        }
    }
}

TEST_CASE("sliding window: the mean of the last interval, slid once a minute at whole minutes") {
    for (const auto* load : {&step, &ramp, &pulse}) {
        Feeder f;
        f.d.configure(DemandMethod::sliding, 15, 5);
        for (int t : {1, 59, 60, 61, 421, 899, 900, 1337, 2000}) {
            f.run(*load, t);
            const int slid = t / 60 * 60;  // the last whole minute
            INFO("t = " << t);
            const double expect = slid == 0 ? 0.0 : integral(*load, std::max(0, slid - 900), slid) / 900;
            CHECK(f.d.item(0).present == Approx(expect).epsilon(1e-9).margin(1e-12));
        }
    }
}

TEST_CASE("thermal: 90 % of a step after one interval, 99 % after two") {
    Feeder f;
    f.d.configure(DemandMethod::thermal, 15, 5);
    f.run(step, 300 + 900);
    CHECK(f.d.item(0).present == Approx(9.0).epsilon(1e-9));
    f.run(step, 300 + 1800);
    CHECK(f.d.item(0).present == Approx(9.9).epsilon(1e-9));
}

TEST_CASE("predicted demand: energy so far in the interval plus the present rate to its end") {
    Feeder f;
    f.d.configure(DemandMethod::fixed, 15, 5);
    f.run(ramp, 1200);  // 5 minutes into the interval 900..1800
    const double expect = (integral(ramp, 900, 1200) + ramp(1199.5) * 600) / 900;
    CHECK(f.d.item(0).predicted == Approx(expect).epsilon(1e-6));
}

TEST_CASE("peaks keep their value and the second of the update; reset clears them") {
    Feeder f;
    f.d.configure(DemandMethod::sliding, 15, 5);
    f.run(pulse, 1800);
    // Oracle: the sliding mean at every whole minute (the window slides once a minute) from the
    // closed-form energy E(t) = 2 t + 48 (t - 400) over the spike; the peak is the first slide that reaches the maximum.
    auto energy = [](double t) { return 2 * t + 48 * std::clamp(t - 400, 0.0, 30.0); };
    double best = -1;
    int best_t = 0;
    for (int t = 60; t <= 1800; t += 60) {
        const double mean = (energy(t) - energy(std::max(0, t - 900))) / 900;
        if (mean > best + 1e-9) {
            best = mean;
            best_t = t;
        }
    }
    CHECK(best_t == 900);  // the window is full of base load and the whole spike from t = 900 to 1300
    CHECK(f.d.item(0).peak == Approx(best).epsilon(1e-9));
    CHECK(f.d.item(0).peak_time == day0 + best_t);
    std::uint16_t packed[3];
    sim::meter::pack_board_time(f.d.item(0).peak_time, packed);
    CHECK(packed[0] == ((26 << 8) | 1));  // 2026, January
    CHECK(packed[1] == ((1 << 8) | 0));   // day 1, 00 h
    CHECK(packed[2] == ((15 << 8) | 0));  // 00:15:00
    f.d.reset_peaks();
    CHECK(f.d.item(0).peak == 0.0);
    CHECK(f.d.item(0).peak_time == 0);
}
