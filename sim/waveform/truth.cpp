#include "waveform/truth.hpp"

#include <algorithm>
#include <cmath>

namespace sim {

double rms_of(const Phasors& x) {
    double sq = x[0].real() * x[0].real();
    for (int h = 1; h <= max_order; ++h) sq += std::norm(x[static_cast<std::size_t>(h)]);
    return std::sqrt(sq);
}

ChannelTruth channel_truth(const Phasors& x, double noise_rms) {
    ChannelTruth t;
    t.dc = x[0].real();
    t.noise_rms = noise_rms;
    t.fundamental = x[1];
    double harmonic_sq = 0;
    for (int h = 1; h <= max_order; ++h) {
        const auto hu = static_cast<std::size_t>(h);
        t.harmonic_rms[hu] = std::sqrt(std::norm(x[hu]));
        if (h >= 2) harmonic_sq += std::norm(x[hu]);
    }
    t.rms = rms_of(x);
    t.thd = t.harmonic_rms[1] > 0 ? std::sqrt(harmonic_sq) / t.harmonic_rms[1] : 0.0;
    return t;
}

ElementTruth element_truth(const Phasors& v, const Phasors& i) {
    ElementTruth e;
    e.p = v[0].real() * i[0].real();
    for (int h = 1; h <= max_order; ++h) {
        const auto hu = static_cast<std::size_t>(h);
        // V·conj(I) = Vh·Ih·e^{jθh}: real part active, imaginary part reactive.
        const auto vi = v[hu] * std::conj(i[hu]);
        e.p += vi.real();
        e.qb += vi.imag();
    }
    const auto vi1 = v[1] * std::conj(i[1]);
    e.p1 = vi1.real();
    e.q1 = vi1.imag();
    e.s1 = std::sqrt(std::norm(vi1));
    e.s = rms_of(v) * rms_of(i);
    e.n = std::sqrt(std::max(0.0, e.s * e.s - e.p * e.p));
    e.pf = e.s > 0 ? e.p / e.s : 0.0;
    return e;
}

}  // namespace sim
