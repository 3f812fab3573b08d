#pragma once
// The data loggers' settings (web manual 7.5): three loggers, `data_log_N.<field>`, with the
// manual's rules — the shortest log interval each parameter group allows, file lengths no shorter
// than the interval, only an enabled post channel — and the post channels' own rule that one in
// use cannot be disabled.
#include <cstdint>
#include <string>
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw {
struct Parameter;
}

namespace fw::datalog_settings {

inline constexpr int loggers = 3;
inline constexpr std::int64_t month = 2592000;  // the code of "1 month": a calendar month of the device's date
std::string key(int logger, const char* field);  // key(1, "interval") == "data_log_1.interval"

enum TimestampFormat : std::int64_t { local_time_string = 0, utc_seconds = 1, iso8601 = 2 };
enum FileNameFormat : std::int64_t { utc_timestamp = 0, time_interval = 1 };

// The parameters a logger may hold: every catalogue row of the real-time, energy, demand, power
// quality and I/O groups, by its WEB2 key.
const std::vector<const Parameter*>& loggable();
// The shortest interval the manual allows for a parameter: 15 s for real-time and I/O, 1 min for
// energy, demand and power quality.
std::int64_t minimum_interval(const Parameter& p);
// "15 seconds", "1 minute", "1 month": as the drop-down lists word them.
std::string length_text(std::int64_t seconds);
// "15sec", "1min", "1day", "1month": as file names write them.
std::string length_tag(std::int64_t seconds);

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

}  // namespace fw::datalog_settings
