#pragma once
// The synthetic world the virtual board measures: 3 phase voltages and 18 currents, each a
// fundamental plus harmonics 2..63, DC and seeded noise, at a frequency that may ramp. It also
// gives the analytic truth of every quantity it generates (metering-science.md §1, §9), computed
// from its parameters only, never from samples.
#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include "hal/time.hpp"

namespace sim {

struct Harmonic {
    int order = 2;
    double percent = 0;    // % of the fundamental RMS
    double angle_deg = 0;  // relative: the absolute angle of order h is h * fundamental angle + this
};

struct ChannelWave {
    double rms = 0;        // fundamental RMS
    double angle_deg = 0;  // fundamental angle (sine reference)
    double dc = 0;
    double noise_rms = 0;  // Gaussian, seeded
    std::vector<Harmonic> harmonics;
};

constexpr int wave_channels = 21;  // 0..2 = Va, Vb, Vc; 3..20 = currents of input channels 1..18
constexpr int max_order = 63;

struct SampleBlock {
    std::array<std::vector<double>, wave_channels> x;
};

struct ChannelTruth {
    double rms = 0;  // DC and harmonics (noise excluded; see noise_rms)
    double noise_rms = 0;
    std::complex<double> fundamental;  // RMS phasor, sine reference
    std::array<double, max_order + 1> harmonic_rms{};
    double thd = 0;  // fundamental-referred
};

struct ElementTruth {
    double p = 0, p1 = 0, q1 = 0, qb = 0, s = 0, s1 = 0, n = 0, pf = 1;
};

class WaveformGenerator {
public:
    explicit WaveformGenerator(std::uint64_t seed);

    void set_voltage(int phase, ChannelWave wave);  // phase 0..2
    void set_current(int channel, ChannelWave wave);  // channel 0..17
    const ChannelWave& wave(int index) const { return waves_.at(static_cast<std::size_t>(index)); }
    void set_frequency(double hz, hal::Time at);
    void ramp_frequency(double to_hz, double hz_per_s, hal::Time from);
    double frequency_at(hal::Time t) const;
    double cycles_at(hal::Time t) const;  // ∫f dt since the generator's reference instant
    bool stationary(hal::Time from, hal::Time to) const;
    std::uint64_t revision() const { return revision_; }

    // All 21 channels at t0 + n·dt, n = 0..count-1.
    void sample(hal::Time t0, double dt_s, int count, SampleBlock& out);

    ChannelTruth truth(int index) const;
    // Element of voltage (plus − minus, minus = −1 for neutral) and a current channel 0..17.
    ElementTruth element_truth(int v_plus, int v_minus, int current_channel) const;
    // Harmonic RMS phasor of order h (1..63; 0 = DC as a real number) of a channel or a line pair.
    std::complex<double> phasor(int index, int order) const;
    double line_rms(int a, int b) const;

private:
    void check_wave(const ChannelWave& w, const char* what) const;
    std::uint64_t next_random(int channel);
    double gaussian(int channel);

    std::array<ChannelWave, wave_channels> waves_;
    std::array<std::uint64_t, wave_channels> rng_{};
    std::array<double, wave_channels> spare_{};
    std::array<bool, wave_channels> has_spare_{};
    // Frequency plan: f0 until ramp_start, then linear at ramp_rate to f1, then f1.
    hal::Time ref_{};
    double ref_cycles_ = 0;
    double f0_ = 50, f1_ = 50, ramp_rate_ = 0;
    hal::Time ramp_start_{};
    std::uint64_t revision_ = 0;
};

}  // namespace sim
