#pragma once
// The board's measuring loop: one WindowMeasurement per call, 10 cycles below 55 Hz, 12 above.
// Sample fidelity: the sampler runs at N × the frequency measured in the previous window (a
// PLL, as real meters do), so a stationary signal is coherent from the second window on.
// Analytic fidelity: the same struct from the generator's truth through the same gain model.
#include <memory>

#include "meter/dsp/front_end.hpp"
#include "meter/dsp/window_dsp.hpp"
#include "meter/measurement.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

struct EngineConfig {
    double nominal_frequency = 50.0;
    int samples_per_cycle = 128;
    Fidelity fidelity = Fidelity::sample;
};

class MeasurementEngine {
public:
    MeasurementEngine(WaveformGenerator& world, EngineConfig config);

    void set_front_end(const FrontEndConfig& config) {
        front_end_ = FrontEnd(config);
        cached_revision_ = 0;
    }
    void set_element_voltages(const std::array<ElementVoltage, current_inputs>& e) {
        elements_ = e;
        cached_revision_ = 0;
    }
    void set_fidelity(Fidelity f) { config_.fidelity = f; }
    Fidelity fidelity() const { return config_.fidelity; }
    const FrontEnd& front_end() const { return front_end_; }
    double tracked_frequency() const { return tracked_; }

    WindowMeasurement measure(hal::Time start);

private:
    void measure_samples(WindowMeasurement& w);
    void measure_analytic(WindowMeasurement& w);

    // The generator is sampled, never changed: noise draws advance its own seeded streams.
    WaveformGenerator& world_;
    EngineConfig config_;
    FrontEnd front_end_;
    WindowDsp dsp_;
    std::array<ElementVoltage, current_inputs> elements_{};
    double tracked_;
    SampleBlock block_;
    // Analytic fidelity: a stationary waveform gives the same window again; reuse it.
    std::uint64_t cached_revision_ = 0;
    WindowMeasurement cached_;
};

}  // namespace sim::meter
