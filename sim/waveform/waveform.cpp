#include "waveform/waveform.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace sim {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double deg = pi / 180.0;

std::string range_error(const std::string& field, double v, const std::string& range) {
    return field + " " + std::to_string(v) + " is out of range: " + range;
}

// Absolute RMS phasor of order h of a wave (h >= 1).
std::complex<double> wave_phasor(const ChannelWave& w, int h) {
    if (h == 1) return std::polar(w.rms, w.angle_deg * deg);
    std::complex<double> sum;
    for (const auto& hm : w.harmonics)
        if (hm.order == h) sum += std::polar(w.rms * hm.percent / 100.0, (h * w.angle_deg + hm.angle_deg) * deg);
    return sum;
}

}  // namespace

WaveformGenerator::WaveformGenerator(std::uint64_t seed) {
    for (int i = 0; i < wave_channels; ++i) rng_[static_cast<std::size_t>(i)] = seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(i) * 0xBF58476D1CE4E5B9ULL + 1;
}

void WaveformGenerator::check_wave(const ChannelWave& w, const char* what) const {
    if (!(w.rms >= 0)) throw std::invalid_argument(range_error(std::string(what) + " rms", w.rms, ">= 0"));
    if (!(w.noise_rms >= 0)) throw std::invalid_argument(range_error(std::string(what) + " noise", w.noise_rms, ">= 0"));
    for (const auto& h : w.harmonics) {
        if (h.order < 2 || h.order > max_order) throw std::invalid_argument(range_error(std::string(what) + " harmonic order", h.order, "2-63"));
        if (!(h.percent >= 0)) throw std::invalid_argument(range_error(std::string(what) + " harmonic percent", h.percent, ">= 0"));
    }
}

void WaveformGenerator::set_voltage(int phase, ChannelWave w) {
    if (phase < 0 || phase > 2) throw std::invalid_argument(range_error("voltage phase", phase, "0-2"));
    check_wave(w, "voltage");
    waves_[static_cast<std::size_t>(phase)] = std::move(w);
    ++revision_;
}

void WaveformGenerator::set_current(int channel, ChannelWave w) {
    if (channel < 0 || channel > 17) throw std::invalid_argument(range_error("current channel", channel, "0-17"));
    check_wave(w, "current");
    waves_[static_cast<std::size_t>(3 + channel)] = std::move(w);
    ++revision_;
}

void WaveformGenerator::set_frequency(double hz, hal::Time at) {
    if (!(hz >= 40 && hz <= 70)) throw std::invalid_argument(range_error("frequency", hz, "40-70 Hz"));
    const double c = revision_ == 0 && ref_ == hal::Time{} ? 0.0 : cycles_at(at);
    ref_ = at;
    ref_cycles_ = c;
    f0_ = f1_ = hz;
    ramp_rate_ = 0;
    ramp_start_ = at;
    ++revision_;
}

void WaveformGenerator::ramp_frequency(double to_hz, double hz_per_s, hal::Time from) {
    if (!(to_hz >= 40 && to_hz <= 70)) throw std::invalid_argument(range_error("frequency", to_hz, "40-70 Hz"));
    if (!(hz_per_s > 0)) throw std::invalid_argument(range_error("frequency ramp rate", hz_per_s, "> 0 Hz/s"));
    const double f_now = frequency_at(from);
    set_frequency(f_now, from);
    f1_ = to_hz;
    ramp_rate_ = to_hz >= f_now ? hz_per_s : -hz_per_s;
}

double WaveformGenerator::frequency_at(hal::Time t) const {
    if (ramp_rate_ == 0 || t <= ramp_start_) return f0_;
    const double f = f0_ + ramp_rate_ * hal::to_seconds(t - ramp_start_);
    return ramp_rate_ > 0 ? std::min(f, f1_) : std::max(f, f1_);
}

double WaveformGenerator::cycles_at(hal::Time t) const {
    const double dt = hal::to_seconds(t - ref_);
    if (ramp_rate_ == 0) return ref_cycles_ + f0_ * dt;
    const double ramp_len = (f1_ - f0_) / ramp_rate_;
    if (dt <= ramp_len) return ref_cycles_ + f0_ * dt + 0.5 * ramp_rate_ * dt * dt;
    return ref_cycles_ + f0_ * ramp_len + 0.5 * ramp_rate_ * ramp_len * ramp_len + f1_ * (dt - ramp_len);
}

bool WaveformGenerator::stationary(hal::Time from, hal::Time to) const {
    return frequency_at(from) == frequency_at(to);
}

