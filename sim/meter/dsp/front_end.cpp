#include "meter/dsp/front_end.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "waveform/range_error.hpp"

namespace sim::meter {

namespace {

constexpr double minutes = std::numbers::pi / (180.0 * 60.0);  // radians per arc minute
constexpr double voltage_headroom = 2.0;  // peak full scale / rated peak
constexpr double current_headroom = 4.0;  // peak full scale / rated secondary RMS

std::string input(int ch) { return "current input " + std::to_string(ch + 1); }

}  // namespace

CtType ct_type_from_code(std::uint16_t code) {
    switch (code) {
        case 120: return CtType::rct;
        case 333: return CtType::mv333;
        case 80: return CtType::ma80;
        case 100: return CtType::ma100;
        case 200: return CtType::ma200;
        default: throw_out_of_range("CT type", code, "80, 100, 120, 200, 333");
    }
}

std::uint16_t ct_type_code(CtType type) {
    switch (type) {
        case CtType::rct: return 120;
        case CtType::mv333: return 333;
        case CtType::ma80: return 80;
        case CtType::ma100: return 100;
        case CtType::ma200: return 200;
    }
    throw_out_of_range("CT type enumerator", static_cast<int>(type), "rct, mv333, ma80, ma100, ma200");
}

double rated_secondary(CtType type) {
    switch (type) {
        case CtType::rct:
        case CtType::mv333: return 0.333;
        case CtType::ma80: return 0.080;
        case CtType::ma100: return 0.100;
        case CtType::ma200: return 0.200;
    }
    throw_out_of_range("CT type enumerator", static_cast<int>(type), "rct, mv333, ma80, ma100, ma200");
}

FrontEnd::FrontEnd(const FrontEndConfig& config) : config_(config) {
    const double rated_v = config.rated_voltage;
    if (!(rated_v >= 10 && rated_v <= 400)) throw_out_of_range("rated voltage", rated_v, "10-400 V");
    for (std::size_t p = 0; p < 3; ++p) {
        full_scale_[p] = voltage_headroom * std::sqrt(2.0) * rated_v;
        secondary_per_primary_[p] = 1.0;  // the divider is not modelled: the ADC sees volts
        gain_[p] = 1.0;
        phase_[p] = 0.0;
    }
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto i = static_cast<std::size_t>(ch);
        const double primary = config.ct_primary[i];
        if (!(primary >= 5 && primary <= 50000)) throw_out_of_range(input(ch) + " CT primary", primary, "5-50000 A");
        const double ratio = config.ratio_error_pct[i], phase = config.phase_error_min[i];
        if (!(ratio >= -10 && ratio <= 10)) throw_out_of_range(input(ch) + " CT ratio error", ratio, "-10 to 10 %");
        if (!(phase >= -180 && phase <= 180)) throw_out_of_range(input(ch) + " CT phase error", phase, "-180 to 180 minutes");
        const double secondary = rated_secondary(config.ct_type[ch]);
        full_scale_[3 + i] = current_headroom * primary;
        secondary_per_primary_[3 + i] = secondary / primary;
        gain_[3 + i] = 1.0 + ratio / 100.0;
        phase_[3 + i] = phase * minutes;
    }
}

double FrontEnd::full_scale(int channel) const { return full_scale_.at(static_cast<std::size_t>(channel)); }
double FrontEnd::gain(int channel) const { return gain_.at(static_cast<std::size_t>(channel)); }
double FrontEnd::phase_rad(int channel) const { return phase_.at(static_cast<std::size_t>(channel)); }

double FrontEnd::secondary_full_scale(int channel) const {
    const auto c = static_cast<std::size_t>(channel);
    return full_scale_.at(c) * secondary_per_primary_.at(c);
}

ChannelSkew FrontEnd::skew(double frequency) const {
    ChannelSkew s{};
    for (std::size_t c = 0; c < s.size(); ++c) s[c] = phase_[c] / (2 * std::numbers::pi * frequency);
    return s;
}

bool FrontEnd::digitise(int channel, std::vector<double>& samples) const {
    const auto c = static_cast<std::size_t>(channel);
    const double lsb = secondary_full_scale(channel) / max_code;  // secondary units per code
    const double to_code = gain_.at(c) * secondary_per_primary_[c] / lsb;
    const double to_primary = lsb / secondary_per_primary_[c];
    // Round to nearest (even) by adding and removing 1.5·2^52: exact for |v| < 2^51, and what
    // nearbyint does in the default rounding mode, without a libm call per sample.
    constexpr double round_magic = 6755399441055744.0;
    bool clipped = false;
    for (auto& x : samples) {
        double v = x * to_code;
        if (!(std::abs(v) <= max_code)) {
            v = std::copysign(max_code, v);
            clipped = true;
        }
        x = ((v + round_magic) - round_magic) * to_primary;
    }
    return clipped;
}

Phasors FrontEnd::transfer(int channel, const Phasors& x) const {
    const auto c = static_cast<std::size_t>(channel);
    const double g = gain_.at(c), delta = phase_[c];
    Phasors y;
    y[0] = g * x[0];
    for (std::size_t h = 1; h < y.size(); ++h) {
        if (x[h] == 0.0 || delta == 0.0)
            y[h] = g * x[h];
        else
            y[h] = x[h] * std::polar(g, static_cast<double>(h) * delta);  // gain · e^{j·h·δ}
    }
    return y;
}

}  // namespace sim::meter
