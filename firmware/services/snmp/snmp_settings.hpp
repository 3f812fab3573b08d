#pragma once
// SNMP's part of the settings schema (web manual 7.9): enable, port (161 or 16100-16199) and the
// read-only community (6-20 characters). A change restarts the SNMP agent alone (the manual asks
// for a reboot; ARCHITECTURE restarts only the service whose settings changed).
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::snmp_settings {

inline constexpr const char* enable = "snmp.enable";
inline constexpr const char* port = "snmp.port";
inline constexpr const char* community = "snmp.community";

std::vector<SettingSpec> specs();

}  // namespace fw::snmp_settings
