#include "waveform/frequency_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "waveform/range_error.hpp"

namespace sim {

CycleCount& CycleCount::operator+=(double cycles) {
    fraction += cycles;
    const double w = std::floor(fraction);
    whole += static_cast<std::int64_t>(w);
    fraction -= w;
    if (fraction >= 1.0) {  // −1e-18 − floor(−1e-18) rounds up to 1
        fraction -= 1.0;
        ++whole;
    }
    return *this;
}

namespace {

void check_frequency(double hz) {
    if (!(hz >= FrequencyPlan::min_hz && hz <= FrequencyPlan::max_hz)) throw_out_of_range("frequency", hz, "40-70 Hz");
}

// c += f · ns·1e-9 without rounding away the fraction: f · (whole seconds) is split exactly into
// a rounded product and its error (fma), so only values below ~100 cycles are ever added.
void add_linear(CycleCount& c, double f, std::int64_t ns) {
    constexpr std::int64_t per_s = 1'000'000'000;
    const auto q = static_cast<double>(ns / per_s);
    const auto r = static_cast<double>(ns % per_s);
    const double hi = f * q;
    const double lo = std::fma(f, q, -hi);
    const double w = std::floor(hi);
    c.whole += static_cast<std::int64_t>(w);
    c += (hi - w) + (lo + f * r * 1e-9);
}

}  // namespace

FrequencyPlan::FrequencyPlan(double hz) : f0_(hz), f1_(hz) { check_frequency(hz); }

void FrequencyPlan::set(double hz, hal::Time at) {
    check_frequency(hz);
    anchor_cycles_ = cycles_at(at);
    anchor_ = at;
    f0_ = f1_ = hz;
    rate_ = 0;
}

void FrequencyPlan::ramp(double to_hz, double hz_per_s, hal::Time from) {
    check_frequency(to_hz);
    if (!(hz_per_s > 0 && hz_per_s <= 1000)) throw_out_of_range("frequency ramp rate", hz_per_s, "more than 0, at most 1000 Hz/s");
    const double f_now = frequency_at(from);
    anchor_cycles_ = cycles_at(from);
    anchor_ = from;
    f0_ = f_now;
    f1_ = to_hz;
    rate_ = to_hz > f_now ? hz_per_s : to_hz < f_now ? -hz_per_s : 0.0;
}

double FrequencyPlan::frequency_at(hal::Time t) const {
    const double tau = hal::to_seconds(t - anchor_);
    if (rate_ == 0 || tau <= 0) return f0_;
    if (tau >= ramp_seconds()) return f1_;
    return f0_ + rate_ * tau;
}

CycleCount FrequencyPlan::cycles_at(hal::Time t) const {
    const auto ns = (t - anchor_).count();
    const double tau = hal::to_seconds(t - anchor_);
    CycleCount c = anchor_cycles_;
    if (rate_ == 0 || ns <= 0) {
        add_linear(c, f0_, ns);
    } else if (tau <= ramp_seconds()) {
        add_linear(c, f0_, ns);
        c += 0.5 * rate_ * tau * tau;
    } else {
        // f1·τ − (f1 − f0)²/(2·rate): the ramp's cycles plus f1 for the time after it.
        add_linear(c, f1_, ns);
        c += -(f1_ - f0_) * (f1_ - f0_) / (2 * rate_);
    }
    return c;
}

std::array<FrequencyPlan::Piece, 3> FrequencyPlan::pieces(hal::Time origin) const {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double a = hal::to_seconds(anchor_ - origin);
    const double b = a + ramp_seconds();
    return {{{-inf, a, f0_, 0.0}, {a, b, f0_, rate_}, {b, inf, f1_, 0.0}}};
}

double FrequencyPlan::cycles_between(hal::Time from, double seconds) const {
    const double lo = std::min(0.0, seconds), hi = std::max(0.0, seconds);
    double sum = 0;
    for (const auto& p : pieces(from)) {
        const double u = std::max(lo, p.start), v = std::min(hi, p.end);
        if (v <= u) continue;
        sum += p.frequency(u) * (v - u) + 0.5 * p.slope * (v - u) * (v - u);
    }
    return seconds < 0 ? -sum : sum;
}

hal::Time FrequencyPlan::after_cycles(hal::Time from, double cycles) const {
    if (!(cycles >= 0)) throw_out_of_range("cycles to elapse", cycles, "0 or more");
    double remaining = cycles;
    for (const auto& p : pieces(from)) {
        const double u = std::max(0.0, p.start);
        if (p.end <= u) continue;
        const double f = p.frequency(u), len = p.end - u;
        const double in_piece = std::isinf(len) ? len : f * len + 0.5 * p.slope * len * len;
        if (remaining <= in_piece) {
            // f·τ + slope·τ²/2 = remaining, in the form that does not cancel for small slopes.
            const double tau = p.slope == 0 ? remaining / f : 2 * remaining / (f + std::sqrt(f * f + 2 * p.slope * remaining));
            return from + hal::Duration(std::llround((u + tau) * 1e9));
        }
        remaining -= in_piece;
    }
    return from;  // unreachable: the last piece is unbounded
}

bool FrequencyPlan::constant_between(hal::Time from, hal::Time to) const {
    if (rate_ == 0) return true;
    const hal::Time ramp_end = anchor_ + hal::from_seconds(ramp_seconds());
    return to <= anchor_ || from >= ramp_end;
}

}  // namespace sim
