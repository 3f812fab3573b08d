#pragma once
// The virtual board's measuring loop: one WindowMeasurement per call, for the window that
// begins at `start` — 10 cycles while the tracked frequency is below 55 Hz, 12 from 55 Hz up
// (IEC 61000-4-7's ~200 ms at 50 and 60 Hz).
//
// Sample fidelity: like a real meter's PLL, the sampler runs at fs = N·f_tracked, f_tracked
// being the frequency measured in the previous window (the nominal 50 or 60 Hz at first), so a
// stationary signal is sampled coherently from the second window on. Samples go through the
// front end (CT gain and phase, 24-bit ADC, clipping) and the window DSP.
// Analytic fidelity: the same struct from the generator's truth, through the same front-end
// gain and phase model, without samples. The window holds exactly K true cycles (K from the true
// frequency at `start`), its frequency is K ÷ its duration. Truth quantities depend only on the
// waveform parameters and the settings, so they are reused until either changes. Over range it
// sets `clipped` and clamps the peak but does not model the clipped waveform's RMS and P.
// Both fidelities may be switched between windows; the tracker carries over.
#include <array>
#include <cstdint>
#include <vector>

#include "meter/dsp/front_end.hpp"
#include "meter/dsp/window_dsp.hpp"
#include "meter/measurement.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

struct EngineConfig {
    double nominal_frequency = 50.0;  // 50 or 60 Hz: the tracker's start, and the value without voltage
    int samples_per_cycle = 128;      // a power of two, 32..1024 (harmonics up to N/2 − 1)
    Fidelity fidelity = Fidelity::sample;
};

class MeasurementEngine {
public:
    // The generator is sampled, never configured: only its noise streams advance.
    MeasurementEngine(WaveformGenerator& world, EngineConfig config);

    void set_front_end(const FrontEndConfig& config);
    // Which voltage each current input's element multiplies; any time (wiring can change).
    void set_element_voltages(const std::array<ElementVoltage, current_inputs>& elements);
    void set_fidelity(Fidelity f) {
        config_.fidelity = f;
        ++content_version_;
    }

    Fidelity fidelity() const { return config_.fidelity; }
    const EngineConfig& config() const { return config_; }
    const FrontEnd& front_end() const { return front_end_; }
    const std::array<ElementVoltage, current_inputs>& element_voltages() const { return elements_; }
    double tracked_frequency() const { return tracked_; }

    WindowMeasurement measure(hal::Time start);
    void measure(hal::Time start, WindowMeasurement& into);  // the same, without a copy
    // Changes whenever a window may differ from the last one in more than its start, end and
    // frequency: every sample-fidelity window, and each analytic recomputation.
    std::uint64_t content_version() const { return content_version_; }

private:
    static int cycles_for(double hz) { return hz < 55.0 ? 10 : 12; }
    void measure_samples(WindowMeasurement& w);
    void measure_analytic(WindowMeasurement& w);
    void analytic_quantities(WindowMeasurement& w) const;
    double one_cycle_peak(const Phasors& x) const;

    WaveformGenerator& world_;
    EngineConfig config_;
    FrontEnd front_end_;
    WindowDsp dsp_;
    std::array<ElementVoltage, current_inputs> elements_{};
    double tracked_;
    SampleBlock block_;
    std::vector<std::complex<double>> unit_circle_;  // e^{j2πk/N}, for the analytic peak
    mutable std::vector<double> peak_scratch_;

    // Analytic fidelity: quantities for (world revision, settings version).
    std::uint64_t settings_version_ = 1;
    std::uint64_t cached_revision_ = 0, cached_settings_ = 0;
    WindowMeasurement cached_;
    std::uint64_t content_version_ = 0;
};

}  // namespace sim::meter
