#include "meter/board_time.hpp"

#include <chrono>
#include <ctime>

namespace sim::meter {

void pack_board_time(std::int64_t epoch_seconds, std::uint16_t out[3]) {
    out[0] = out[1] = out[2] = 0;
    if (epoch_seconds <= 0) return;
    const std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    const int year = tm.tm_year + 1900;
    if (year < 2000 || year > 2255) return;
    out[0] = static_cast<std::uint16_t>(((year - 2000) << 8) | (tm.tm_mon + 1));
    out[1] = static_cast<std::uint16_t>((tm.tm_mday << 8) | tm.tm_hour);
    out[2] = static_cast<std::uint16_t>((tm.tm_min << 8) | tm.tm_sec);
}

void put_board_time_ms(std::vector<std::uint16_t>& img, std::size_t at, hal::Time t) {
    // floor, so a time before a whole second still gets 0..999
    const auto s = std::chrono::floor<std::chrono::seconds>(t);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - s);
    std::uint16_t packed[3];
    pack_board_time(s.count(), packed);
    img.at(at) = packed[0];
    img.at(at + 1) = packed[1];
    img.at(at + 2) = packed[2];
    img.at(at + 3) = static_cast<std::uint16_t>(ms.count());
}

}  // namespace sim::meter
