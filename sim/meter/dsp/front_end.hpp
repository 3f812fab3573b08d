#pragma once
// The board's analogue front end: CT secondary per type, then a 24-bit ADC. The CT type only
// changes the secondary scaling (333 mV or 80/100/200 mA at rated primary; the Rogowski coil's
// integrator output is scaled to 333 mV too), so in primary units every type sees the same ADC:
// full scale = 4 × rated primary peak-free RMS as a peak (2.8 × rated current still fits), clipped
// beyond. Quantisation is one LSB of that scale. A per-channel ratio error models CT accuracy and is
// applied identically in both fidelities; quantisation is negligible at 24 bits, so the analytic
// fidelity leaves it out.
#include <array>
#include <cstdint>
#include <vector>

#include "meter/measurement.hpp"

namespace sim::meter {

enum class CtType { rct, mv333, ma80, ma100, ma200 };
CtType ct_type_from_code(std::uint16_t code);  // register 0x080D: 120, 333, 80, 100, 200

struct FrontEndConfig {
    CtType ct_type = CtType::mv333;
    double rated_voltage = 220;                          // V
    std::array<double, current_inputs> ct_primary{};     // A, rated primary per channel
    std::array<double, current_inputs> ratio_error{};    // relative, e.g. 0.001 = +0.1 %
};

class FrontEnd {
public:
    static constexpr int adc_bits = 24;
    explicit FrontEnd(const FrontEndConfig& config);
    // Peak the ADC can represent, in primary units (channel 0..2 voltages, 3..20 currents).
    double full_scale(int channel) const { return full_scale_[static_cast<std::size_t>(channel)]; }
    double gain(int channel) const { return gain_[static_cast<std::size_t>(channel)]; }
    // Primary samples in, the board's reconstructed primary samples out (gain, clip, quantise).
    void digitise(int channel, std::vector<double>& samples) const;
    const FrontEndConfig& config() const { return config_; }

private:
    FrontEndConfig config_;
    std::array<double, 21> full_scale_{};
    std::array<double, 21> gain_{};
};

}  // namespace sim::meter
