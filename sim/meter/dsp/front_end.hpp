#pragma once
// The board's analogue front end, per input: a CT (or the voltage divider) and a 24-bit ADC.
//
// Current inputs: the CT type fixes the secondary at rated primary — 333 mV for the 333 mV type
// and for the RCT (Rogowski coil; its integrator is taken to deliver 333 mV at rated primary,
// our assumption), 80, 100 or 200 mA for the mA types. The ADC's peak full scale is 4 × the
// rated secondary RMS, i.e. 4 × the rated primary as a peak: a sinusoid up to 2.83 × rated RMS,
// or Imax = 2·In with a crest factor up to 2, is measured unclipped. Beyond full scale the code
// saturates at ±(2^23 − 1): the waveform is clipped and RMS and P read low.
// Voltage inputs: peak full scale = twice the rated voltage's peak (2·√2·rated).
//
// CT accuracy: a ratio error (%) and a phase displacement (minutes; + = secondary leads, as in
// IEC 61869-2) per current input, default 0. Both fidelities apply them identically: the gain
// to samples or phasors; the displacement δ as a time shift δ/(2πf) — the sampler reads the
// input that much early — so order h moves by h·δ in both.
// Quantisation: 1 LSB = full scale/(2^23 − 1). At 1 % of In a sinusoid still spans ±29 700
// codes; rounding adds noise of LSB/√12, a relative RMS error below 1e-9, so the analytic
// fidelity leaves quantisation out.
#include <array>
#include <cstdint>
#include <vector>

#include "meter/measurement.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

enum class CtType { rct, mv333, ma80, ma100, ma200 };
CtType ct_type_from_code(std::uint16_t code);  // register 0x080D: 120, 333, 80, 100, 200
std::uint16_t ct_type_code(CtType type);
double rated_secondary(CtType type);  // RMS at rated primary: volts (RCT, 333 mV) or amperes (mA types)

// A CT type per current input. Assigning one type sets every input, as the board's single
// CT-type register does: `fe.ct_type = CtType::rct;` or `fe.ct_type[4] = CtType::ma80;`.
struct CtTypes {
    std::array<CtType, current_inputs> input;
    CtTypes(CtType all = CtType::mv333) { input.fill(all); }  // implicit on purpose: see above
    CtType& operator[](int channel) { return input.at(static_cast<std::size_t>(channel)); }
    CtType operator[](int channel) const { return input.at(static_cast<std::size_t>(channel)); }
};

struct FrontEndConfig {
    CtTypes ct_type = CtType::mv333;
    double rated_voltage = 220;                                // V L-N, 10–400
    std::array<double, current_inputs> ct_primary = filled(100.0);  // A, 5–50000
    std::array<double, current_inputs> ratio_error_pct{};     // −10..10 %
    std::array<double, current_inputs> phase_error_min{};     // −180..180 minutes

    static constexpr std::array<double, current_inputs> filled(double v) {
        std::array<double, current_inputs> a{};
        for (auto& x : a) x = v;
        return a;
    }
};

class FrontEnd {
public:
    static constexpr int adc_bits = 24;
    static constexpr double max_code = (1 << (adc_bits - 1)) - 1;

    explicit FrontEnd(const FrontEndConfig& config);  // throws std::invalid_argument naming the field
    const FrontEndConfig& config() const { return config_; }

    // Per waveform channel: 0..2 = Va, Vb, Vc; 3..20 = current inputs 1..18.
    double full_scale(int channel) const;            // peak, primary units (V, A)
    double secondary_full_scale(int channel) const;  // peak at the ADC input: V, or A for mA CTs
    double gain(int channel) const;                  // 1 + ratio error
    double phase_rad(int channel) const;             // displacement at the fundamental, + = leads

    // Sample fidelity: the per-channel time shifts that realise the phase displacements at
    // frequency f (pass to WaveformGenerator::sample), then primary → secondary → code →
    // reconstructed primary, in place; true when any sample clipped.
    ChannelSkew skew(double frequency) const;
    bool digitise(int channel, std::vector<double>& samples) const;
    // Analytic fidelity: the same gain and phase on phasors (order h turns by h·δ).
    Phasors transfer(int channel, const Phasors& x) const;

private:
    FrontEndConfig config_;
    std::array<double, wave_channels> full_scale_{};      // primary peak
    std::array<double, wave_channels> secondary_per_primary_{};
    std::array<double, wave_channels> gain_{};
    std::array<double, wave_channels> phase_{};
};

}  // namespace sim::meter
