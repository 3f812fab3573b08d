#pragma once
// Firmware update's part of the settings schema (web manual 10.1): Auto Firmware Update (Disable,
// Critical Update Only, Automatically Keep Firmware to Latest Version), its Check Time (a one-hour
// block, 3 am - 4 am by default) and, designed, the update server's index URL the Check button and the
// automatic updates ask. They apply at once.
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::update_settings {

inline constexpr const char* auto_update = "update.auto";
inline constexpr const char* check_hour = "update.check_hour";
inline constexpr const char* server_url = "update.server_url";
enum AutoUpdate { disabled = 0, critical_only = 1, latest = 2 };

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

}  // namespace fw::update_settings
