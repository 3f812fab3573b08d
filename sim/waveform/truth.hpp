#pragma once
// Closed-form truth from harmonic phasors (metering-science.md §1.1, IEEE 1459). The generator
// gives the truth of what it generates; the analytic fidelity of the metering engine feeds the
// same functions with phasors that went through the front end's gain and phase model, so there
// is one definition of every quantity.
#include <array>
#include <complex>

namespace sim {

constexpr int max_order = 63;

// [0] = DC (real part), [h] = RMS phasor of order h, sine reference:
// x(t) = Re[0] + Σ_h √2·|X_h|·sin(h·Φ(t) + arg X_h).
using Phasors = std::array<std::complex<double>, max_order + 1>;

struct ChannelTruth {
    double rms = 0;        // √(DC² + Σ X_h²); noise excluded
    double noise_rms = 0;  // σ of the added noise: a measured RMS tends to √(rms² + σ²)
    double dc = 0;
    std::complex<double> fundamental;                   // RMS phasor of order 1
    std::array<double, max_order + 1> harmonic_rms{};   // [h], h = 1..63; [0] unused (see dc)
    double thd = 0;                                     // THD_F = √Σ_{h≥2} X_h² / X_1; 0 without X_1
};

// One element: a voltage (phase or line-to-line) and a current. θ_h = arg V_h − arg I_h, so an
// inductive load (current lagging) has Q1 > 0.
struct ElementTruth {
    double p = 0;   // V0·I0 + Σ Vh·Ih·cos θh
    double p1 = 0;  // V1·I1·cos θ1
    double q1 = 0;  // V1·I1·sin θ1
    double qb = 0;  // Budeanu Σ Vh·Ih·sin θh
    double s = 0;   // Vrms·Irms (noise excluded)
    double s1 = 0;  // V1·I1
    double n = 0;   // √(S² − P²)
    double pf = 0;  // P/S; 0 when S = 0
};

ChannelTruth channel_truth(const Phasors& x, double noise_rms = 0);
ElementTruth element_truth(const Phasors& v, const Phasors& i);
double rms_of(const Phasors& x);  // √(DC² + Σ |X_h|²)

inline Phasors operator-(const Phasors& a, const Phasors& b) {
    Phasors d;
    for (std::size_t h = 0; h < d.size(); ++h) d[h] = a[h] - b[h];
    return d;
}

}  // namespace sim
