#include "services/datalog/datalog_settings.hpp"

#include <algorithm>

#include "catalogue/catalogue.hpp"
#include "services/post/post_settings.hpp"

namespace fw::datalog_settings {

namespace {

constexpr unsigned logged_groups = group_realtime | group_energy | group_demand | group_power_quality | group_io;

std::vector<std::pair<std::int64_t, std::string>> lengths(std::initializer_list<std::int64_t> seconds) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto s : seconds) out.emplace_back(s, length_text(s));
    return out;
}

}  // namespace

std::string key(int logger, const char* field) { return "data_log_" + std::to_string(logger) + "." + field; }

const std::vector<const Parameter*>& loggable() {
    static const std::vector<const Parameter*> params = [] {
        std::vector<const Parameter*> out;
        for (const auto& p : Catalogue::instance().all())
            if (p.groups & logged_groups) out.push_back(&p);
        return out;
    }();
    return params;
}

std::int64_t minimum_interval(const Parameter& p) {
    return (p.groups & (group_energy | group_demand | group_power_quality)) ? 60 : 15;
}

std::string length_text(std::int64_t s) {
    auto plural = [](std::int64_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
    if (s == month) return "1 month";
    if (s % 86400 == 0) return plural(s / 86400, "day");
    if (s % 3600 == 0) return plural(s / 3600, "hour");
    if (s % 60 == 0) return plural(s / 60, "minute");
    return plural(s, "second");
}

std::string length_tag(std::int64_t s) {
    if (s == month) return "1month";
    if (s % 86400 == 0) return std::to_string(s / 86400) + "day";
    if (s % 3600 == 0) return std::to_string(s / 3600) + "hour";
    if (s % 60 == 0) return std::to_string(s / 60) + "min";
    return std::to_string(s) + "sec";
}

std::vector<SettingSpec> specs() {
    std::vector<std::string> keys;
    for (const auto* p : loggable()) keys.push_back(p->key);
    std::vector<SettingSpec> out;
    for (int n = 1; n <= loggers; ++n) {
        const std::string name = "Data Log " + std::to_string(n);
        const std::string prefix = "logger" + std::to_string(n);
        auto add = [&](const char* field, const std::string& label, SettingType type, nlohmann::json def, const std::string& section) -> SettingSpec& {
            SettingSpec sp;
            sp.key = key(n, field);
            sp.label = name + " " + label;
            sp.type = type;
            sp.default_value = std::move(def);
            sp.applies = Applies::reboot;  // 7.5: "Users will be prompted to reboot"
            sp.section = "web manual 7.5: " + section;
            out.push_back(std::move(sp));
            return out.back();
        };
        add("enable", "Logger Enable", SettingType::boolean, false, "Disable or Enable");
        auto& ch = add("post_channel", "Post Channel", SettingType::choice, 0, "only an enabled post channel can be selected");
        ch.choices = {{0, "None"}, {1, "Post Channel 1"}, {2, "Post Channel 2"}, {3, "Post Channel 3"}};
        auto& params = add("parameters", "Log Parameters", SettingType::list, nlohmann::json::array(),
                           "real-time, energy, demand, power quality and I/O readings by their WEB2 keys (docs/register-map.md)");
        params.items = keys;
        params.items_text = "parameter keys of docs/register-map.md (real-time, energy, demand, power quality, I/O)";
        params.min = 0;
        params.max = static_cast<double>(keys.size());
        auto& ts = add("timestamp_format", "Timestamp Format", SettingType::choice, local_time_string,
                       "Local Time String (2017-01-01 10:00:00), UTC Seconds, ISO8601 Format (2017-01-01T10:00:00-05:00)");
        ts.choices = {{local_time_string, "Local Time String"}, {utc_seconds, "UTC Seconds"}, {iso8601, "ISO8601 Format"}};
        auto& fn = add("file_name_format", "Log File Name Format", SettingType::choice, time_interval,
                       "UTC Timestamp (logger1-1484578000.csv) or Time Interval Format (logger1-2017-01-10T12-00-00-0500-1min.csv)");
        fn.choices = {{utc_timestamp, "UTC Timestamp"}, {time_interval, "Time Interval Format"}};
        auto& iv = add("interval", "Log Interval", SettingType::choice, 15,
                       "1 second to 1 month; at least 15 seconds for real-time and I/O, 1 minute for energy, demand and power quality");
        iv.choices = lengths({1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 86400, month});
        iv.unit = "s";
        auto& pl = add("post_file_length", "Post File Length", SettingType::choice, 60,
                       "1 minute to 1 month; how often a file is posted; not shorter than the log interval");
        pl.choices = lengths({60, 300, 600, 900, 1800, 3600, 86400, 604800, month});
        pl.unit = "s";
        auto& pp = add("prefix", "Log File Name Prefix", SettingType::text, prefix, "between 1 and 40 characters");
        pp.min = 1;
        pp.max = 40;
        auto& ll = add("local_file_length", "Local Log File Length", SettingType::choice, 86400,
                       "1 hour, 1 day, 7 days or 1 month; not shorter than the log interval");
        ll.choices = lengths({3600, 86400, 604800, month});
        ll.unit = "s";
        auto& lp = add("local_prefix", "Local Log File Name Prefix", SettingType::text, prefix, "between 1 and 40 characters");
        lp.min = 1;
        lp.max = 40;
    }
    return out;
}

std::vector<SettingsRule> rules() {
    std::vector<SettingsRule> out;
    for (int n = 1; n <= loggers; ++n) {
        const std::string name = "Data Log " + std::to_string(n);
        // 7.5: "The minimum time interval option is according to the selected parameter."
        out.push_back({{key(n, "parameters"), key(n, "interval")}, [n, name](const SettingValue& v) -> std::optional<std::string> {
                           std::int64_t need = 0;
                           std::string why;
                           for (const auto& k : v(key(n, "parameters"))) {
                               const auto* p = Catalogue::instance().by_key(k.get<std::string>());
                               if (p && minimum_interval(*p) > need) {
                                   need = minimum_interval(*p);
                                   why = need == 60 ? "energy, demand and power quality readings (" + p->key + ")"
                                                    : "real-time and I/O readings (" + p->key + ")";
                               }
                           }
                           const auto interval = v(key(n, "interval")).get<std::int64_t>();
                           if (interval < need)
                               return name + " Log Interval must be at least " + length_text(need) + " for " + why + ", got " + length_text(interval);
                           return std::nullopt;
                       }});
        // 7.5's note: the file lengths and the log interval go together — a file holds whole intervals.
        for (const auto* field : {"post_file_length", "local_file_length"}) {
            const std::string label = std::string(field) == "post_file_length" ? "Post File Length" : "Local Log File Length";
            out.push_back({{key(n, field), key(n, "interval")}, [n, name, field, label](const SettingValue& v) -> std::optional<std::string> {
                               const auto length = v(key(n, field)).get<std::int64_t>(), interval = v(key(n, "interval")).get<std::int64_t>();
                               if (length < interval || (length != month && interval != month && length % interval != 0))
                                   return name + " " + label + " must be a whole number of log intervals (" + length_text(interval) + "), got " + length_text(length);
                               return std::nullopt;
                           }});
        }
        out.push_back({{key(n, "enable"), key(n, "parameters")}, [n, name](const SettingValue& v) -> std::optional<std::string> {
                           if (v(key(n, "enable")).get<bool>() && v(key(n, "parameters")).empty())
                               return name + " is enabled with no parameters: select at least one";
                           return std::nullopt;
                       }});
        // 7.5: "Only an enabled post channel can be selected here."
        // Checked when the selection changes; the rule below keeps a selected channel enabled.
        out.push_back({{key(n, "post_channel")}, [n, name](const SettingValue& v) -> std::optional<std::string> {
                           const auto c = static_cast<int>(v(key(n, "post_channel")).get<std::int64_t>());
                           if (c == 0 || v(post_settings::key(c, "enable")).get<bool>()) return std::nullopt;
                           return name + " Post Channel: Post Channel " + std::to_string(c) +
                                  " is not enabled (only an enabled post channel can be selected)";
                       }});
    }
    // 7.6: "Cannot be disabled while in use. (Used by Data Log 1, Data Log 2, Data log 3)"
    for (int c = 1; c <= post_settings::channels; ++c) {
        std::vector<std::string> keys{post_settings::key(c, "enable")};
        for (int n = 1; n <= loggers; ++n) keys.push_back(key(n, "post_channel"));
        out.push_back({keys, [c](const SettingValue& v) -> std::optional<std::string> {
                           if (v(post_settings::key(c, "enable")).get<bool>()) return std::nullopt;
                           std::string users;
                           for (int n = 1; n <= loggers; ++n)
                               if (v(key(n, "post_channel")).get<std::int64_t>() == c) users += (users.empty() ? "" : ", ") + std::string("Data Log ") + std::to_string(n);
                           if (users.empty()) return std::nullopt;
                           return "Post Channel " + std::to_string(c) + " cannot be disabled while in use. (Used by " + users + ")";
                       }});
    }
    return out;
}

}  // namespace fw::datalog_settings
