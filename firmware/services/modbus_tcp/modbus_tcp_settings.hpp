#pragma once
// The Modbus TCP gateway's part of the settings schema (web manual 7.1.4, "Modbus").
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::modbus_tcp_settings {

inline constexpr const char* port = "network.modbus_tcp_port";
inline constexpr const char* idle_timeout = "network.modbus_tcp_idle_timeout";
inline constexpr const char* max_connections = "network.modbus_tcp_max_connections";

std::vector<SettingSpec> specs();

}  // namespace fw::modbus_tcp_settings
