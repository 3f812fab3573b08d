#pragma once
// Virtual time: every timestamp in firmware and sim is a hal::Time, nanoseconds since the Unix
// epoch (UTC) on the one hal clock. Only hal/ backends ever look at the wall clock.
#include <chrono>
#include <cstdint>

namespace hal {

using Duration = std::chrono::nanoseconds;
using Time = std::chrono::nanoseconds;  // since 1970-01-01T00:00:00Z, on the hal clock

using namespace std::chrono_literals;

constexpr double to_seconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }
constexpr Duration from_seconds(double s) { return Duration(static_cast<std::int64_t>(s * 1e9)); }

}  // namespace hal
