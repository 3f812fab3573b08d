#pragma once
// In-place iterative radix-2 FFT for the window DSP's averaged cycle (N = 32..1024). Written
// out in real arithmetic: std::complex multiplication checks for NaN on every product.
#include <complex>
#include <utility>
#include <vector>

namespace sim::meter {

class Fft {
public:
    explicit Fft(int n);  // a power of two, 2 or more
    int size() const { return n_; }
    void forward(std::complex<double>* x) const;  // X_k = Σ_n x_n·e^{−j2πkn/N}

private:
    int n_;
    std::vector<double> cos_, sin_;              // e^{−j2πk/N} = cos_[k] − j·sin_[k], k < N/2
    std::vector<std::pair<int, int>> swaps_;     // bit-reversal permutation
};

}  // namespace sim::meter
