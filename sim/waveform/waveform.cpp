#include "waveform/waveform.hpp"

#include <cmath>
#include <numbers>

#include "waveform/range_error.hpp"

namespace sim {

namespace {

constexpr double two_pi = 2 * std::numbers::pi;
constexpr double deg = std::numbers::pi / 180.0;
constexpr std::size_t anchor_every = 64;  // samples between exact re-anchors of a rotating phasor

void check_finite(const std::string& what, double v, bool non_negative) {
    if (non_negative && !(v >= 0 && std::isfinite(v))) throw_out_of_range(what, v, "0 or more, finite");
    if (!std::isfinite(v)) throw_out_of_range(what, v, "a finite number");
}

Phasors phasors_of(const ChannelWave& w) {
    Phasors x{};
    x[0] = w.dc;
    x[1] = std::polar(w.rms, w.angle_deg * deg);
    for (const auto& hm : w.harmonics)
        x[static_cast<std::size_t>(hm.order)] += std::polar(w.rms * hm.percent / 100.0, (hm.order * w.angle_deg + hm.angle_deg) * deg);
    return x;
}

}  // namespace

WaveformGenerator::WaveformGenerator(std::uint64_t seed) {
    for (int c = 0; c < wave_channels; ++c) noise_[static_cast<std::size_t>(c)] = GaussianNoise(seed, static_cast<std::uint64_t>(c));
    order_used_[1] = true;
}

void WaveformGenerator::check_index(int index) const {
    if (index < 0 || index >= wave_channels) throw_out_of_range("waveform channel index", index, "0-20 (Va, Vb, Vc, I1..I18)");
}

const ChannelWave& WaveformGenerator::wave(int index) const {
    check_index(index);
    return waves_[static_cast<std::size_t>(index)];
}

void WaveformGenerator::store(int index, ChannelWave w, const std::string& what) {
    check_finite(what + " rms", w.rms, true);
    check_finite(what + " angle", w.angle_deg, false);
    check_finite(what + " dc", w.dc, false);
    check_finite(what + " noise rms", w.noise_rms, true);
    for (const auto& h : w.harmonics) {
        if (h.order < 2 || h.order > max_order) throw_out_of_range(what + " harmonic order", h.order, "2-63");
        check_finite(what + " harmonic " + std::to_string(h.order) + " percent", h.percent, true);
        check_finite(what + " harmonic " + std::to_string(h.order) + " angle", h.angle_deg, false);
    }
    const auto i = static_cast<std::size_t>(index);
    phasors_[i] = phasors_of(w);
    waves_[i] = std::move(w);
    order_used_.fill(false);
    order_used_[1] = true;
    for (const auto& x : phasors_)
        for (std::size_t h = 2; h <= max_order; ++h)
            if (x[h] != 0.0) order_used_[h] = true;
    ++revision_;
    if (on_change_) on_change_();
}

void WaveformGenerator::set_voltage(int phase, ChannelWave w) {
    if (phase < 0 || phase > 2) throw_out_of_range("voltage phase", phase, "0-2 (Va, Vb, Vc)");
    store(phase, std::move(w), "voltage phase " + std::to_string(phase));
}

void WaveformGenerator::set_current(int channel, ChannelWave w) {
    if (channel < 0 || channel > 17) throw_out_of_range("current channel index", channel, "0-17 (input channels 1-18)");
    store(3 + channel, std::move(w), "current channel index " + std::to_string(channel));
}

void WaveformGenerator::set_frequency(double hz, hal::Time at) {
    plan_.set(hz, at);
    ++revision_;
    if (on_change_) on_change_();
}

void WaveformGenerator::ramp_frequency(double to_hz, double hz_per_s, hal::Time from) {
    plan_.ramp(to_hz, hz_per_s, from);
    ++revision_;
    if (on_change_) on_change_();
}

// sin_[h][n], cos_[h][n] = sin, cos of h·Φ(t0 + n·dt) for every order in use. The fundamental
// comes from the closed-form phase: by a rotating phasor re-anchored every 64 samples when the
// frequency is constant, by one sin/cos per sample during a ramp. Higher orders are powers of it.
void WaveformGenerator::build_tables(hal::Time t0, double dt_s, std::size_t n) {
    int top = 1;
    for (int h = 1; h <= max_order; ++h) {
        if (!order_used_[static_cast<std::size_t>(h)]) continue;
        top = h;
        sin_[static_cast<std::size_t>(h)].resize(n);
        cos_[static_cast<std::size_t>(h)].resize(n);
    }
    auto& s1 = sin_[1];
    auto& c1 = cos_[1];
    const double frac0 = plan_.cycles_at(t0).fraction;
    const hal::Time t_end = t0 + hal::from_seconds(dt_s * static_cast<double>(n));
    if (plan_.constant_between(t0, t_end)) {
        const double cycles_per_sample = plan_.frequency_at(t0) * dt_s;
        const std::complex<double> step = std::polar(1.0, two_pi * cycles_per_sample);
        std::complex<double> z;
        for (std::size_t i = 0; i < n; ++i) {
            if (i % anchor_every == 0) {
                const double c = frac0 + cycles_per_sample * static_cast<double>(i);
                z = std::polar(1.0, two_pi * (c - std::floor(c)));
            }
            s1[i] = z.imag();
            c1[i] = z.real();
            z *= step;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            const double c = frac0 + plan_.cycles_between(t0, dt_s * static_cast<double>(i));
            const double theta = two_pi * (c - std::floor(c));
            s1[i] = std::sin(theta);
            c1[i] = std::cos(theta);
        }
    }
    if (top == 1) return;
    for (std::size_t i = 0; i < n; ++i) {
        const double zr = c1[i], zi = s1[i];
        double wr = zr, wi = zi;
        for (std::size_t h = 2; h <= static_cast<std::size_t>(top); ++h) {
            const double r = wr * zr - wi * zi;
            wi = wr * zi + wi * zr;
            wr = r;
            if (order_used_[h]) {
                cos_[h][i] = wr;
                sin_[h][i] = wi;
            }
        }
    }
}

void WaveformGenerator::sample(hal::Time t0, double dt_s, int count, SampleBlock& out, const ChannelSkew& skew) {
    if (!(dt_s > 0 && dt_s < 1)) throw_out_of_range("sample interval", dt_s, "more than 0, less than 1 s");
    if (count < 0) throw_out_of_range("sample count", count, "0 or more");
    for (double e : skew)
        if (!(std::abs(e) < 1e-3)) throw_out_of_range("channel skew", e, "less than 1 ms either way");
    const auto n = static_cast<std::size_t>(count);
    build_tables(t0, dt_s, n);
    // A skew ε advances order h by h·2π·f·ε; f is taken at t0 (a ramp changes f by rate·window
    // seconds, which moves a µs skew's phase by ~1e-9 rad).
    const double f0 = plan_.frequency_at(t0);
    struct Term {
        double a, b;  // √2·|X|·sin(hΦ + ψ) = Im(A·e^{jhΦ}) = A.re·sin hΦ + A.im·cos hΦ
        const double *sin, *cos;
    };
    std::array<Term, max_order> terms;
    for (std::size_t c = 0; c < wave_channels; ++c) {
        const auto& x = phasors_[c];
        std::size_t k = 0;
        const double skew_rad = two_pi * f0 * skew[c];
        for (std::size_t h = 1; h <= max_order; ++h) {
            if (x[h] == 0.0) continue;
            const auto a = std::sqrt(2.0) * x[h] * std::polar(1.0, static_cast<double>(h) * skew_rad);
            terms[k++] = {a.real(), a.imag(), sin_[h].data(), cos_[h].data()};
        }
        auto& y = out.x[c];
        y.resize(n);
        const double dc = x[0].real();
        // Four samples at a time, summing every order in registers: y is written once.
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4) {
            double y0 = dc, y1 = dc, y2 = dc, y3 = dc;
            for (std::size_t t = 0; t < k; ++t) {
                const Term& u = terms[t];
                y0 += u.a * u.sin[i] + u.b * u.cos[i];
                y1 += u.a * u.sin[i + 1] + u.b * u.cos[i + 1];
                y2 += u.a * u.sin[i + 2] + u.b * u.cos[i + 2];
                y3 += u.a * u.sin[i + 3] + u.b * u.cos[i + 3];
            }
            y[i] = y0;
            y[i + 1] = y1;
            y[i + 2] = y2;
            y[i + 3] = y3;
        }
        for (; i < n; ++i) {
            double v = dc;
            for (std::size_t t = 0; t < k; ++t) v += terms[t].a * terms[t].sin[i] + terms[t].b * terms[t].cos[i];
            y[i] = v;
        }
        const double sigma = waves_[c].noise_rms;
        if (sigma > 0)
            for (std::size_t j = 0; j < n; ++j) y[j] += sigma * noise_[c].next();
    }
}

