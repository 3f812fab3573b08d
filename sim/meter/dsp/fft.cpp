#include "meter/dsp/fft.hpp"

#include <cmath>
#include <numbers>

#include "waveform/range_error.hpp"

namespace sim::meter {

Fft::Fft(int n) : n_(n) {
    if (n < 2 || (n & (n - 1)) != 0) throw_out_of_range("FFT length", n, "a power of two, 2 or more");
    for (int k = 0; k < n / 2; ++k) {
        const double a = 2 * std::numbers::pi * k / n;
        cos_.push_back(std::cos(a));
        sin_.push_back(std::sin(a));
    }
    for (int i = 1, j = 0; i < n; ++i) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) swaps_.emplace_back(i, j);
    }
}

void Fft::forward(std::complex<double>* x) const {
    for (const auto& [i, j] : swaps_) std::swap(x[i], x[j]);
    // std::complex<double> is layout-compatible with double[2] ([complex.numbers.general]).
    auto* d = reinterpret_cast<double*>(x);
    for (int len = 2; len <= n_; len <<= 1) {
        const int half = len / 2, step = n_ / len;
        for (int start = 0; start < n_; start += len)
            for (int k = 0; k < half; ++k) {
                const double wr = cos_[static_cast<std::size_t>(k * step)], wi = -sin_[static_cast<std::size_t>(k * step)];
                double* a = d + 2 * (start + k);
                double* b = d + 2 * (start + k + half);
                const double tr = b[0] * wr - b[1] * wi, ti = b[0] * wi + b[1] * wr;
                b[0] = a[0] - tr;
                b[1] = a[1] - ti;
                a[0] += tr;
                a[1] += ti;
            }
    }
}

}  // namespace sim::meter
