#include "services/ntp/ntp_settings.hpp"

#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "hal/time_zone.hpp"

namespace fw::ntp_settings {

namespace {

SettingSpec make(const char* key, std::string label, SettingType type, nlohmann::json def, std::string section) {
    SettingSpec sp;
    sp.key = key;
    sp.label = std::move(label);
    sp.type = type;
    sp.default_value = std::move(def);
    sp.applies = Applies::reboot;  // 7.4: "Users will be prompted to reboot"
    sp.section = "web manual 7.4: " + section;
    return sp;
}

SettingSpec server(const char* key, std::string label, std::string def) {
    auto sp = make(key, std::move(label), SettingType::text, std::move(def), "a host name or IPv4/IPv6 address, with :port when not 123 "
                                                                             "(at most 253 characters; empty: not used)");
    sp.min = 0;
    sp.max = 253 + 6;  // a full DNS name and ":65535"
    return sp;
}

bool host_name(const std::string& h) {
    // RFC 1123: labels of letters, digits and hyphens, 1-63 characters, not starting or ending with '-'.
    if (h.empty() || h.size() > 253) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= h.size(); ++i) {
        if (i == h.size() || h[i] == '.') {
            if (label == 0 || label > 63 || h[i - 1] == '-' || h[i - label] == '-') return false;
            label = 0;
        } else if (std::isalnum(static_cast<unsigned char>(h[i])) || h[i] == '-') {
            ++label;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::string> parse_server(const std::string& label, const std::string& text, ServerAddress& out) {
    const std::string allowed = label + " must be a host name or IP address, with :port (1-65535) when not 123, got '" + text.substr(0, 80) + "'";
    std::string host = text, port;
    if (!text.empty() && text.front() == '[') {  // [IPv6]:port
        const auto close = text.find(']');
        if (close == std::string::npos) return allowed;
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return allowed;
            port = text.substr(close + 2);
            if (port.empty()) return allowed;
        }
    } else if (const auto colon = text.find(':'); colon != std::string::npos && text.find(':', colon + 1) == std::string::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty()) return allowed;
    }
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(host, ec);
    if (ec && !host_name(host)) return allowed;
    out.host = host;
    out.port = 123;
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return allowed;
        const auto p = std::stoul(port);
        if (p < 1 || p > 65535) return allowed;
        out.port = static_cast<unsigned>(p);
    }
    return std::nullopt;
}

std::vector<SettingSpec> specs() {
    auto zone_spec = make(zone, "Time Zone", SettingType::text, "UTC",
                          "the IANA time zone the device clock shows (e.g. America/New_York; GET /api/v1/time/zones lists them); "
                          "DST starts and ends by the zone's rules");
    zone_spec.min = 1;
    zone_spec.max = 64;
    auto poll = make(poll_interval, "NTP Poll Interval", SettingType::integer, 1024,
                     "designed: how often the module asks its server (RFC 4330: never more often than every 16 s)");
    poll.min = 16;
    poll.max = 86400;
    poll.unit = "s";
    return {
        make(enable, "NTP Enabled", SettingType::boolean, false, "Enable to keep the device clock with the NTP servers"),
        server(server_1, "NTP Server 1", "0.us.pool.ntp.org"),
        server(server_2, "NTP Server 2", "1.us.pool.ntp.org"),
        server(server_3, "NTP Server 3", "2.us.pool.ntp.org"),
        zone_spec,
        poll,
    };
}

std::vector<SettingsRule> rules() {
    std::vector<SettingsRule> out;
    const std::pair<const char*, const char*> servers[] = {{server_1, "NTP Server 1"}, {server_2, "NTP Server 2"}, {server_3, "NTP Server 3"}};
    for (const auto& [key, label] : servers)
        out.push_back({{key}, [key = std::string(key), label = std::string(label)](const SettingValue& v) -> std::optional<std::string> {
                           const auto text = v(key).get<std::string>();
                           if (text.empty()) return std::nullopt;
                           ServerAddress a;
                           return parse_server(label, text, a);
                       }});
    out.push_back({{enable, server_1, server_2, server_3}, [](const SettingValue& v) -> std::optional<std::string> {
                       if (!v(enable).get<bool>()) return std::nullopt;
                       for (const char* k : {server_1, server_2, server_3})
                           if (!v(k).get<std::string>().empty()) return std::nullopt;
                       return "NTP Server 1, 2 or 3 must be given when NTP is enabled";
                   }});
    out.push_back({{zone}, [](const SettingValue& v) -> std::optional<std::string> {
                       const auto name = v(zone).get<std::string>();
                       const auto& db = hal::TimeZoneDatabase::installed();
                       if (db.contains(name)) return std::nullopt;
                       if (db.names().empty()) return "Time Zone: no zone database is installed at " + db.directory();
                       return "Time Zone '" + name.substr(0, 64) + "' is not an IANA time zone of the zone database (GET /api/v1/time/zones lists " +
                              std::to_string(db.names().size()) + ")";
                   }});
    return out;
}

}  // namespace fw::ntp_settings