Phasors WaveformGenerator::phasors(int index) const {
    check_index(index);
    return phasors_[static_cast<std::size_t>(index)];
}

ChannelTruth WaveformGenerator::truth(int index) const {
    check_index(index);
    const auto i = static_cast<std::size_t>(index);
    return channel_truth(phasors_[i], waves_[i].noise_rms);
}

ChannelTruth WaveformGenerator::line_truth(int a, int b) const {
    if (a < 0 || a > 2) throw_out_of_range("line voltage phase", a, "0-2");
    if (b < 0 || b > 2) throw_out_of_range("line voltage phase", b, "0-2");
    const auto ia = static_cast<std::size_t>(a), ib = static_cast<std::size_t>(b);
    return channel_truth(phasors_[ia] - phasors_[ib], std::hypot(waves_[ia].noise_rms, waves_[ib].noise_rms));
}

ElementTruth WaveformGenerator::element_truth(int v_plus, int v_minus, int current_channel) const {
    if (v_plus < 0 || v_plus > 2) throw_out_of_range("element voltage phase", v_plus, "0-2");
    if (v_minus < -1 || v_minus > 2 || v_minus == v_plus) throw_out_of_range("element voltage minus", v_minus, "-1 (neutral) or another phase 0-2");
    if (current_channel < 0 || current_channel > 17) throw_out_of_range("current channel index", current_channel, "0-17");
    const auto& vp = phasors_[static_cast<std::size_t>(v_plus)];
    const Phasors v = v_minus < 0 ? vp : vp - phasors_[static_cast<std::size_t>(v_minus)];
    return sim::element_truth(v, phasors_[static_cast<std::size_t>(3 + current_channel)]);
}

}  // namespace sim
