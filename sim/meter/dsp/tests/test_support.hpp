#pragma once
// Shared set-up for the metering tests: the class test points of metering-science.md §7 laid
// out on the 18 inputs, engines run until the tracker has locked, relative errors.
#include <array>
#include <cmath>
#include <numbers>

#include "meter/dsp/measurement_engine.hpp"
#include "waveform/waveform.hpp"

namespace metering_test {

using namespace sim;
using namespace sim::meter;

inline constexpr hal::Time t0 = hal::Time(std::chrono::seconds(1767225600));  // 2026-01-01

inline double rel(double measured, double truth) { return std::abs(measured - truth) / std::abs(truth); }

// Current as % of the CT primary: 1, 5, 10, 100 % of In and Imax = 2·In (200 %; the front end's
// full scale fits 2.83·In, so Imax is the highest class point below clipping).
inline constexpr std::array<double, 5> current_pct{1, 5, 10, 100, 200};

// PF 1, 0.5 inductive (current lags 60°), 0.8 capacitive (current leads 36.87°).
struct PowerFactor {
    double pf;
    bool lead;
    const char* name;
};
inline constexpr std::array<PowerFactor, 3> power_factors{{{1.0, false, "PF 1"}, {0.5, false, "PF 0.5L"}, {0.8, true, "PF 0.8C"}}};

struct TestPoint {
    double current_pct;
    PowerFactor pf;
};

// Input i (0..14) carries current point i % 5 at power factor i / 5, on phase i % 3.
inline TestPoint point(int input) { return {current_pct[static_cast<std::size_t>(input % 5)], power_factors[static_cast<std::size_t>(input / 5)]}; }
inline int phase_of(int input) { return input % 3; }

// Balanced 230 V; with `harmonics` V has 3 % 5th and 2 % 7th, I has 20 % 5th and 10 % 7th.
inline void load_test_points(WaveformGenerator& g, double ct_primary, bool harmonics) {
    for (int p = 0; p < 3; ++p) {
        ChannelWave v;
        v.rms = 230;
        v.angle_deg = -120.0 * p;
        if (harmonics) v.harmonics = {{5, 3.0, 0}, {7, 2.0, 30}};
        g.set_voltage(p, v);
    }
    for (int i = 0; i < 15; ++i) {
        const auto pt = point(i);
        const double phi = std::acos(pt.pf.pf) * 180 / std::numbers::pi;
        ChannelWave c;
        c.rms = ct_primary * pt.current_pct / 100.0;
        c.angle_deg = -120.0 * phase_of(i) + (pt.pf.lead ? phi : -phi);
        if (harmonics) c.harmonics = {{5, 20.0, 10}, {7, 10.0, -20}};
        g.set_current(i, c);
    }
}

inline std::array<ElementVoltage, current_inputs> line_to_neutral() {
    std::array<ElementVoltage, current_inputs> e{};
    for (int i = 0; i < current_inputs; ++i) e[static_cast<std::size_t>(i)] = {phase_of(i), -1};
    return e;
}

inline FrontEndConfig front_end(CtType type, double primary, double rated_voltage = 230) {
    FrontEndConfig fe;
    fe.ct_type = type;
    fe.rated_voltage = rated_voltage;
    fe.ct_primary.fill(primary);
    return fe;
}

// Runs `windows` back-to-back windows from t0 and returns the last (the tracker locks in one).
inline WindowMeasurement settled(MeasurementEngine& e, int windows = 3, hal::Time start = t0) {
    WindowMeasurement w;
    for (int i = 0; i < windows; ++i) {
        w = e.measure(start);
        start = w.end;
    }
    return w;
}

}  // namespace metering_test
