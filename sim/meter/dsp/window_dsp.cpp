#include "meter/dsp/window_dsp.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "waveform/range_error.hpp"

namespace sim::meter {

namespace {

// Sums run over four interleaved accumulators: one chain of dependent additions would cost an
// add latency per sample. n is a multiple of 4 (whole cycles of N ≥ 32 samples).
double dot(const double* a, const double* b, std::size_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i < n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    return (s0 + s1) + (s2 + s3);
}

// Σ (a − b)·c and Σ (a − b)²: a line-to-line element's power and voltage square sum.
std::pair<double, double> difference_dot(const double* a, const double* b, const double* c, std::size_t n) {
    double p0 = 0, p1 = 0, q0 = 0, q1 = 0;
    for (std::size_t i = 0; i < n; i += 2) {
        const double d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1];
        p0 += d0 * c[i];
        p1 += d1 * c[i + 1];
        q0 += d0 * d0;
        q1 += d1 * d1;
    }
    return {p0 + p1, q0 + q1};
}

double peak_of(const double* a, std::size_t n) {
    double m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    for (std::size_t i = 0; i < n; i += 4) {
        m0 = std::max(m0, std::abs(a[i]));
        m1 = std::max(m1, std::abs(a[i + 1]));
        m2 = std::max(m2, std::abs(a[i + 2]));
        m3 = std::max(m3, std::abs(a[i + 3]));
    }
    return std::max(std::max(m0, m1), std::max(m2, m3));
}

int checked_samples_per_cycle(int n) {
    if (n < 32 || n > 1024 || (n & (n - 1)) != 0) throw_out_of_range("samples per cycle", n, "a power of two, 32-1024");
    return n;
}

}  // namespace

WindowDsp::WindowDsp(int samples_per_cycle)
    : n_(checked_samples_per_cycle(samples_per_cycle)),
      fft_(n_),
      cycle_(static_cast<std::size_t>(wave_channels * n_)),
      work_(static_cast<std::size_t>(n_)) {}

// RMS, DC and peak of the raw samples; the K cycles summed sample by sample into `cycle`.
void WindowDsp::moments(const std::vector<double>& x, Spectrum& out, double* cycle) {
    const auto n = static_cast<std::size_t>(n_);
    std::copy(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n), cycle);
    for (std::size_t start = n; start < x.size(); start += n) {
        const double* v = x.data() + start;
        for (std::size_t i = 0; i < n; ++i) cycle[i] += v[i];
    }
    double sum = 0;  // of all samples = of the summed cycle
    for (std::size_t i = 0; i < n; ++i) sum += cycle[i];
    const auto count = static_cast<double>(x.size());
    out.rms = std::sqrt(dot(x.data(), x.data(), x.size()) / count);
    out.dc = sum / count;
    out.peak = peak_of(x.data(), x.size());
}

// Channels a and b (b < 0: none) through one complex FFT as a + j·b, then separated:
// A_k = (Z_k + conj Z_{N−k})/2, B_k = (Z_k − conj Z_{N−k})/(2j). Bin h of the summed cycle of
// √2·X·sin(hθ + ψ) is −j·K·N·X·e^{jψ}/√2, hence X·e^{jψ} = j·A_h·√2/(K·N).
void WindowDsp::transform_pair(int a, int b, int cycles, std::array<Spectrum*, wave_channels>& spectra) {
    const auto n = static_cast<std::size_t>(n_);
    const double* ca = cycle_.data() + static_cast<std::size_t>(a) * n;
    const double* cb = b >= 0 ? cycle_.data() + static_cast<std::size_t>(b) * n : nullptr;
    for (std::size_t i = 0; i < n; ++i) work_[i] = {ca[i], cb ? cb[i] : 0.0};
    fft_.forward(work_.data());
    const double scale = std::sqrt(2.0) / (static_cast<double>(n) * cycles);
    const int top = std::min(max_harmonic, n_ / 2 - 1);
    auto& pa = phasors_[static_cast<std::size_t>(a)];
    auto* pb = b >= 0 ? &phasors_[static_cast<std::size_t>(b)] : nullptr;
    for (int h = 1; h <= max_harmonic; ++h) {
        const auto hu = static_cast<std::size_t>(h);
        if (h > top) {
            pa[hu] = 0;
            if (pb) (*pb)[hu] = 0;
            continue;
        }
        const auto z = work_[hu];
        const auto zc = std::conj(work_[n - hu]);
        // j·(z + zc)/2 and j·(z − zc)/(2j) = (z − zc)/2, both times the scale.
        const auto sum = z + zc, diff = z - zc;
        pa[hu] = {-0.5 * scale * sum.imag(), 0.5 * scale * sum.real()};
        if (pb) (*pb)[hu] = {0.5 * scale * diff.real(), 0.5 * scale * diff.imag()};
    }
    for (int c : {a, b}) {
        if (c < 0) continue;
        auto& sp = *spectra[static_cast<std::size_t>(c)];
        const auto& ph = phasors_[static_cast<std::size_t>(c)];
        sp.fundamental = ph[1];
        sp.harmonic_rms[0] = 0;
        for (std::size_t h = 1; h < ph.size(); ++h) sp.harmonic_rms[h] = std::sqrt(std::norm(ph[h]));
    }
}

