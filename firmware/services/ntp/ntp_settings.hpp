#pragma once
// Time/Date's part of the settings schema (web manual 7.4): NTP enable, NTP Server 1/2/3 (the
// manual's pool.ntp.org examples as defaults: kept and shown, contacted only where the hal allows,
// see docs/time.md), the time zone (an IANA zone of the installed database) and, designed beyond
// the manual, the poll interval. As the manual says, a change applies at the next reboot.
#include <optional>
#include <string>
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::ntp_settings {

inline constexpr const char* enable = "time.ntp_enable";
inline constexpr const char* server_1 = "time.ntp_server_1";
inline constexpr const char* server_2 = "time.ntp_server_2";
inline constexpr const char* server_3 = "time.ntp_server_3";
inline constexpr const char* zone = "time.zone";
inline constexpr const char* poll_interval = "time.ntp_poll_interval";

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

// A server field split into host and UDP port: "host", "host:port", "1.2.3.4:123", "[::1]:123".
struct ServerAddress {
    std::string host;
    unsigned port = 123;
};
// The address, or the error naming the field ("NTP Server 2 ...") and the allowed forms.
std::optional<std::string> parse_server(const std::string& label, const std::string& text, ServerAddress& out);

}  // namespace fw::ntp_settings