std::uint64_t WaveformGenerator::next_random(int channel) {
    auto& s = rng_[static_cast<std::size_t>(channel)];  // splitmix64
    s += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double WaveformGenerator::gaussian(int channel) {
    const auto c = static_cast<std::size_t>(channel);
    if (has_spare_[c]) {
        has_spare_[c] = false;
        return spare_[c];
    }
    const double u1 = (static_cast<double>(next_random(channel) >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(next_random(channel) >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_[c] = r * std::sin(2 * pi * u2);
    has_spare_[c] = true;
    return r * std::cos(2 * pi * u2);
}

void WaveformGenerator::sample(hal::Time t0, double dt_s, int count, SampleBlock& out) {
    const auto n = static_cast<std::size_t>(count);
    // Which orders are in use anywhere: their sin/cos tables are shared by every channel.
    std::array<bool, max_order + 1> used{};
    used[1] = true;
    for (const auto& w : waves_)
        for (const auto& h : w.harmonics) used[static_cast<std::size_t>(h.order)] = true;
    const hal::Time t_end = t0 + hal::from_seconds(dt_s * count);
    const bool steady = stationary(t0, t_end);
    std::vector<double> theta(n);  // fundamental phase (rad) at each sample, relative to a whole cycle
    const double c0 = cycles_at(t0);
    const double c0_frac = c0 - std::floor(c0);
    for (std::size_t i = 0; i < n; ++i) {
        if (steady)
            theta[i] = 2 * pi * (c0_frac + frequency_at(t0) * dt_s * static_cast<double>(i));
        else
            theta[i] = 2 * pi * (cycles_at(t0 + hal::from_seconds(dt_s * static_cast<double>(i))) - std::floor(c0));
    }
    std::array<std::vector<double>, max_order + 1> sn, cs;
    for (int h = 1; h <= max_order; ++h) {
        if (!used[static_cast<std::size_t>(h)]) continue;
        auto& s = sn[static_cast<std::size_t>(h)];
        auto& c = cs[static_cast<std::size_t>(h)];
        s.resize(n);
        c.resize(n);
        if (steady) {
            // Rotate a phasor sample by sample; re-anchored every 256 samples to keep it exact.
            const std::complex<double> step = std::polar(1.0, h * (theta.size() > 1 ? theta[1] - theta[0] : 0.0));
            std::complex<double> z;
            for (std::size_t i = 0; i < n; ++i) {
                if (i % 256 == 0) z = std::polar(1.0, h * theta[i]);
                s[i] = z.imag();
                c[i] = z.real();
                z *= step;
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                s[i] = std::sin(h * theta[i]);
                c[i] = std::cos(h * theta[i]);
            }
        }
    }
    for (int ch = 0; ch < wave_channels; ++ch) {
        const auto& w = waves_[static_cast<std::size_t>(ch)];
        auto& x = out.x[static_cast<std::size_t>(ch)];
        x.assign(n, w.dc);
        auto add = [&](int h, double rms, double angle_rad) {
            if (rms == 0) return;
            const double a = std::sqrt(2.0) * rms * std::cos(angle_rad), b = std::sqrt(2.0) * rms * std::sin(angle_rad);
            const auto& s = sn[static_cast<std::size_t>(h)];
            const auto& c = cs[static_cast<std::size_t>(h)];
            for (std::size_t i = 0; i < n; ++i) x[i] += a * s[i] + b * c[i];  // √2·X·sin(hθ + ψ)
        };
        add(1, w.rms, w.angle_deg * deg);
        for (const auto& h : w.harmonics) add(h.order, w.rms * h.percent / 100.0, (h.order * w.angle_deg + h.angle_deg) * deg);
        if (w.noise_rms > 0)
            for (std::size_t i = 0; i < n; ++i) x[i] += w.noise_rms * gaussian(ch);
    }
}

std::complex<double> WaveformGenerator::phasor(int index, int order) const {
    const auto& w = waves_.at(static_cast<std::size_t>(index));
    if (order == 0) return w.dc;
    return wave_phasor(w, order);
}

ChannelTruth WaveformGenerator::truth(int index) const {
    const auto& w = waves_.at(static_cast<std::size_t>(index));
    ChannelTruth t;
    double sq = w.dc * w.dc, harm_sq = 0;
    for (int h = 1; h <= max_order; ++h) {
        const double r = std::abs(wave_phasor(w, h));
        t.harmonic_rms[static_cast<std::size_t>(h)] = r;
        sq += r * r;
        if (h >= 2) harm_sq += r * r;
    }
    t.rms = std::sqrt(sq);
    t.noise_rms = w.noise_rms;
    t.fundamental = wave_phasor(w, 1);
    t.thd = w.rms > 0 ? std::sqrt(harm_sq) / w.rms : 0;
    return t;
}

double WaveformGenerator::line_rms(int a, int b) const {
    const double dc = waves_.at(static_cast<std::size_t>(a)).dc - waves_.at(static_cast<std::size_t>(b)).dc;
    double sq = dc * dc;
    for (int h = 1; h <= max_order; ++h) sq += std::norm(phasor(a, h) - phasor(b, h));
    return std::sqrt(sq);
}

ElementTruth WaveformGenerator::element_truth(int v_plus, int v_minus, int current_channel) const {
    const int ic = 3 + current_channel;
    auto v = [&](int h) { return v_minus < 0 ? phasor(v_plus, h) : phasor(v_plus, h) - phasor(v_minus, h); };
    ElementTruth e;
    const double v_dc = v(0).real(), i_dc = phasor(ic, 0).real();
    e.p = v_dc * i_dc;
    for (int h = 1; h <= max_order; ++h) {
        const auto vi = v(h) * std::conj(phasor(ic, h));
        e.p += vi.real();
        e.qb += vi.imag();
        if (h == 1) {
            e.p1 = vi.real();
            e.q1 = vi.imag();
            e.s1 = std::abs(vi);
        }
    }
    const double vrms = v_minus < 0 ? truth(v_plus).rms : line_rms(v_plus, v_minus);
    e.s = vrms * truth(ic).rms;
    e.n = std::sqrt(std::max(0.0, e.s * e.s - e.p * e.p));
    e.pf = e.s > 0 ? e.p / e.s : 1.0;
    return e;
}

}  // namespace sim
