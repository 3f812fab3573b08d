#include "services/snmp/snmp_settings.hpp"

namespace fw::snmp_settings {

std::vector<SettingSpec> specs() {
    SettingSpec on;
    on.key = enable;
    on.label = "SNMP Enable";
    on.type = SettingType::boolean;
    on.default_value = false;
    on.applies = Applies::service_restart;
    on.section = "web manual 7.9: Enable to answer an SNMP management station (v1 and v2c, read-only)";

    SettingSpec p;
    p.key = port;
    p.label = "SNMP Port";
    p.default_value = 161;
    p.min = 16100;
    p.max = 16199;
    p.allowed = {161};
    p.applies = Applies::service_restart;
    p.section = "web manual 7.9: Default: 161, Range: 16100 - 16199";

    SettingSpec c;
    c.key = community;
    c.label = "Read Only Community";
    c.type = SettingType::text;
    c.default_value = "public";
    c.min = 6;
    c.max = 20;
    c.applies = Applies::service_restart;
    c.section = "web manual 7.9: between 6 and 20 characters; a request with another community gets no answer";
    return {on, p, c};
}

}  // namespace fw::snmp_settings
