#include "meter/dsp/measurement_engine.hpp"

#include <cmath>

namespace sim::meter {

namespace {
FrontEndConfig default_front_end() {
    FrontEndConfig c;
    c.ct_primary.fill(100);
    return c;
}
}  // namespace

MeasurementEngine::MeasurementEngine(WaveformGenerator& world, EngineConfig config)
    : world_(world),
      config_(config),
      front_end_(default_front_end()),
      dsp_(config.samples_per_cycle),
      tracked_(config.nominal_frequency) {
    for (int ch = 0; ch < current_inputs; ++ch) elements_[static_cast<std::size_t>(ch)] = {ch % 3, -1};
}

WindowMeasurement MeasurementEngine::measure(hal::Time start) {
    WindowMeasurement w;
    w.start = start;
    if (config_.fidelity == Fidelity::sample)
        measure_samples(w);
    else
        measure_analytic(w);
    return w;
}

void MeasurementEngine::measure_samples(WindowMeasurement& w) {
    const int cycles = tracked_ < 55 ? 10 : 12;
    const int n = cycles * config_.samples_per_cycle;
    const double dt = 1.0 / (tracked_ * config_.samples_per_cycle);
    world_.sample(w.start, dt, n, block_);
    for (int c = 0; c < wave_channels; ++c) front_end_.digitise(c, block_.x[static_cast<std::size_t>(c)]);
    dsp_.process(block_.x, cycles, dt, elements_, tracked_, w);
    w.end = w.start + hal::from_seconds(dt * n);
    // Follow the measured frequency, within the range the board locks to.
    if (w.frequency >= 40 && w.frequency <= 70) tracked_ = w.frequency;
}

void MeasurementEngine::measure_analytic(WindowMeasurement& w) {
    const double f = world_.frequency_at(w.start);
    const int cycles = f < 55 ? 10 : 12;
    w.cycles = cycles;
    w.end = w.start + hal::from_seconds(cycles / f);
    // The window's mean frequency: whole cycles over their duration.
    w.frequency = (world_.cycles_at(w.end) - world_.cycles_at(w.start)) / hal::to_seconds(w.end - w.start);
    tracked_ = w.frequency;
    const bool steady = world_.stationary(w.start, w.end);
    if (steady && cached_revision_ != 0 && cached_revision_ == world_.revision() + 1) {
        const auto start = w.start, end = w.end;
        const double window_f = w.frequency;
        w = cached_;
        w.start = start;
        w.end = end;
        w.frequency = window_f;
        return;
    }
    auto fill = [&](int index, Spectrum& s) {
        const auto t = world_.truth(index);
        const double g = front_end_.gain(index);
        s.rms = g * std::sqrt(t.rms * t.rms + t.noise_rms * t.noise_rms);
        s.dc = g * world_.phasor(index, 0).real();
        s.fundamental = g * t.fundamental;
        for (int h = 1; h <= max_harmonic; ++h) s.harmonic_rms[static_cast<std::size_t>(h)] = g * t.harmonic_rms[static_cast<std::size_t>(h)];
        double peak = std::abs(s.dc);
        for (int h = 1; h <= max_harmonic; ++h) peak += std::sqrt(2.0) * s.harmonic_rms[static_cast<std::size_t>(h)];
        s.peak = peak;  // an upper bound: exact for a single component
    };
    for (int p = 0; p < 3; ++p) fill(p, w.voltage[static_cast<std::size_t>(p)]);
    for (int ch = 0; ch < current_inputs; ++ch) fill(3 + ch, w.current[static_cast<std::size_t>(ch)]);
    for (int p = 0; p < 3; ++p) w.v_ll[static_cast<std::size_t>(p)] = world_.line_rms(p, (p + 1) % 3);
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto c = static_cast<std::size_t>(ch);
        const auto& ev = elements_[c];
        const auto t = world_.element_truth(ev.plus, ev.minus, ch);
        const double g = front_end_.gain(3 + ch);
        auto& e = w.element[c];
        e.p = g * t.p;
        e.q1 = g * t.q1;
        e.qb = g * t.qb;
        e.s1 = g * t.s1;
        const double vrms = ev.minus < 0 ? w.voltage[static_cast<std::size_t>(ev.plus)].rms : world_.line_rms(ev.plus, ev.minus);
        e.s = vrms * w.current[c].rms;
    }
    cached_ = w;
    cached_revision_ = steady ? world_.revision() + 1 : 0;  // +1: revision 0 is a valid revision
}

}  // namespace sim::meter
