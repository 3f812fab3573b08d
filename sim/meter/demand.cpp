#include "meter/demand.hpp"

#include <cmath>
#include <algorithm>
#include <numeric>

namespace sim::meter {

DemandCalculator::DemandCalculator()
    : items_(items), second_sum_(items), interval_sum_(items), sub_sum_(items), history_(items), last_(items) {}

void DemandCalculator::configure(DemandMethod method, int interval_min, int subinterval_min) {
    method_ = method;
    interval_s_ = interval_min * 60;
    sub_s_ = subinterval_min * 60;
    for (auto& h : history_) h.clear();
    std::fill(interval_sum_.begin(), interval_sum_.end(), 0.0);
    std::fill(sub_sum_.begin(), sub_sum_.end(), 0.0);
    for (auto& it : items_) it.present = it.predicted = 0;
    std::fill(second_sum_.begin(), second_sum_.end(), 0.0);
    std::fill(last_.begin(), last_.end(), 0.0);
    second_covered_ = 0;
    current_second_ = -1;  // the next value fed starts a second afresh
}

void DemandCalculator::reset_peaks() {
    for (auto& it : items_) {
        it.peak = 0;
        it.peak_time = 0;
    }
}

void DemandCalculator::feed(hal::Time from, hal::Time to, const std::vector<double>& values) {
    // Split the span at whole seconds so every second's mean is exact (integer nanoseconds). A gap
    // (board powered down) closes the second that was being filled; seconds without data are not invented.
    constexpr std::int64_t ns = 1'000'000'000;
    while (from < to) {
        const std::int64_t second = from.count() / ns;
        if (current_second_ >= 0 && second != current_second_) close_second(current_second_ + 1);
        current_second_ = second;
        const hal::Time end = std::min(to, hal::Time((second + 1) * ns));
        const double dt = hal::to_seconds(end - from);
        for (std::size_t i = 0; i < values.size() && i < second_sum_.size(); ++i) second_sum_[i] += values[i] * dt;
        second_covered_ += dt;
        from = end;
        if (end.count() == (second + 1) * ns) {
            close_second(second + 1);
            current_second_ = -1;
        }
    }
}

void DemandCalculator::close_second(std::int64_t t) {
    if (second_covered_ <= 0) return;
    const double tau = interval_s_ / std::log(10.0);
    const double alpha = 1.0 - std::exp(-1.0 / tau);
    const bool sub_end = t % sub_s_ == 0;
    const bool interval_end = t % interval_s_ == 0;
    const auto n_sub = static_cast<std::size_t>(std::max(1, interval_s_ / sub_s_));
    for (std::size_t i = 0; i < items_.size(); ++i) {
        auto& it = items_[i];
        const double mean = second_sum_[i] / second_covered_;  // the second's mean (a power-up mid-second counts what was seen)
        last_[i] = mean;
        interval_sum_[i] += mean;
        sub_sum_[i] += mean;
        bool updated = false;
        switch (method_) {
            case DemandMethod::sliding: {
                auto& h = history_[i];
                h.push_back(mean);
                if (h.size() > static_cast<std::size_t>(interval_s_)) h.pop_front();
                // The window slides once a minute, at whole minutes of the board clock, as the
                // vendor's meter family does; between slides the registers hold the last result.
                if (t % 60 == 0) {
                    it.present = std::accumulate(h.begin(), h.end(), 0.0) / static_cast<double>(interval_s_);
                    updated = true;
                }
                break;
            }
            case DemandMethod::rolling:
                if (sub_end) {
                    auto& h = history_[i];
                    h.push_back(sub_sum_[i] / sub_s_);
                    if (h.size() > n_sub) h.pop_front();
                    it.present = std::accumulate(h.begin(), h.end(), 0.0) / static_cast<double>(n_sub);
                    updated = true;
                }
                break;
            case DemandMethod::fixed:
                if (interval_end) {
                    it.present = interval_sum_[i] / interval_s_;
                    updated = true;
                }
                break;
            case DemandMethod::thermal:
                it.present += alpha * (mean - it.present);
                updated = true;
                break;
        }
        // Prediction over the clock-aligned interval now running (register map §3).
        const double elapsed = static_cast<double>(t % interval_s_ == 0 ? interval_s_ : t % interval_s_);
        it.predicted = (interval_sum_[i] + mean * (interval_s_ - elapsed)) / interval_s_;
        if (updated && std::abs(it.present) > std::abs(it.peak)) {
            it.peak = it.present;
            it.peak_time = t;
        }
        if (sub_end) sub_sum_[i] = 0;
        if (interval_end) interval_sum_[i] = 0;
        second_sum_[i] = 0;
    }
    second_covered_ = 0;
}

void DemandCalculator::save_peaks(NvmWriter& w) const {
    for (const auto& it : items_) {
        w.put(it.peak);
        w.put(it.peak_time);
    }
}

void DemandCalculator::load_peaks(NvmReader& r) {
    for (auto& it : items_) {
        it.peak = r.get<double>();
        it.peak_time = r.get<std::int64_t>();
    }
}

}  // namespace sim::meter
