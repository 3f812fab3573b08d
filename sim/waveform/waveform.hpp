#pragma once
// The world the virtual board measures: 3 phase voltages (L-N) and 18 currents, each a
// fundamental plus harmonics 2..63, DC and seeded Gaussian noise, on one grid frequency that
// may ramp (waveform/frequency_plan.hpp). It gives the analytic truth of every quantity it
// generates (waveform/truth.hpp) from its parameters only, never from samples.
//
//   x(t) = dc + Σ_h √2·X_h·sin(h·Φ(t) + ψ_h) + noise,   Φ(t) = 2π∫f dt,
//   X_1 = rms, ψ_1 = angle;  X_h = rms·percent/100, ψ_h = h·angle + angle_h  (h ≥ 2),
// so a balanced three-phase set with equal relative harmonic angles gives each order its natural
// sequence (5th negative, 7th positive, triplens in phase).
#include <array>
#include <functional>
#include <cstdint>
#include <string>
#include <vector>

#include "hal/time.hpp"
#include "waveform/frequency_plan.hpp"
#include "waveform/noise.hpp"
#include "waveform/truth.hpp"

namespace sim {

struct Harmonic {
    int order = 2;          // 2..63; repeated orders add as phasors
    double percent = 0;     // of the fundamental RMS, ≥ 0
    double angle_deg = 0;   // relative: absolute angle = order · fundamental angle + this
};

struct ChannelWave {
    double rms = 0;         // fundamental RMS, V or A, ≥ 0
    double angle_deg = 0;   // fundamental angle, sine reference; a current lagging its voltage is more negative
    double dc = 0;
    double noise_rms = 0;   // σ of the Gaussian noise, ≥ 0
    std::vector<Harmonic> harmonics;
};

constexpr int wave_channels = 21;  // index 0..2 = Va, Vb, Vc; 3..20 = currents of input channels 1..18

struct SampleBlock {
    std::array<std::vector<double>, wave_channels> x;
};

// Seconds by which each channel is sampled late (+) or early (−) relative to the common grid.
using ChannelSkew = std::array<double, wave_channels>;

class WaveformGenerator {
public:
    explicit WaveformGenerator(std::uint64_t seed);

    void set_voltage(int phase, ChannelWave wave);    // phase 0..2
    void set_current(int channel, ChannelWave wave);  // input channel 0..17
    const ChannelWave& wave(int index) const;         // index 0..20

    // The frequency plan (40–70 Hz): constant from `at`, or a linear ramp from the frequency at
    // `from` toward `to_hz`, then constant. The phase is continuous across every change.
    void set_frequency(double hz, hal::Time at);
    void ramp_frequency(double to_hz, double hz_per_s, hal::Time from);
    double frequency_at(hal::Time t) const { return plan_.frequency_at(t); }
    double cycles_at(hal::Time t) const { return plan_.cycles_at(t).value(); }  // Φ/2π since 2026-01-01
    bool stationary(hal::Time from, hal::Time to) const { return plan_.constant_between(from, to); }
    const FrequencyPlan& plan() const { return plan_; }

    // Incremented by every set_* call: a consumer caching truth knows the waveform changed.
    std::uint64_t revision() const { return revision_; }
    // Called after every set_* / ramp (the board ends a run of windows it measured ahead).
    void on_change(std::function<void()> f) { on_change_ = std::move(f); }

    // All 21 channels at t0 + n·dt_s (+ skew[c] for channel c), n = 0..count-1. Noise draws
    // advance each channel's stream, so the same seed and call sequence give the same samples.
    void sample(hal::Time t0, double dt_s, int count, SampleBlock& out, const ChannelSkew& skew = {});

    // Truth, from the parameters only.
    Phasors phasors(int index) const;              // index 0..20
    std::complex<double> phasor(int index, int order) const { return phasors(index).at(static_cast<std::size_t>(order)); }
    ChannelTruth truth(int index) const;           // index 0..20
    ChannelTruth line_truth(int a, int b) const;   // voltage a − b (0..2), phasor differences per order
    double line_rms(int a, int b) const { return line_truth(a, b).rms; }
    // Element of voltage plus − minus (minus = −1: neutral) and current input channel 0..17.
    ElementTruth element_truth(int v_plus, int v_minus, int current_channel) const;

private:
    void check_index(int index) const;
    void store(int index, ChannelWave wave, const std::string& what);
    void build_tables(hal::Time t0, double dt_s, std::size_t n);

    std::array<ChannelWave, wave_channels> waves_;
    std::array<Phasors, wave_channels> phasors_{};  // of waves_, kept in step by store()
    std::array<bool, max_order + 1> order_used_{};  // by any channel
    std::array<GaussianNoise, wave_channels> noise_;
    FrequencyPlan plan_;
    std::uint64_t revision_ = 0;
    std::function<void()> on_change_;
    // sin/cos of h·Φ at each sample for the orders in use, reused between calls.
    std::array<std::vector<double>, max_order + 1> sin_, cos_;
};

}  // namespace sim
