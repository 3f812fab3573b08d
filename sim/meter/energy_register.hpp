#pragma once
// One energy register of the board: an exact integer count of micro-watt-hours, so that months and
// years of 200 ms windows never drift the 0.1-unit registers (register map 1.4). A window's energy
// is rounded to the micro-unit once; the rounding error of each add is at most 0.5 µWh, far below
// the 100 Wh of one register count even after 10^8 windows.
#include <cmath>
#include <cstdint>

namespace sim::meter {

class EnergyRegister {
public:
    void add_wh(double wh) { micro_ += static_cast<std::int64_t>(std::llround(wh * 1e6)); }
    double wh() const { return static_cast<double>(micro_) * 1e-6; }
    std::int64_t micro_wh() const { return micro_; }
    // The uint32 register in 0.1 kWh (kvarh, kVAh): truncated so a register never runs ahead.
    std::uint32_t tenths_of_kilo() const { return static_cast<std::uint32_t>(micro_ / 100'000'000); }
    void clear() { micro_ = 0; }
    bool operator==(const EnergyRegister&) const = default;

private:
    std::int64_t micro_ = 0;
};

}  // namespace sim::meter
