#pragma once
// The grid frequency over time and its phase Φ(t)/2π = ∫f dt in closed form; the frequency
// truth of metering-science.md §6 is this phase. One plan at a time: f0 until the anchor
// instant, then, for a ramp, linear at a signed rate until it reaches f1, then f1. Each change
// re-anchors at the instant it applies from and keeps the phase continuous there; instants
// before the anchor extrapolate f0 (no history is kept).
#include <array>
#include <cstdint>

#include "hal/time.hpp"

namespace sim {

// Cycles split into whole cycles and a fraction in [0, 1): a 2026 timestamp is ~10^11 cycles
// from 1970, and a plain double would keep only ~1e-5 cycle of its phase.
struct CycleCount {
    std::int64_t whole = 0;
    double fraction = 0;
    double value() const { return static_cast<double>(whole) + fraction; }
    CycleCount& operator+=(double cycles);
};

class FrequencyPlan {
public:
    static constexpr double min_hz = 40.0, max_hz = 70.0;
    // 2026-01-01T00:00:00Z: cycles are counted from here, at the initial frequency.
    static constexpr hal::Time default_anchor = hal::Time(std::chrono::seconds(1767225600));

    explicit FrequencyPlan(double hz = 50.0);

    void set(double hz, hal::Time at);                         // constant from `at` on
    void ramp(double to_hz, double hz_per_s, hal::Time from);  // from f(from) toward to_hz

    double frequency_at(hal::Time t) const;
    CycleCount cycles_at(hal::Time t) const;  // since default_anchor
    // ∫f dt over [from, from + seconds], piece by piece in local time (no large-number loss).
    double cycles_between(hal::Time from, double seconds) const;
    // The instant (nearest ns) at which `cycles` ≥ 0 cycles have elapsed since `from`.
    hal::Time after_cycles(hal::Time from, double cycles) const;
    // True when one constant frequency holds over all of [from, to].
    bool constant_between(hal::Time from, hal::Time to) const;

private:
    // A stretch of constant or linearly changing frequency, in seconds relative to an origin.
    struct Piece {
        double start, end;  // may be ±infinity
        double f;           // at start (or throughout when slope = 0)
        double slope;       // Hz/s
        double frequency(double at) const { return slope == 0 ? f : f + slope * (at - start); }
    };
    std::array<Piece, 3> pieces(hal::Time origin) const;  // before, during and after the ramp
    double ramp_seconds() const { return rate_ == 0 ? 0.0 : (f1_ - f0_) / rate_; }

    hal::Time anchor_ = default_anchor;
    CycleCount anchor_cycles_{};
    double f0_, f1_;
    double rate_ = 0;  // Hz/s, signed; 0 = constant
};

}  // namespace sim
