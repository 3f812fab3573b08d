#include "services/modbus_tcp/modbus_tcp_settings.hpp"

namespace fw::modbus_tcp_settings {

std::vector<SettingSpec> specs() {
    SettingSpec p;
    p.key = port;
    p.label = "Modbus TCP Port";
    p.default_value = 502;
    p.min = 2000;
    p.max = 5999;
    p.allowed = {502};
    p.applies = Applies::service_restart;
    p.section = "web manual 7.1.4: Default: 502, Range: 2000 - 5999";

    SettingSpec idle;
    idle.key = idle_timeout;
    idle.label = "Modbus TCP Idle Timeout";
    idle.default_value = 60;
    idle.min = 5;
    idle.max = 3600;
    idle.unit = "s";
    idle.section = "designed: a connection with no complete request this long is closed (peer time)";

    SettingSpec conns;
    conns.key = max_connections;
    conns.label = "Modbus TCP Connections";
    conns.default_value = 32;
    conns.min = 1;
    conns.max = 64;
    conns.section = "designed: clients served at once; when all are taken the one idle longest makes room";
    return {p, idle, conns};
}

}  // namespace fw::modbus_tcp_settings
