#pragma once
// What the virtual board's metering engine produces for each measuring window (10 cycles at
// 50 Hz, 12 at 60 Hz), in primary units (V, A, W, var, VA). Both fidelities fill the same struct.
#include <array>
#include <complex>
#include <cstdint>

#include "hal/time.hpp"

namespace sim::meter {

constexpr int voltage_inputs = 3;
constexpr int current_inputs = 18;
constexpr int max_harmonic = 63;

enum class Fidelity { sample, analytic };

// Which voltage a current element multiplies: a phase voltage, or a line-to-line difference
// (2-element delta uses Vab with Ia and Vcb with Ic).
struct ElementVoltage {
    int plus = 0;    // 0..2 = Va, Vb, Vc
    int minus = -1;  // -1 = neutral, else 0..2
};

struct Spectrum {
    double rms = 0;                  // true RMS over the window (DC and noise included)
    double dc = 0;                   // mean
    double peak = 0;                 // max |x|
    std::complex<double> fundamental;  // RMS phasor of order 1 (|.| = RMS, arg = angle vs the window's reference)
    std::array<double, max_harmonic + 1> harmonic_rms{};  // [h] = RMS of order h, h = 1..63 ([0] unused)
    bool clipped = false;            // the ADC reached full scale in this window (RMS, P read low)
};

struct ElementPower {
    double p = 0;   // active power (all harmonics), W
    double q1 = 0;  // fundamental reactive power, var (+ inductive)
    double qb = 0;  // Budeanu reactive power, var
    double s = 0;   // Vrms * Irms of the element, VA
    double s1 = 0;  // V1 * I1, VA
    double p1 = 0;  // fundamental active power V1 * I1 * cos(theta1), W
};

struct WindowMeasurement {
    hal::Time start{};
    hal::Time end{};
    int cycles = 0;
    double frequency = 0;                          // Hz, from the window's zero crossings / truth
    std::array<Spectrum, voltage_inputs> voltage;  // Va, Vb, Vc (L-N)
    std::array<double, 3> v_ll{};                  // Vab, Vbc, Vca RMS from sample differences
    std::array<Spectrum, current_inputs> current;  // input channels 1..18
    std::array<ElementPower, current_inputs> element;
};

}  // namespace sim::meter
