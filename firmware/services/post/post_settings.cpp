#include "services/post/post_settings.hpp"

namespace fw::post_settings {

std::string key(int channel, const char* field) { return "post_channel_" + std::to_string(channel) + "." + field; }

namespace {

SettingSpec make(std::string key, std::string label, SettingType type, nlohmann::json def, std::string section) {
    SettingSpec sp;
    sp.key = std::move(key);
    sp.label = std::move(label);
    sp.type = type;
    sp.default_value = std::move(def);
    sp.applies = Applies::reboot;  // 7.6 and 7.7: "Users will be prompted to reboot"
    sp.section = std::move(section);
    return sp;
}

SettingSpec text(std::string key, std::string label, std::string def, double max, std::string section, bool secret = false) {
    auto sp = make(std::move(key), std::move(label), SettingType::text, std::move(def), std::move(section));
    sp.min = 0;
    sp.max = max;
    sp.secret = secret;
    return sp;
}

SettingSpec port(std::string key, std::string label, int def) {
    auto sp = make(std::move(key), std::move(label), SettingType::integer, def, "web manual 7.6: Range: 0 - 65535");
    sp.min = 0;
    sp.max = 65535;
    return sp;
}

}  // namespace

std::vector<SettingSpec> specs() {
    std::vector<SettingSpec> out;
    const std::string m = "web manual 7.6: ";
    for (int c = 1; c <= channels; ++c) {
        const std::string n = "Post Channel " + std::to_string(c) + " ";
        out.push_back(make(key(c, "enable"), n + "Enable", SettingType::boolean, false, m + "Disable or Enable; cannot be disabled while a data log uses it"));
        auto method = make(key(c, "method"), n + "Post Method", SettingType::choice, http, m + "HTTP/HTTPS, FTP or SFTP");
        method.choices = {{http, "HTTP/HTTPS"}, {ftp, "FTP"}, {sftp, "SFTP"}};
        out.push_back(method);
        out.push_back(make(key(c, "name_fixed"), n + "Post Name Fixed", SettingType::boolean, false,
                           m + "enabled: every file is posted as Post File Name; otherwise named as the data log's Log File Name Format"));
        out.push_back(text(key(c, "file_name"), n + "Post File Name", "", 64, m + "used when Post Name Fixed is enabled"));
        out.push_back(text(key(c, "http_url"), n + "HTTP/HTTPS URL", "", 256, m + "URL begins with http:// or https://"));
        out.push_back(port(key(c, "http_port"), n + "HTTP/HTTPS Port", 80));
        out.push_back(text(key(c, "meter_id"), n + "HTTP/HTTPS Meter ID", "", 64, m + "a name for the meter on the server"));
        auto auth = make(key(c, "http_auth"), n + "HTTP/HTTPS Authentication Method", SettingType::choice, token,
                         m + "Default authorization (a token) or Basic authentication (user name and password)");
        auth.choices = {{token, "Default"}, {basic, "Basic"}};
        out.push_back(auth);
        out.push_back(text(key(c, "http_token"), n + "HTTP/HTTPS Token", "", 256, m + "sent as Authorization: Bearer", true));
        out.push_back(text(key(c, "http_user"), n + "HTTP/HTTPS User Name", "", 64, m + "Basic authentication"));
        out.push_back(text(key(c, "http_password"), n + "HTTP/HTTPS Password", "", 64, m + "Basic authentication", true));
        out.push_back(text(key(c, "ftp_url"), n + "FTP URL", "", 256, m + "URL begins with ftp://"));
        out.push_back(port(key(c, "ftp_port"), n + "FTP Port", 21));
        out.push_back(text(key(c, "ftp_user"), n + "FTP Username", "", 64, m + "FTP Username"));
        out.push_back(text(key(c, "ftp_password"), n + "FTP Password", "", 64, m + "FTP Password", true));
        out.push_back(text(key(c, "sftp_url"), n + "SFTP URL", "", 256, m + "URL begins with sftp://"));
        out.push_back(port(key(c, "sftp_port"), n + "SFTP Port", 22));
        out.push_back(text(key(c, "sftp_user"), n + "SFTP Username", "", 64, m + "SFTP Username"));
        out.push_back(text(key(c, "sftp_password"), n + "SFTP Password", "", 64, m + "SFTP Password", true));
    }
    auto cap = make("post.cache_limit_mb", "Post Cache Limit", SettingType::integer, 3072,
                    "web manual 7.6: up to 3 GB of cached post files; when full the oldest file goes (designed: the limit is settable)");
    cap.min = 1;
    cap.max = 3072;
    cap.unit = "MB";
    cap.applies = Applies::live;
    out.push_back(cap);
    const std::string a = "web manual 7.7: ";
    out.push_back(make("acucloud.enable", "AcuCloud Enable", SettingType::boolean, false, a + "posts every 5 minutes after the reboot"));
    out.push_back(text("acucloud.token", "AcuCloud Token", "", 256, a + "the token AcuCloud gives for this serial number", true));
    auto url = text("acucloud.url", "AcuCloud URL", "http://127.0.0.1:8099/acucloud/post", 256,
                    "designed: where AcuCloud posts go; the simulator's default is a receiver on loopback (never the Internet unless set)");
    url.min = 8;
    out.push_back(url);
    return out;
}

std::vector<SettingsRule> rules() {
    std::vector<SettingsRule> out;
    for (int c = 1; c <= channels; ++c) {
        const std::string n = "Post Channel " + std::to_string(c) + " ";
        out.push_back({{key(c, "enable"), key(c, "method"), key(c, "http_url"), key(c, "ftp_url"), key(c, "sftp_url")},
                       [c, n](const SettingValue& v) -> std::optional<std::string> {
                           if (!v(key(c, "enable")).get<bool>()) return std::nullopt;
                           const auto method = v(key(c, "method")).get<std::int64_t>();
                           const char* field = method == http ? "http_url" : method == ftp ? "ftp_url" : "sftp_url";
                           const auto url = v(key(c, field)).get<std::string>();
                           auto begins = [&url](const char* p) { return url.rfind(p, 0) == 0 && url.size() > std::string(p).size(); };
                           if (method == http && !begins("http://") && !begins("https://"))
                               return n + "HTTP/HTTPS URL must begin with http:// or https://, got '" + url + "'";
                           if (method == ftp && !begins("ftp://")) return n + "FTP URL must begin with ftp://, got '" + url + "'";
                           if (method == sftp && !begins("sftp://")) return n + "SFTP URL must begin with sftp://, got '" + url + "'";
                           return std::nullopt;
                       }});
        out.push_back({{key(c, "name_fixed"), key(c, "file_name")}, [c, n](const SettingValue& v) -> std::optional<std::string> {
                           const auto name = v(key(c, "file_name")).get<std::string>();
                           if (name.find_first_of("/\\") != std::string::npos || name == "." || name == "..")
                               return n + "Post File Name must be a file name, without '/', got '" + name + "'";
                           if (v(key(c, "name_fixed")).get<bool>() && name.empty()) return n + "Post File Name must be given when Post Name Fixed is enabled";
                           return std::nullopt;
                       }});
    }
    out.push_back({{"acucloud.url"}, [](const SettingValue& v) -> std::optional<std::string> {
                       const auto url = v("acucloud.url").get<std::string>();
                       if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
                           return "AcuCloud URL must begin with http:// or https://, got '" + url + "'";
                       return std::nullopt;
                   }});
    return out;
}

}  // namespace fw::post_settings
