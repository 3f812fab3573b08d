#pragma once
// One energy register of the board: an integer count of micro-watt-hours and the fraction of a
// micro-watt-hour not yet counted, carried to the next add. Months and years of 200 ms windows
// therefore never drift the 0.1-unit registers (register map 1.4): the count is within 1 µWh of the
// exact sum however many windows were added (it differs by the carried fraction, at most 0.5 µWh).
#include <cmath>
#include <cstdint>

#include "meter/nvm.hpp"

namespace sim::meter {

class EnergyRegister {
public:
    void add_wh(double wh) {  // wh >= 0: import only
        const double x = wh * 1e6 + carry_;
        const auto whole = static_cast<std::int64_t>(x + 0.5);  // the nearest count (x >= 0); the rest waits in carry_
        micro_ += whole;
        carry_ = x - static_cast<double>(whole);
    }
    double wh() const { return static_cast<double>(micro_) * 1e-6; }
    std::int64_t micro_wh() const { return micro_; }
    // The uint32 register in 0.1 kWh (kvarh, kVAh): truncated so a register never runs ahead.
    std::uint32_t tenths_of_kilo() const { return static_cast<std::uint32_t>(micro_ / 100'000'000); }
    void clear() {
        micro_ = 0;
        carry_ = 0;
    }
    bool operator==(const EnergyRegister&) const = default;
    void save(NvmWriter& w) const {
        w.put(micro_);
        w.put(carry_);
    }
    void load(NvmReader& r) {
        micro_ = r.get<std::int64_t>();
        carry_ = r.get<double>();
        if (micro_ < 0 || !(carry_ >= -0.5 && carry_ < 0.5)) throw NvmError("board memory holds an impossible energy count");
    }

private:
    std::int64_t micro_ = 0;
    double carry_ = 0;  // µWh, -0.5 <= carry_ < 0.5
};

}  // namespace sim::meter