// Positive-going crossings of the window mean, linearly interpolated. A crossing counts only
// after the signal has been below −10 % of its peak deviation since the previous one, so a
// harmonic or noise wiggle near zero cannot add crossings.
double WindowDsp::crossing_frequency(const std::vector<double>& v, double dt_s) const {
    double mean = 0, peak = 0;
    for (double s : v) mean += s;
    mean /= static_cast<double>(v.size());
    for (double s : v) peak = std::max(peak, std::abs(s - mean));
    const double arm_below = -0.1 * peak;
    bool armed = false;
    double first = 0, last = 0;
    int crossings = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
        const double a = v[i - 1] - mean, b = v[i] - mean;
        if (a < arm_below) armed = true;
        if (armed && a < 0 && b >= 0) {
            const double t = (static_cast<double>(i - 1) + a / (a - b)) * dt_s;
            if (crossings == 0) first = t;
            last = t;
            ++crossings;
            armed = false;
        }
    }
    return crossings >= 2 && last > first ? (crossings - 1) / (last - first) : 0.0;
}

void WindowDsp::process(const SampleBlock& x, int cycles, double dt_s, const std::array<ElementVoltage, current_inputs>& elements,
                        const FrequencySource& source, WindowMeasurement& out) {
    const std::size_t count = static_cast<std::size_t>(cycles) * static_cast<std::size_t>(n_);
    if (cycles < 1) throw_out_of_range("window cycles", cycles, "1 or more");
    for (const auto& ch : x.x)
        if (ch.size() != count)
            throw std::invalid_argument("window channel holds " + std::to_string(ch.size()) + " samples, expected cycles x N = " +
                                        std::to_string(count));
    out.cycles = cycles;
    std::array<Spectrum*, wave_channels> spectra{};
    for (std::size_t c = 0; c < wave_channels; ++c) {
        spectra[c] = c < 3 ? &out.voltage[c] : &out.current[c - 3];
        moments(x.x[c], *spectra[c], cycle_.data() + c * static_cast<std::size_t>(n_));
    }
    for (int c = 0; c < wave_channels; c += 2) transform_pair(c, c + 1 < wave_channels ? c + 1 : -1, cycles, spectra);

    const double inv = 1.0 / static_cast<double>(count);
    for (std::size_t p = 0; p < 3; ++p) {
        const double* a = x.x[p].data();
        const double* b = x.x[(p + 1) % 3].data();
        out.v_ll[p] = std::sqrt(difference_dot(a, b, a, count).second * inv);
    }

    for (std::size_t ch = 0; ch < current_inputs; ++ch) {
        const auto& ev = elements[ch];
        const auto plus = static_cast<std::size_t>(ev.plus);
        const double* vp = x.x[plus].data();
        const double* cur = x.x[3 + ch].data();
        double p = 0, vrms = 0;
        HarmonicPhasors v = phasors_[plus];
        if (ev.minus < 0) {
            p = dot(vp, cur, count);
            vrms = out.voltage[plus].rms;
        } else {
            const auto minus = static_cast<std::size_t>(ev.minus);
            const auto [pd, vsq] = difference_dot(vp, x.x[minus].data(), cur, count);
            p = pd;
            vrms = std::sqrt(vsq * inv);
            for (std::size_t h = 1; h < v.size(); ++h) v[h] -= phasors_[minus][h];
        }
        auto& e = out.element[ch];
        e.p = p * inv;
        e.qb = 0;
        const auto& ip = phasors_[3 + ch];
        for (std::size_t h = 1; h < v.size(); ++h) e.qb += v[h].imag() * ip[h].real() - v[h].real() * ip[h].imag();  // Im(V·conj I)
        const auto vi1 = v[1] * std::conj(ip[1]);
        e.p1 = vi1.real();
        e.q1 = vi1.imag();
        e.s1 = std::sqrt(std::norm(vi1));
        e.s = vrms * out.current[ch].rms;
    }

    out.frequency = source.nominal;
    for (std::size_t p = 0; p < 3; ++p) {
        if (!(out.voltage[p].rms >= source.present_rms)) continue;
        const double f = crossing_frequency(x.x[p], dt_s);
        if (f > 0) {
            out.frequency = f;
            break;
        }
    }
}

}  // namespace sim::meter
