#pragma once
// BACnet/IP's part of the settings schema (web manual 7.8): enable, port, device instance, name,
// location, description, the foreign-device function (BBMD IP, port, time to live) and, designed
// beyond the manual, the Admin's relay-control policy and the DeviceCommunicationControl password.
// As the manual says, a change applies at the next reboot.
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::bacnet_settings {

inline constexpr const char* enable = "bacnet.enable";
inline constexpr const char* port = "bacnet.port";
inline constexpr const char* device_instance = "bacnet.device_instance";
inline constexpr const char* device_name = "bacnet.device_name";
inline constexpr const char* location = "bacnet.location";
inline constexpr const char* description = "bacnet.description";
inline constexpr const char* foreign_enable = "bacnet.foreign_enable";
inline constexpr const char* bbmd_ip = "bacnet.bbmd_ip";
inline constexpr const char* bbmd_port = "bacnet.bbmd_port";
inline constexpr const char* ttl = "bacnet.ttl";
inline constexpr const char* relay_control = "bacnet.relay_control";
inline constexpr const char* dcc_password = "bacnet.dcc_password";

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

}  // namespace fw::bacnet_settings
