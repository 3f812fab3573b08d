#pragma once
// The web service's part of the settings schema (web manual 7.1.2 "HTTPS Port", "HTTP Enable").
// Like every network setting of the manual, the ports apply at the next reboot.
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::web_settings {

inline constexpr const char* https_port = "network.https_port";
inline constexpr const char* http_enable = "network.http_enable";
inline constexpr const char* http_port = "network.http_port";
inline constexpr const char* session_timeout = "web.session_timeout";

std::vector<SettingSpec> specs();

}  // namespace fw::web_settings
