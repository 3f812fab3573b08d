#pragma once
// Demand (register map 1.5, metering-science §3) of every demand item of the 0x2D00 block:
// system P, Q, S; per phase I, P, Q, S; per input channel I, P, Q, S; per user channel P, Q, S.
// The board integrates each window's values into whole seconds of its own clock, then:
//   sliding  (0x080A = 0): the mean of the last interval, slid once a minute (at whole minutes);
//   rolling  (1): every sub-interval end, the mean of the last interval/sub-interval sub-intervals;
//   fixed    (2): every clock-aligned interval end, the interval's mean;
//   thermal  (3): exponential, tau = interval / ln 10 (90 % of a step after one interval), every second.
// Predicted = (energy so far in the clock-aligned interval + present rate × time left) / interval.
// Peaks keep the time (board clock, whole seconds) of the update that set them; the registers hold
// it packed by pack_board_time (meter/board_time.hpp).
#include <cstdint>
#include <deque>
#include <vector>

#include "hal/time.hpp"
#include "meter/nvm.hpp"

namespace sim::meter {

enum class DemandMethod { sliding = 0, rolling = 1, fixed = 2, thermal = 3 };

struct DemandItem {
    double present = 0;
    double predicted = 0;
    double peak = 0;
    std::int64_t peak_time = 0;  // board clock, seconds since the epoch; 0 = never
};

class DemandCalculator {
public:
    static constexpr int items = 3 + 3 * 4 + 18 * 4 + 9 * 3;  // 114, in register order

    DemandCalculator();
    // Restarts the averages (a settings change); peaks are kept.
    void configure(DemandMethod method, int interval_min, int subinterval_min);
    // Values held constant over [from, to) of the board clock.
    void feed(hal::Time from, hal::Time to, const std::vector<double>& values);
    void reset_peaks();
    // Peaks and their times are what a power cycle keeps; the averages start anew.
    void save_peaks(NvmWriter& w) const;
    void load_peaks(NvmReader& r);
    const DemandItem& item(int i) const { return items_[static_cast<std::size_t>(i)]; }
    DemandMethod method() const { return method_; }

private:
    void close_second(std::int64_t second_end);

    DemandMethod method_ = DemandMethod::rolling;
    int interval_s_ = 900, sub_s_ = 300;
    std::vector<DemandItem> items_;
    std::vector<double> second_sum_;      // value·seconds in the current second
    double second_covered_ = 0;           // seconds of it fed
    std::int64_t current_second_ = -1;    // start of the second being filled
    std::vector<double> interval_sum_;    // value·seconds since the clock-aligned interval began
    std::vector<double> sub_sum_;         // value·seconds since the sub-interval began
    std::vector<std::deque<double>> history_;  // sliding: per-second means; rolling: sub-interval means
    std::vector<double> last_;            // the last whole second's mean (the present rate)
};

}  // namespace sim::meter
