#pragma once
// How the logs write time and data (web manual 6.4.5, 7.5): the device's local date and time as
// text, ISO 8601, the time in file names, the periods of files and intervals on the device's
// date (days, weeks and months start at local midnight), gzip, CSV numbers.
#include <cstddef>
#include <cstdint>
#include <string>

namespace fw::log_format {

// `offset`: the device's zone and DST offset east of UTC, in seconds, as it is at that instant.
std::string local_text(std::int64_t utc_s, std::int64_t offset);  // "2017-01-01 10:00:00"
std::string iso8601(std::int64_t utc_s, std::int64_t offset);     // "2017-01-01T10:00:00-05:00"
std::string file_time(std::int64_t utc_s, std::int64_t offset);   // "2020-12-12T00-00-00-0500"

// The start (UTC seconds) of the period of `length` seconds holding `utc_s`: minutes and seconds
// on UTC multiples; hours and days from local midnight; 7 days from local Monday midnight; a
// month (`month_code`) from the first of the local month.
inline constexpr std::int64_t month_code = 2592000;
std::int64_t period_start(std::int64_t utc_s, std::int64_t length, std::int64_t offset);
std::int64_t period_end(std::int64_t start, std::int64_t length, std::int64_t offset);

std::string gzip(const std::string& data);  // one gzip member (members concatenate into one file)
std::string gunzip(const std::string& data);  // every member; throws std::runtime_error when damaged
// The length of the whole members at the start of `data` (a power cut may leave a torn last one).
std::size_t whole_members(const std::string& data);
std::string number(double v);                 // the shortest text that reads back as the same float

}  // namespace fw::log_format
