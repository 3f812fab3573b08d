#include "meter/dsp/measurement_engine.hpp"

#include <cmath>
#include <numbers>

#include "waveform/range_error.hpp"

namespace sim::meter {

namespace {

constexpr double voltage_present = 0.01;  // of rated: below it a phase counts as absent

double nominal_checked(double hz) {
    if (hz != 50.0 && hz != 60.0) throw_out_of_range("nominal frequency", hz, "50 or 60 Hz");
    return hz;
}

}  // namespace

MeasurementEngine::MeasurementEngine(WaveformGenerator& world, EngineConfig config)
    : world_(world),
      config_(config),
      front_end_(FrontEndConfig{}),
      dsp_(config.samples_per_cycle),
      tracked_(nominal_checked(config.nominal_frequency)) {
    for (std::size_t ch = 0; ch < current_inputs; ++ch) elements_[ch] = {static_cast<int>(ch % 3), -1};
    const int n = config.samples_per_cycle;
    for (int k = 0; k < n; ++k) unit_circle_.push_back(std::polar(1.0, 2 * std::numbers::pi * k / n));
}

void MeasurementEngine::set_front_end(const FrontEndConfig& config) {
    front_end_ = FrontEnd(config);
    ++settings_version_;
}

void MeasurementEngine::set_element_voltages(const std::array<ElementVoltage, current_inputs>& elements) {
    for (std::size_t ch = 0; ch < current_inputs; ++ch) {
        const auto& e = elements[ch];
        const std::string what = "element voltage of current input " + std::to_string(ch + 1);
        if (e.plus < 0 || e.plus > 2) throw_out_of_range(what + " plus", e.plus, "0-2 (Va, Vb, Vc)");
        if (e.minus < -1 || e.minus > 2 || e.minus == e.plus) throw_out_of_range(what + " minus", e.minus, "-1 (neutral) or another phase 0-2");
    }
    elements_ = elements;
    ++settings_version_;
}

WindowMeasurement MeasurementEngine::measure(hal::Time start) {
    WindowMeasurement w;
    measure(start, w);
    return w;
}

void MeasurementEngine::measure(hal::Time start, WindowMeasurement& w) {
    w.start = start;
    if (config_.fidelity == Fidelity::sample) {
        w = WindowMeasurement{};
        w.start = start;
        measure_samples(w);
    } else {
        measure_analytic(w);  // overwrites the whole window from the cached truth
    }
}

void MeasurementEngine::measure_samples(WindowMeasurement& w) {
    ++content_version_;
    const int n = config_.samples_per_cycle;
    const int cycles = cycles_for(tracked_);
    const double dt = 1.0 / (n * tracked_);
    // The CTs' phase displacement is physical: it follows the true frequency, not the tracker.
    world_.sample(w.start, dt, cycles * n, block_, front_end_.skew(world_.frequency_at(w.start)));
    std::array<bool, wave_channels> clipped{};
    for (std::size_t c = 0; c < wave_channels; ++c) clipped[c] = front_end_.digitise(static_cast<int>(c), block_.x[c]);
    const FrequencySource source{voltage_present * front_end_.config().rated_voltage, config_.nominal_frequency};
    dsp_.process(block_, cycles, dt, elements_, source, w);
    for (std::size_t c = 0; c < wave_channels; ++c) (c < 3 ? w.voltage[c] : w.current[c - 3]).clipped = clipped[c];
    w.end = w.start + hal::Duration(std::llround(cycles * n * dt * 1e9));
    if (w.frequency >= FrequencyPlan::min_hz && w.frequency <= FrequencyPlan::max_hz) tracked_ = w.frequency;
}

void MeasurementEngine::measure_analytic(WindowMeasurement& w) {
    if (cached_revision_ != world_.revision() || cached_settings_ != settings_version_) {
        analytic_quantities(cached_);
        ++content_version_;
        cached_revision_ = world_.revision();
        cached_settings_ = settings_version_;
    }
    const hal::Time start = w.start;
    w = cached_;
    w.start = start;
    bool voltage = false;
    for (const auto& v : w.voltage) voltage = voltage || v.rms >= voltage_present * front_end_.config().rated_voltage;
    if (voltage) {
        // Exactly K true cycles, K from the true frequency at the start.
        w.cycles = cycles_for(world_.frequency_at(start));
        w.end = world_.plan().after_cycles(start, w.cycles);
        const double seconds = hal::to_seconds(w.end - start);
        w.frequency = world_.plan().cycles_between(start, seconds) / seconds;
    } else {
        // Nothing to lock to: the sampler free-runs at the nominal frequency, as in sample fidelity.
        w.cycles = cycles_for(config_.nominal_frequency);
        w.end = start + hal::Duration(std::llround(w.cycles / config_.nominal_frequency * 1e9));
        w.frequency = config_.nominal_frequency;
    }
    tracked_ = w.frequency;
}

// Max |x| over the N sampling instants of one cycle, starting at the fundamental's zero phase.
double MeasurementEngine::one_cycle_peak(const Phasors& x) const {
    const std::size_t n = unit_circle_.size(), mask = n - 1;  // N is a power of two
    std::vector<double>& y = peak_scratch_;
    y.assign(n, x[0].real());
    for (std::size_t h = 1; h < x.size(); ++h) {
        if (x[h] == 0.0) continue;
        const auto a = std::sqrt(2.0) * x[h];  // √2·|X|·sin(hθ + ψ) = Im(A·e^{jhθ})
        for (std::size_t k = 0, at = 0; k < n; ++k, at = (at + h) & mask)
            y[k] += a.real() * unit_circle_[at].imag() + a.imag() * unit_circle_[at].real();
    }
    double peak = 0;
    for (double v : y) peak = std::max(peak, std::abs(v));
    return peak;
}

void MeasurementEngine::analytic_quantities(WindowMeasurement& w) const {
    std::array<Phasors, wave_channels> x;
    std::array<double, wave_channels> noise{};
    for (std::size_t c = 0; c < wave_channels; ++c) {
        const int ci = static_cast<int>(c);
        x[c] = front_end_.transfer(ci, world_.phasors(ci));
        noise[c] = front_end_.gain(ci) * world_.wave(ci).noise_rms;
        const auto t = channel_truth(x[c], noise[c]);
        auto& sp = c < 3 ? w.voltage[c] : w.current[c - 3];
        sp.rms = std::sqrt(t.rms * t.rms + noise[c] * noise[c]);
        sp.dc = t.dc;
        sp.fundamental = t.fundamental;
        sp.harmonic_rms = t.harmonic_rms;
        const double peak = one_cycle_peak(x[c]);
        sp.clipped = peak > front_end_.full_scale(ci);
        sp.peak = sp.clipped ? front_end_.full_scale(ci) : peak;
    }
    for (std::size_t p = 0; p < 3; ++p) {
        const std::size_t q = (p + 1) % 3;
        w.v_ll[p] = std::sqrt(std::pow(rms_of(x[p] - x[q]), 2) + noise[p] * noise[p] + noise[q] * noise[q]);
    }
    for (std::size_t ch = 0; ch < current_inputs; ++ch) {
        const auto& ev = elements_[ch];
        const auto plus = static_cast<std::size_t>(ev.plus);
        Phasors v = x[plus];
        double v_noise_sq = noise[plus] * noise[plus];
        if (ev.minus >= 0) {
            const auto minus = static_cast<std::size_t>(ev.minus);
            v = v - x[minus];
            v_noise_sq += noise[minus] * noise[minus];
        }
        const auto t = element_truth(v, x[3 + ch]);
        auto& e = w.element[ch];
        e.p = t.p;
        e.p1 = t.p1;
        e.q1 = t.q1;
        e.qb = t.qb;
        e.s1 = t.s1;
        e.s = std::sqrt(std::pow(rms_of(v), 2) + v_noise_sq) * w.current[ch].rms;
    }
}

}  // namespace sim::meter
