#include "update/update_settings.hpp"

namespace fw::update_settings {

std::vector<SettingSpec> specs() {
    auto a = make_setting(auto_update, "Auto Firmware Update", SettingType::choice, disabled, Applies::live,
                          "web manual 10.1.1: Disable (updates by hand from the Firmware page), Critical Update Only (\"Recommended\"), "
                          "or Automatically Keep Firmware to Latest Version");
    a.choices = {{disabled, "Disable"}, {critical_only, "Critical Update Only"}, {latest, "Automatically Keep Firmware to Latest Version"}};
    auto h = make_setting(check_hour, "Check Time", SettingType::choice, 3, Applies::live,
                          "web manual 10.1.1: the one-hour block of device time the automatic update runs in (default 3 am - 4 am)");
    for (int i = 0; i < 24; ++i) {
        auto hour = [](int x) { return std::to_string(x % 12 == 0 ? 12 : x % 12) + (x < 12 ? " am" : " pm"); };
        h.choices.emplace_back(i, hour(i) + " - " + hour((i + 1) % 24));
    }
    return {a, h,
            text_setting(server_url, "Update Server URL", "", 0, 256, Applies::live,
                         "designed: the update server's JSON index of releases (docs/update.md) that Check and the automatic updates ask; "
                         "http:// or https:// (checked against the system's CAs and <data-dir>/update-ca.pem)")};
}

std::vector<SettingsRule> rules() {
    return {{{auto_update, server_url}, [](const SettingValue& v) -> std::optional<std::string> {
                 if (v(auto_update).get<int>() != disabled && v(server_url).get<std::string>().empty())
                     return "Auto Firmware Update needs the Update Server URL";
                 return std::nullopt;
             }},
            {{server_url}, [](const SettingValue& v) -> std::optional<std::string> {
                 const auto url = v(server_url).get<std::string>();
                 if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
                     return "Update Server URL must start with http:// or https://";
                 return std::nullopt;
             }}};
}

}  // namespace fw::update_settings
