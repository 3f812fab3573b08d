#include "meter/dsp/window_dsp.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace sim::meter {

namespace {
constexpr double pi = 3.14159265358979323846;
}

WindowDsp::WindowDsp(int samples_per_cycle) : n_(samples_per_cycle) {
    if (n_ < 32 || n_ > 1024 || (n_ & (n_ - 1)) != 0)
        throw std::invalid_argument("samples per cycle " + std::to_string(n_) + " is out of range: a power of two, 32-1024");
    twiddle_.resize(static_cast<std::size_t>(n_ / 2));
    for (int k = 0; k < n_ / 2; ++k) twiddle_[static_cast<std::size_t>(k)] = std::polar(1.0, -2 * pi * k / n_);
    work_.resize(static_cast<std::size_t>(n_));
}

void WindowDsp::spectrum(const std::vector<double>& x, int cycles, Spectrum& out,
                         std::array<std::complex<double>, max_harmonic + 1>& phasors) {
    const auto n = static_cast<std::size_t>(n_);
    double sum = 0, sq = 0, peak = 0;
    for (auto& w : work_) w = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x[i];
        sum += v;
        sq += v * v;
        peak = std::max(peak, std::abs(v));
        work_[i & (n - 1)] += v;
    }
    const double count = static_cast<double>(x.size());
    out.rms = std::sqrt(sq / count);
    out.dc = sum / count;
    out.peak = peak;
    // In-place iterative radix-2 FFT of the averaged cycle.
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(work_[i], work_[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t step = n / len;
        for (std::size_t i = 0; i < n; i += len)
            for (std::size_t k = 0; k < len / 2; ++k) {
                const auto t = work_[i + k + len / 2] * twiddle_[k * step];
                work_[i + k + len / 2] = work_[i + k] - t;
                work_[i + k] += t;
            }
    }
    // Bin h of the averaged cycle, scaled to an RMS phasor with the sine reference.
    const double scale = std::sqrt(2.0) / (static_cast<double>(n) * cycles);
    const int top = std::min(max_harmonic, n_ / 2 - 1);
    for (int h = 1; h <= max_harmonic; ++h) {
        const auto hp = static_cast<std::size_t>(h);
        phasors[hp] = h <= top ? std::complex<double>(0, 1) * work_[hp] * scale : std::complex<double>();
        out.harmonic_rms[hp] = std::abs(phasors[hp]);
    }
    out.fundamental = phasors[1];
}

double WindowDsp::frequency(const std::vector<double>& v, double dt_s) const {
    // Positive-going crossings of the mean, linearly interpolated; a crossing counts only after
    // the signal has been below −10 % of its peak, so harmonics cannot add crossings.
    double mean = 0, peak = 0;
    for (double s : v) mean += s;
    mean /= static_cast<double>(v.size());
    for (double s : v) peak = std::max(peak, std::abs(s - mean));
    const double arm = -0.1 * peak;
    bool armed = false;
    double first = -1, last = -1;
    int crossings = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
        const double a = v[i - 1] - mean, b = v[i] - mean;
        if (a < arm) armed = true;
        if (armed && a < 0 && b >= 0) {
            const double t = (static_cast<double>(i - 1) + a / (a - b)) * dt_s;
            if (first < 0) first = t;
            last = t;
            ++crossings;
            armed = false;
        }
    }
    if (crossings < 2) return 0;
    return (crossings - 1) / (last - first);
}

void WindowDsp::process(const std::array<std::vector<double>, 21>& x, int cycles, double dt_s,
                        const std::array<ElementVoltage, current_inputs>& elements, double fallback_frequency,
                        WindowMeasurement& out) {
    out.cycles = cycles;
    for (int c = 0; c < 21; ++c) {
        auto& sp = c < 3 ? out.voltage[static_cast<std::size_t>(c)] : out.current[static_cast<std::size_t>(c - 3)];
        spectrum(x[static_cast<std::size_t>(c)], cycles, sp, phasors_[static_cast<std::size_t>(c)]);
    }
    const std::size_t count = x[0].size();
    for (int p = 0; p < 3; ++p) {
        const auto& a = x[static_cast<std::size_t>(p)];
        const auto& b = x[static_cast<std::size_t>((p + 1) % 3)];
        double sq = 0;
        for (std::size_t i = 0; i < count; ++i) sq += (a[i] - b[i]) * (a[i] - b[i]);
        out.v_ll[static_cast<std::size_t>(p)] = std::sqrt(sq / static_cast<double>(count));
    }
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto c = static_cast<std::size_t>(ch);
        const auto& ev = elements[c];
        const auto& vp = x[static_cast<std::size_t>(ev.plus)];
        const auto& cur = x[3 + c];
        double p = 0, vsq = 0;
        if (ev.minus < 0) {
            for (std::size_t i = 0; i < count; ++i) p += vp[i] * cur[i];
            vsq = out.voltage[static_cast<std::size_t>(ev.plus)].rms;
            vsq *= vsq;
        } else {
            const auto& vm = x[static_cast<std::size_t>(ev.minus)];
            for (std::size_t i = 0; i < count; ++i) {
                const double v = vp[i] - vm[i];
                p += v * cur[i];
                vsq += v * v;
            }
            vsq /= static_cast<double>(count);
        }
        auto& e = out.element[c];
        e.p = p / static_cast<double>(count);
        e.qb = 0;
        for (int h = 1; h <= max_harmonic; ++h) {
            const auto hp = static_cast<std::size_t>(h);
            auto v = phasors_[static_cast<std::size_t>(ev.plus)][hp];
            if (ev.minus >= 0) v -= phasors_[static_cast<std::size_t>(ev.minus)][hp];
            const auto vi = v * std::conj(phasors_[3 + c][hp]);
            e.qb += vi.imag();
            if (h == 1) {
                e.q1 = vi.imag();
                e.s1 = std::abs(vi);
            }
        }
        e.s = std::sqrt(vsq) * out.current[c].rms;
    }
    double f = 0;
    for (int p = 0; p < 3 && f == 0; ++p)
        if (out.voltage[static_cast<std::size_t>(p)].rms > 1.0) f = frequency(x[static_cast<std::size_t>(p)], dt_s);
    out.frequency = f > 0 ? f : fallback_frequency;
}

}  // namespace sim::meter
