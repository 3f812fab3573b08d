#include "meter/power_quality.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "acurev/board_map.hpp"

namespace sim::meter {

namespace {

using Phasor = std::complex<double>;

// ITU-T Recommendation O.41 (10/94), "Psophometer for use on telephone-type circuits",
// Table 1: relative weight in dB, 0 dB at the 800 Hz reference. Transcribed from the two
// public copies in VK2ZJ/VK2ZJ_SINAD_Meter (dsp.py, "as per ITU-T O.41") and a SINAD script
// ("Recommendation ITU-T O.41, Red Book 1994"), which agree point for point.
struct WeightPoint {
    double hz;
    double db;
};
constexpr std::array<WeightPoint, 24> o41_table{{
    {16.66, -85.0}, {50, -63.0},   {100, -41.0},  {200, -21.0},  {300, -10.6},  {400, -6.3},
    {500, -3.6},    {600, -2.0},   {700, -0.9},   {800, 0.0},    {900, 0.6},    {1000, 1.0},
    {1200, 0.0},    {1400, -0.9},  {1600, -1.7},  {1800, -2.4},  {2000, -3.0},  {2500, -4.2},
    {3000, -5.6},   {3500, -8.5},  {4000, -15.0}, {4500, -25.0}, {5000, -36.0}, {6000, -43.0},
}};

constexpr double thff_top_hz = 5000.0;  // IEC 60034-1 sums harmonics up to 5 kHz

double harmonic(const Spectrum& s, int h) { return s.harmonic_rms[static_cast<std::size_t>(h)]; }

bool is_present(const Spectrum& s, double threshold) { return harmonic(s, 1) > 0 && harmonic(s, 1) >= threshold; }

// For a present signal (X_1 > 0).
HarmonicContent harmonic_content(const Spectrum& s) {
    HarmonicContent c;
    const double x1 = harmonic(s, 1);
    double odd = 0, even = 0;
    for (int h = pq_first_order; h <= pq_last_order; ++h) {
        const double r = harmonic(s, h) / x1;
        c.harmonic_pct[static_cast<std::size_t>(h)] = 100 * r;
        (h % 2 ? odd : even) += r * r;
    }
    c.thd_pct = 100 * std::sqrt(odd + even);
    c.odd_thd_pct = 100 * std::sqrt(odd);
    c.even_thd_pct = 100 * std::sqrt(even);
    return c;
}

double k_factor(const Spectrum& s) {
    double weighted = 0, total = 0;
    for (int h = 1; h <= pq_last_order; ++h) {
        const double x2 = harmonic(s, h) * harmonic(s, h);
        weighted += h * h * x2;
        total += x2;
    }
    return total > 0 ? weighted / total : 0;
}

// λ_h for every order at the fundamental f1; the weights take pow/log, so the table is kept
// until the frequency changes (every window of a steady supply has the same one).
const std::array<double, max_harmonic + 1>& thff_weights(double f1) {
    thread_local double table_f1 = -1;
    thread_local std::array<double, max_harmonic + 1> table{};
    if (f1 != table_f1) {
        for (int h = 1; h <= max_harmonic; ++h)
            table[static_cast<std::size_t>(h)] = h * f1 <= thff_top_hz ? thff_weight(h * f1) : 0.0;
        table_f1 = f1;
    }
    return table;
}

double thff_pct(const Spectrum& s, double f1) {
    if (s.rms <= 0 || !(f1 > 0)) return 0;
    const auto& weight = thff_weights(f1);
    double sum = 0;
    for (int h = 1; h <= max_harmonic && h * f1 <= thff_top_hz; ++h) {
        const double weighted = weight[static_cast<std::size_t>(h)] * harmonic(s, h);
        sum += weighted * weighted;
    }
    return 100 * std::sqrt(sum) / s.rms;
}

// The unbalance rule of the header: 3 → |X2|/|X1|, 2 → NEMA form, otherwise 0.
double unbalance_pct(const std::vector<Phasor>& x, double threshold) {
    if (x.size() == 3) {
        const Phasor a = std::polar(1.0, 2 * std::numbers::pi / 3);
        const Phasor positive = (x[0] + a * x[1] + a * a * x[2]) / 3.0;
        const Phasor negative = (x[0] + a * a * x[1] + a * x[2]) / 3.0;
        const double reference = std::abs(positive);
        return reference > 0 && reference >= threshold ? 100 * std::abs(negative) / reference : 0;
    }
    if (x.size() == 2) {
        const double m0 = std::abs(x[0]), m1 = std::abs(x[1]);
        const double average = (m0 + m1) / 2;
        return average > 0 && average >= threshold ? 100 * std::abs(m0 - average) / average : 0;
    }
    return 0;
}

double angle_from(const Phasor& x, const Phasor& reference) {
    double deg = (std::arg(x) - std::arg(reference)) * 180 / std::numbers::pi;
    deg = std::fmod(deg, 360.0);
    if (deg < 0) deg += 360.0;
    return deg >= 360.0 ? 0.0 : deg;
}

std::uint16_t reg(double value, double per_count) {
    const double counts = std::round(value / per_count);
    if (!(counts > 0)) return 0;  // negative and NaN
    return counts >= 65535.0 ? std::uint16_t{65535} : static_cast<std::uint16_t>(counts);
}

void voltage_part(const WindowMeasurement& w, const WiringLayout& wiring, const PresenceThresholds& present_at, PowerQuality& q) {
    std::array<bool, voltage_inputs> used{};
    for (const auto& e : wiring.element) {
        used[static_cast<std::size_t>(e.plus)] = true;
        if (e.minus >= 0) used[static_cast<std::size_t>(e.minus)] = true;
    }
    std::vector<Phasor> group;
    double thd_sum = 0;
    int thd_phases = 0;
    for (std::size_t p = 0; p < voltage_inputs; ++p) {
        const auto& s = w.voltage[p];
        if (used[p]) group.push_back(s.fundamental);
        if (!is_present(s, present_at.voltage)) continue;
        auto& v = q.voltage[p];
        v.harmonics = harmonic_content(s);
        v.crest_factor = s.rms > 0 ? s.peak / s.rms : 0;
        v.thff_pct = thff_pct(s, w.frequency);
        thd_sum += v.harmonics.thd_pct;
        ++thd_phases;
    }
    q.voltage_unbalance_pct = unbalance_pct(group, present_at.voltage);
    q.thd_v_average_pct = thd_phases > 0 ? thd_sum / thd_phases : 0;
}

void current_part(const WindowMeasurement& w, const WiringLayout& wiring, const PresenceThresholds& present_at, PowerQuality& q) {
    std::array<Phasor, 3> phase_sum{};
    std::array<bool, 3> phase_used{};
    double system_threshold = 0;
    for (std::size_t c = 0; c < current_inputs; ++c) {
        const auto& s = w.current[c];
        const double threshold = present_at.current[c];
        if (is_present(s, threshold)) {
            q.current[c].harmonics = harmonic_content(s);
            q.current[c].k_factor = k_factor(s);
        }
        const auto p = static_cast<std::size_t>(wiring.phase[c]);
        phase_sum[p] += s.fundamental;
        phase_used[p] = true;
        system_threshold = std::max(system_threshold, threshold);
    }
    std::vector<Phasor> group;
    for (std::size_t p = 0; p < 3; ++p)
        if (phase_used[p]) group.push_back(phase_sum[p]);
    q.current_unbalance_pct = unbalance_pct(group, system_threshold);

    for (int n = 0; n < wiring.users && n < user_channels; ++n) {
        std::vector<Phasor> channels;
        double threshold = 0;
        for (std::size_t c = 0; c < current_inputs; ++c) {
            if (wiring.user[c] != n) continue;
            channels.push_back(w.current[c].fundamental);
            threshold = std::max(threshold, present_at.current[c]);
        }
        q.user_current_unbalance_pct[static_cast<std::size_t>(n)] = unbalance_pct(channels, threshold);
    }
}

void angle_part(const WindowMeasurement& w, const PresenceThresholds& present_at, PowerQuality& q) {
    const auto& va = w.voltage[0];
    if (!is_present(va, present_at.voltage)) return;
    for (std::size_t p = 1; p < voltage_inputs; ++p)
        if (is_present(w.voltage[p], present_at.voltage)) q.voltage_angle_deg[p] = angle_from(w.voltage[p].fundamental, va.fundamental);
    for (std::size_t c = 0; c < current_inputs; ++c)
        if (is_present(w.current[c], present_at.current[c])) q.current_angle_deg[c] = angle_from(w.current[c].fundamental, va.fundamental);
}

}  // namespace

PresenceThresholds presence_thresholds(const FrontEndConfig& front_end) {
    PresenceThresholds t;
    t.voltage = 0.01 * front_end.rated_voltage;
    for (std::size_t c = 0; c < current_inputs; ++c) t.current[c] = 0.001 * front_end.ct_primary[c];
    return t;
}

double psophometric_weight(double hz) {
    if (!(hz >= o41_table.front().hz) || hz > o41_table.back().hz) return 0;
    auto hi = std::lower_bound(o41_table.begin(), o41_table.end(), hz, [](const WeightPoint& p, double f) { return p.hz < f; });
    if (hi == o41_table.begin()) return std::pow(10.0, hi->db / 20);
    const auto lo = hi - 1;
    const double t = std::log(hz / lo->hz) / std::log(hi->hz / lo->hz);
    return std::pow(10.0, (lo->db + t * (hi->db - lo->db)) / 20);
}

double thff_weight(double hz) { return psophometric_weight(hz) * hz / 800.0; }

PowerQuality power_quality(const WindowMeasurement& w, const WiringLayout& wiring, const PresenceThresholds& present) {
    PowerQuality q;
    voltage_part(w, wiring, present, q);
    current_part(w, wiring, present, q);
    angle_part(w, present, q);
    return q;
}

void render_power_quality(const PowerQuality& q, std::vector<std::uint16_t>& pq, std::vector<std::uint16_t>& angles) {
    using namespace acurev::pq;  // offsets from 0x3200 (register map 1.6)
    constexpr double pct_01 = 0.1, pct_001 = 0.01;
    constexpr auto first = static_cast<std::size_t>(pq_first_order), last = static_cast<std::size_t>(pq_last_order);
    static_assert(orders == last - first + 1);

    pq.assign(power_quality_registers, 0);
    pq[voltage_unbalance] = reg(q.voltage_unbalance_pct, pct_01);
    for (std::size_t p = 0; p < voltage_inputs; ++p) {
        const auto& v = q.voltage[p];
        pq[thd_v + p] = reg(v.harmonics.thd_pct, pct_001);
        for (std::size_t h = first; h <= last; ++h) pq[v_harmonic(p, h)] = reg(v.harmonics.harmonic_pct[h], pct_001);
        const std::size_t at = v_extra + v_extra_stride * p;
        pq[at + 0] = reg(v.harmonics.odd_thd_pct, pct_001);
        pq[at + 1] = reg(v.harmonics.even_thd_pct, pct_001);
        pq[at + 2] = reg(v.crest_factor, 0.001);
        pq[at + 3] = reg(v.thff_pct, pct_001);
    }
    pq[thd_v_average] = reg(q.thd_v_average_pct, pct_001);
    pq[current_unbalance] = reg(q.current_unbalance_pct, pct_001);  // 0.01 %: the sheet warns 0.1 reads 10× high
    for (std::size_t c = 0; c < current_inputs; ++c) {
        const auto& i = q.current[c];
        const std::size_t at = i_extra + i_extra_stride * c;
        pq[at + 0] = reg(i.harmonics.odd_thd_pct, pct_001);
        pq[at + 1] = reg(i.harmonics.even_thd_pct, pct_001);
        pq[at + 2] = reg(i.k_factor, 0.1);
        pq[i_harmonic(c, 1)] = reg(i.harmonics.thd_pct, pct_001);
        for (std::size_t h = first; h <= last; ++h) pq[i_harmonic(c, h)] = reg(i.harmonics.harmonic_pct[h], pct_001);
    }
    for (std::size_t n = 0; n < user_channels; ++n) pq[user_unbalance + n] = reg(q.user_current_unbalance_pct[n], pct_001);

    // 0x3600: Vb, Vc, then I1..I18, ×0.1°, 0..3599.
    const auto angle = [](double deg) { return static_cast<std::uint16_t>(reg(deg, 0.1) % 3600); };
    angles.assign(phase_angle_registers, 0);
    angles[0] = angle(q.voltage_angle_deg[1]);
    angles[1] = angle(q.voltage_angle_deg[2]);
    for (std::size_t c = 0; c < current_inputs; ++c) angles[2 + c] = angle(q.current_angle_deg[c]);
}

}  // namespace sim::meter
