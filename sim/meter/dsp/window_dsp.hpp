#pragma once
// One measuring window from the ADC's reconstructed samples: K whole cycles (as the sampler
// believed) of N samples each, for the 21 inputs.
//  - RMS, DC and peak from the raw samples.
//  - Harmonic phasors 1..min(63, N/2 − 1): the K cycles are summed into one N-sample cycle
//    (synchronous averaging) and transformed by an N-point FFT, two real channels per complex
//    FFT. Exact for integer harmonics once the sampler is locked to the fundamental.
//  - Per element: P = mean(v·i) from the samples; Q1, QB, S1 and P1 from the harmonic phasors;
//    S = Vrms·Irms. A line-to-line element voltage is the sample difference.
//  - V L-L RMS from the sample differences va − vb, vb − vc, vc − va (metering-science §1.5).
//  - Frequency by the reciprocal method on the positive zero crossings of Va, linearly
//    interpolated: whole cycles between the first and last crossing ÷ their duration. Vb, then
//    Vc, stand in when Va is absent; with no voltage at all the nominal frequency is reported.
#include <array>
#include <vector>

#include "meter/dsp/fft.hpp"
#include "meter/measurement.hpp"
#include "waveform/waveform.hpp"

namespace sim::meter {

struct FrequencySource {
    double present_rms = 0;  // a phase voltage below this RMS is absent (the engine: 1 % of rated)
    double nominal = 50;     // reported when every phase is absent
};

class WindowDsp {
public:
    explicit WindowDsp(int samples_per_cycle);  // a power of two, 32..1024
    int samples_per_cycle() const { return n_; }

    // x: each of the 21 channels holds cycles × N samples, dt_s apart. Fills every field of
    // `out` except start and end (and leaves Spectrum::clipped to the caller, who digitised).
    void process(const SampleBlock& x, int cycles, double dt_s, const std::array<ElementVoltage, current_inputs>& elements,
                 const FrequencySource& source, WindowMeasurement& out);

private:
    using HarmonicPhasors = std::array<std::complex<double>, max_harmonic + 1>;
    void moments(const std::vector<double>& x, Spectrum& out, double* cycle);
    void transform_pair(int a, int b, int cycles, std::array<Spectrum*, wave_channels>& spectra);
    double crossing_frequency(const std::vector<double>& v, double dt_s) const;

    int n_;
    Fft fft_;
    std::vector<double> cycle_;                     // 21 × N: the K cycles of each channel summed
    std::vector<std::complex<double>> work_;        // N
    std::array<HarmonicPhasors, wave_channels> phasors_{};
};

}  // namespace sim::meter
