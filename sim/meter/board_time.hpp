#pragma once
// The board's packed timestamps (register map §2 "Demand peak time"): three registers holding the
// bytes (year − 2000, month), (day, hour), (minute, second) of the board clock. The one packer of
// the board: demand peaks, the alarm log and the event log use it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hal/time.hpp"

namespace sim::meter {

// From the board clock's seconds since the epoch. Zeros for "never" (≤ 0) and for years outside
// 2000..2255, which the bytes cannot hold.
void pack_board_time(std::int64_t epoch_seconds, std::uint16_t out[3]);

// 4 registers at img[at]: the packed time of `t` and its millisecond (0..999).
void put_board_time_ms(std::vector<std::uint16_t>& img, std::size_t at, hal::Time t);

}  // namespace sim::meter
