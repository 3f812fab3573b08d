#pragma once
// One measuring window from samples: K whole cycles (as the sampler believed) of N samples each.
// RMS, DC and peak from the raw samples; harmonics 1..N/2−1 from a synchronous average of the K
// cycles and an N-point FFT (exact for integer harmonics once the sampler is locked); P from the
// raw products; L-L from sample differences; frequency from interpolated zero crossings.
#include <array>
#include <vector>

#include "meter/measurement.hpp"

namespace sim::meter {

class WindowDsp {
public:
    explicit WindowDsp(int samples_per_cycle);  // a power of two, 32..1024
    // x: 21 channels (Va, Vb, Vc, I1..I18) of cycles × N samples at dt_s apart.
    void process(const std::array<std::vector<double>, 21>& x, int cycles, double dt_s,
                 const std::array<ElementVoltage, current_inputs>& elements, double fallback_frequency,
                 WindowMeasurement& out);

private:
    void spectrum(const std::vector<double>& x, int cycles, Spectrum& out, std::array<std::complex<double>, max_harmonic + 1>& phasors);
    double frequency(const std::vector<double>& v, double dt_s) const;

    int n_;
    std::vector<std::complex<double>> twiddle_;
    std::vector<std::complex<double>> work_;
    std::array<std::array<std::complex<double>, max_harmonic + 1>, 21> phasors_{};
};

}  // namespace sim::meter
