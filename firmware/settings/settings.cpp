#include "settings/settings.hpp"

#include <algorithm>
#include <stdexcept>

#include "acurev/board_map.hpp"
#include "settings/json_input.hpp"

namespace fw {

std::string SettingSpec::range_text() const {
    if (is_text) return "text of " + std::to_string(min) + "-" + std::to_string(max) + " characters";
    auto list = [](const std::vector<std::int64_t>& v) {
        std::string t;
        for (std::size_t i = 0; i < v.size(); ++i) t += (i ? ", " : "") + std::to_string(v[i]);
        return t;
    };
    if (!only.empty()) return list(only);
    std::string t = allowed.empty() ? "" : list(allowed) + " or ";
    return t + std::to_string(min) + "-" + std::to_string(max);
}

std::optional<std::string> SettingSpec::check(const nlohmann::json& v) const {
    auto error = [&](const std::string& shown) {
        return label + " " + shown + " is out of range: " + range_text() + (unit.empty() ? "" : " " + unit);
    };
    if (is_text) {
        if (!v.is_string()) return label + " must be text";
        const auto n = static_cast<std::int64_t>(v.get<std::string>().size());
        if (n < min || n > max) return error("'" + v.get<std::string>() + "'");
        return std::nullopt;
    }
    if (!v.is_number_integer()) return label + " must be a whole number, got " + v.dump();
    const auto n = v.get<std::int64_t>();
    const bool ok = !only.empty() ? std::find(only.begin(), only.end(), n) != only.end()
                                  : (n >= min && n <= max) || std::find(allowed.begin(), allowed.end(), n) != allowed.end();
    if (!ok) return error(std::to_string(n));
    return std::nullopt;
}

SettingsSchema::SettingsSchema() {
    SettingSpec port;
    port.key = "modbus_tcp_port";
    port.label = "Modbus TCP Port";
    port.default_number = 502;
    port.min = 2000;
    port.max = 5999;
    port.allowed = {502};
    port.applies = Applies::service_restart;
    port.services = "modbus_tcp";
    port.source = "web manual 7.1.4: default 502, range 2000-5999";
    specs_.push_back(port);

    SettingSpec idle;
    idle.key = "modbus_tcp_idle_timeout";
    idle.label = "Modbus TCP Idle Timeout";
    idle.default_number = 60;
    idle.min = 5;
    idle.max = 3600;
    idle.unit = "s";
    idle.applies = Applies::live;
    idle.services = "modbus_tcp";
    idle.source = "designed: connections idle this long are closed";
    specs_.push_back(idle);

    SettingSpec conns;
    conns.key = "modbus_tcp_max_connections";
    conns.label = "Modbus TCP Connections";
    conns.default_number = 32;
    conns.min = 1;
    conns.max = 64;
    conns.applies = Applies::live;
    conns.services = "modbus_tcp";
    conns.source = "designed: clients served at once; when all are taken the one idle longest makes room";
    specs_.push_back(conns);

    SettingSpec desc;
    desc.key = "device_description";
    desc.label = "Device Description";
    desc.is_text = true;
    desc.default_text = "AcuRev 2100";
    desc.min = 0;
    desc.max = 40;
    desc.source = "web manual 6.6.1";
    specs_.push_back(desc);

    for (const auto& b : acurev::board_settings()) {
        SettingSpec s;
        s.key = b.key;
        s.label = b.label;
        s.default_number = b.default_value;
        s.min = b.min;
        s.max = b.max;
        s.only.assign(b.allowed.begin(), b.allowed.end());
        s.unit = b.unit;
        s.applies = Applies::board;
        s.services = "board";
        s.source = b.source;
        s.board_register = b.address;
        specs_.push_back(s);
    }
}

const SettingsSchema& SettingsSchema::instance() {
    static const SettingsSchema s;
    return s;
}

const SettingSpec* SettingsSchema::find(const std::string& key) const {
    for (const auto& s : specs_)
        if (s.key == key) return &s;
    return nullptr;
}

Settings::Settings(hal::Storage& storage) : storage_(storage) {
    for (const auto& s : SettingsSchema::instance().specs())
        values_[s.key] = s.is_text ? nlohmann::json(s.default_text) : nlohmann::json(s.default_number);
    const auto saved = storage_.read(file_name);
    if (!saved) return;
    const nlohmann::json doc = parse_json_input(*saved, std::string(file_name) + " in " + storage_.data_dir().string());
    const int v = doc.value("schema_version", 0);
    if (v > SettingsSchema::version)
        throw std::runtime_error(std::string(file_name) + " has schema version " + std::to_string(v) + ", newer than this firmware's " +
                                 std::to_string(SettingsSchema::version));
    const auto errors = change(doc.value("values", nlohmann::json::object()));
    if (!errors.empty()) throw std::runtime_error(std::string(file_name) + ": " + errors.front());
}

std::vector<std::string> Settings::change(const nlohmann::json& changes) {
    std::vector<std::string> errors;
    if (!changes.is_object()) return {"settings must be a JSON object"};
    for (const auto& [key, value] : changes.items()) {
        const auto* spec = SettingsSchema::instance().find(key);
        if (!spec) {
            errors.push_back("unknown setting '" + key + "'");
            continue;
        }
        if (auto e = spec->check(value)) errors.push_back(*e);
    }
    if (!errors.empty()) return errors;
    for (const auto& [key, value] : changes.items()) values_[key] = value;
    save();
    return {};
}

std::int64_t Settings::number(const std::string& key) const {
    if (!values_.contains(key) || !values_[key].is_number_integer()) throw std::invalid_argument("no number setting '" + key + "'");
    return values_[key].get<std::int64_t>();
}

std::string Settings::text(const std::string& key) const {
    if (!values_.contains(key) || !values_[key].is_string()) throw std::invalid_argument("no text setting '" + key + "'");
    return values_[key].get<std::string>();
}

nlohmann::json Settings::to_json() const { return values_; }

void Settings::save() {
    nlohmann::json doc{{"schema_version", SettingsSchema::version}, {"values", values_}};
    storage_.write_atomic(file_name, doc.dump(2) + "\n");
}

}  // namespace fw
