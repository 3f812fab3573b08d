#include "meter/dsp/front_end.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace sim::meter {

CtType ct_type_from_code(std::uint16_t code) {
    switch (code) {
        case 120: return CtType::rct;
        case 333: return CtType::mv333;
        case 80: return CtType::ma80;
        case 100: return CtType::ma100;
        case 200: return CtType::ma200;
        default: throw std::invalid_argument("CT type " + std::to_string(code) + " is out of range: 80, 100, 120, 200, 333");
    }
}

FrontEnd::FrontEnd(const FrontEndConfig& config) : config_(config) {
    if (!(config.rated_voltage >= 10 && config.rated_voltage <= 400))
        throw std::invalid_argument("rated voltage " + std::to_string(config.rated_voltage) + " is out of range: 10-400 V");
    for (int p = 0; p < 3; ++p) {
        full_scale_[static_cast<std::size_t>(p)] = 2.0 * std::sqrt(2.0) * config.rated_voltage;  // 2 × rated, peak
        gain_[static_cast<std::size_t>(p)] = 1.0;
    }
    for (int ch = 0; ch < current_inputs; ++ch) {
        const double primary = config.ct_primary[static_cast<std::size_t>(ch)];
        if (!(primary >= 5 && primary <= 50000))
            throw std::invalid_argument("CT primary of channel " + std::to_string(ch + 1) + " " + std::to_string(primary) +
                                        " is out of range: 5-50000 A");
        full_scale_[static_cast<std::size_t>(3 + ch)] = 4.0 * primary;
        gain_[static_cast<std::size_t>(3 + ch)] = 1.0 + config.ratio_error[static_cast<std::size_t>(ch)];
    }
}

void FrontEnd::digitise(int channel, std::vector<double>& samples) const {
    const double fs = full_scale_[static_cast<std::size_t>(channel)];
    const double g = gain_[static_cast<std::size_t>(channel)];
    const double codes = static_cast<double>((1 << (adc_bits - 1)) - 1);
    const double lsb = fs / codes;
    for (auto& x : samples) {
        const double code = std::nearbyint(std::clamp(x * g / lsb, -codes, codes));
        x = code * lsb;
    }
}

}  // namespace sim::meter
