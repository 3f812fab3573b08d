#pragma once
// The board's power-quality block (0x3200) and phase-angle block (0x3600) from one measuring
// window: register map 1.6 and 1.7, definitions from metering-science 1.5, 4 and 5. Pure
// functions of the WindowMeasurement (either fidelity) and the wiring; nothing is kept between
// windows.
//
// Definitions (X_h = RMS of order h from Spectrum::harmonic_rms, X_1 the fundamental):
//  - THD = THD_F = sqrt(Σ_{h=2..31} X_h²)/X_1; odd THD over h = 3, 5, ..., 31, even over
//    h = 2, 4, ..., 30; harmonic h in % of X_1. Orders 2..31 are the sheet's range (map 1.6).
//  - THD V average: the mean over the phases whose voltage is present (all three on a
//    three-phase supply; a missing phase would otherwise pull the mean down).
//  - K-factor = Σ h²·I_h² / Σ I_h² over h = 1..31.
//  - Crest factor = peak/RMS (metering-science 1.5; the sampled peak, a sine reads √2).
//  - THFF (IEC 60034-1) = sqrt(Σ_h (λ_h·U_h)²)/U, λ_h = p(h·f1)·h·f1/800 Hz, p the ITU-T O.41
//    psophometric weight (see psophometric_weight), U the phase voltage's true RMS, over every
//    measured order h = 1..63 with h·f1 ≤ 5 kHz (IEC 60034-1 stops at 5 kHz; the window's
//    spectrum stops at order 63, 3.15 kHz at 50 Hz). f1 is the window's frequency.
//  - Unbalance, one rule for voltages, the system's phase currents and the user channels,
//    decided by how many phases (or channels) the group has:
//      3 → |X2|/|X1|, negative over positive sequence of the three fundamental phasors
//          (IEC 61000-4-30, metering-science 5), in phase order A, B, C (user channels: in
//          channel order, which is A, B, C for 3LN and high-leg);
//      2 → 100·max|X_k − X_avg|/X_avg of the fundamental magnitudes (the NEMA/IEEE form of
//          metering-science 5; 2LN split phase and 2LL have no third phase to build
//          sequences from, and |X2|/|X1| of two phasors and a zero would read 50–100 %);
//      1 → 0 (no unbalance in a single-phase group; also unused user channels).
//    Voltages: the phases the wiring's elements use (Va, Vb for 2LN; all three otherwise).
//    System current: the phasor sum of all 18 channels per phase (wiring.phase[c]), the same
//    grouping as the board's phase blocks; the phases that carry channels form the group
//    (A and B for 2LN, A and C for 2LL). User n: its channels (wiring.user[c] == n).
//  - Angles: arg(X_1) − arg(Va_1) wrapped to [0°, 360°); a positive-sequence Vb reads 240°.
//
// Absent signals publish 0, never a plausible value: a voltage or current whose fundamental
// is below its PresenceThresholds value has THD, harmonics, odd/even THD, K-factor, crest
// factor, THFF and angle 0 (K = 1 would claim a sinusoid that is not there); without Va every
// angle is 0; an unbalance whose reference (|X1| or X_avg) is below the group's largest
// threshold is 0.
#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include "meter/dsp/front_end.hpp"
#include "meter/measurement.hpp"
#include "meter/wiring.hpp"

namespace sim::meter {

inline constexpr int pq_first_order = 2;   // register map 1.6: harmonics 2nd–31st
inline constexpr int pq_last_order = 31;
inline constexpr std::size_t power_quality_registers = 0x337;  // 0x3200..0x3536
inline constexpr std::size_t phase_angle_registers = 20;       // 0x3600..0x3613

// Fundamental RMS below which a signal counts as absent. The defaults are those of the
// default front end (presence_thresholds(FrontEndConfig{})).
struct PresenceThresholds {
    double voltage = 2.2;                                                  // V
    std::array<double, current_inputs> current = FrontEndConfig::filled(0.1);  // A, per input
};

// 1 % of the rated voltage (the engine's own "phase absent" level for frequency) and 0.1 % of
// each CT primary (the starting current of classes 0.2S/0.5S, IEC 62053-22: below it a
// meter need not register, so its harmonic ratios are noise).
PresenceThresholds presence_thresholds(const FrontEndConfig& front_end);

struct HarmonicContent {
    double thd_pct = 0;
    double odd_thd_pct = 0;
    double even_thd_pct = 0;
    std::array<double, pq_last_order + 1> harmonic_pct{};  // [h] = 100·X_h/X_1, h = 2..31
};

struct VoltageQuality {
    HarmonicContent harmonics;
    double crest_factor = 0;
    double thff_pct = 0;
};

struct CurrentQuality {
    HarmonicContent harmonics;
    double k_factor = 0;
};

struct PowerQuality {
    double voltage_unbalance_pct = 0;
    std::array<VoltageQuality, voltage_inputs> voltage{};
    double thd_v_average_pct = 0;
    double current_unbalance_pct = 0;  // system
    std::array<CurrentQuality, current_inputs> current{};
    std::array<double, user_channels> user_current_unbalance_pct{};
    std::array<double, voltage_inputs> voltage_angle_deg{};  // [0] Va = 0 (reference), [1] Vb, [2] Vc
    std::array<double, current_inputs> current_angle_deg{};
};

PowerQuality power_quality(const WindowMeasurement& w, const WiringLayout& wiring, const PresenceThresholds& present = {});

// Published scales (map 1.6, 1.7), rounded to nearest and clamped to 0..65535; reserved
// registers (0x326C–0x329F) are 0. `pq` becomes power_quality_registers long (0x3200 at [0]),
// `angles` phase_angle_registers long (0x3600 at [0]; 0..3599, 359.96° publishes 0).
void render_power_quality(const PowerQuality& q, std::vector<std::uint16_t>& pq, std::vector<std::uint16_t>& angles);

// ITU-T O.41 (10/94) Table 1 psophometric weight as a linear factor (1 at 800 Hz), linear in
// dB against log frequency between the table's points, 16.66 Hz..6 kHz; 0 outside.
double psophometric_weight(double hz);
// IEC 60034-1 THFF weighting factor λ(f) = p(f)·f/800 Hz.
double thff_weight(double hz);

}  // namespace sim::meter
