#include "services/web/web_settings.hpp"

namespace fw::web_settings {

std::vector<SettingSpec> specs() {
    SettingSpec https;
    https.key = https_port;
    https.label = "HTTPS Port";
    https.default_value = 443;
    https.allowed = {443};
    https.min = 6000;
    https.max = 9999;
    https.applies = Applies::reboot;
    https.section = "web manual 7.1.2: Default: 443, Range: 6000 - 9999";

    SettingSpec enable;
    enable.key = http_enable;
    enable.label = "HTTP Enable";
    enable.type = SettingType::boolean;
    enable.default_value = false;
    enable.applies = Applies::reboot;
    enable.section = "web manual 7.1.2: plain HTTP only when enabled";

    SettingSpec http;
    http.key = http_port;
    http.label = "HTTP Port";
    http.default_value = 80;
    http.allowed = {80};
    http.min = 6000;
    http.max = 9999;
    http.applies = Applies::reboot;
    http.section = "web manual 7.1.2: by default 80, or 6000-9999";

    SettingSpec session;
    session.key = session_timeout;
    session.label = "Web Session Timeout";
    session.default_value = 15;
    session.min = 1;
    session.max = 1440;
    session.unit = "min";
    session.section = "designed: a web session ends this long after its last request (peer time)";
    return {https, enable, http, session};
}

}  // namespace fw::web_settings
