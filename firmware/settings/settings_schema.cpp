#include "settings/settings_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>

#include "acurev/board_map.hpp"
#include "services/service.hpp"

namespace fw {

namespace {

namespace s = acurev::settings;
using nlohmann::json;

std::string strip(const std::string& key, const std::string& prefix) {
    return key.rfind(prefix, 0) == 0 ? key.substr(prefix.size()) : key;
}

// `<section>.<field>` of a board setting, after the manual's pages: meter settings (6.6.1),
// RS-485 (6.5), DI and RO (6.3.5), alarms (6.4.3), TOU. The event log window is a reader's
// control, not a setting: it has no key.
std::optional<std::string> board_key(const acurev::SettingDef& d) {
    namespace b = acurev::blocks;
    const auto a = d.address;
    if (b::event_window.contains(a, 1)) return std::nullopt;
    if (b::rs485.contains(a, 1)) return "rs485." + strip(d.key, "rs485_");
    if (b::di_settings.contains(a, 1)) return "digital_inputs." + d.key;
    if (b::ro_settings.contains(a, 1)) return "relay_outputs." + d.key;
    if (b::alarm_settings.contains(a, 1)) return "alarms." + d.key;
    if (b::tou_settings.contains(a, 1)) return "tou." + strip(d.key, "tou_");
    if (d.key.rfind("ct_primary_", 0) == 0) return "meter.ct_ratio_" + strip(d.key, "ct_primary_");  // the manual's "CT Ratio"
    return "meter." + d.key;
}

// The names of the codes of the board's choice settings (the codes themselves are the board map's).
const std::map<std::uint16_t, std::vector<std::pair<std::int64_t, std::string>>>& choice_labels() {
    static const std::map<std::uint16_t, std::vector<std::pair<std::int64_t, std::string>>> labels{
        {s::demand_method, {{0, "sliding"}, {1, "rolling"}, {2, "fixed"}, {3, "thermal"}}},
        {s::ct_type, {{80, "80mA"}, {100, "100mA"}, {120, "RCT"}, {200, "200mA"}, {333, "333mV"}}},
        {s::var_method, {{0, "true"}, {1, "generalized"}}},
        {s::pf_convention, {{0, "IEC"}, {1, "IEEE"}}},
        {s::wiring, {{0, "1LN"}, {1, "3LN"}, {2, "2LN"}, {3, "high-leg"}, {4, "2LL"}, {5, "2LN/Network"}}},
        {s::rs485_parity, {{0, "even"}, {1, "odd"}, {2, "none2"}, {3, "none"}}},
    };
    return labels;
}

SettingSpec board_spec(const acurev::SettingDef& d, std::string key) {
    SettingSpec sp;
    sp.key = std::move(key);
    sp.label = d.label;
    sp.unit = d.unit;
    sp.applies = Applies::meter;
    sp.services = "board";
    sp.section = d.source;
    sp.board = &d;
    if (d.word == acurev::Word::float_high) {
        sp.type = SettingType::real;
        sp.min = d.min_float;
        sp.max = d.max_float;
        std::uint32_t bits = (static_cast<std::uint32_t>(d.default_value) << 16) | acurev::find_setting(static_cast<std::uint16_t>(d.address + 1))->default_value;
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        sp.default_value = static_cast<double>(f);
        return sp;
    }
    sp.min = d.min;
    sp.max = d.max;
    sp.allowed.assign(d.allowed.begin(), d.allowed.end());
    sp.default_value = d.default_value;
    const auto& labels = choice_labels();
    if (auto it = labels.find(d.address); it != labels.end()) {
        sp.type = SettingType::choice;
        sp.choices = it->second;
    } else if (d.min == 0 && d.max == 1 && d.allowed.empty() && d.key.size() >= 6 && d.key.compare(d.key.size() - 6, 6, "enable") == 0) {
        sp.type = SettingType::boolean;
        sp.default_value = d.default_value != 0;
    }
    return sp;
}

}  // namespace

std::vector<SettingSpec> module_settings() {
    SettingSpec desc;
    desc.key = "device.description";
    desc.label = "Device Description";
    desc.type = SettingType::text;
    desc.default_value = "AcuRev 2100";
    desc.min = 0;
    desc.max = 40;
    desc.section = "web manual 6.6.1";
    return {desc};
}

SettingsSchema::SettingsSchema() {
    specs_ = module_settings();
    for (const auto& d : service_registry()) {
        for (auto sp : d.settings) {
            sp.services = d.name;
            specs_.push_back(std::move(sp));
        }
        rules_.insert(rules_.end(), d.rules.begin(), d.rules.end());
    }
    for (const auto& d : acurev::board_settings()) {
        if (d.word == acurev::Word::float_low) continue;  // one key for both words
        if (auto key = board_key(d)) specs_.push_back(board_spec(d, *key));
    }
    for (std::size_t i = 0; i < specs_.size(); ++i)
        if (!by_key_.emplace(specs_[i].key, i).second) throw std::logic_error("settings schema: key " + specs_[i].key + " declared twice");
    for (const auto& r : rules_)
        for (const auto& k : r.keys)
            if (!by_key_.contains(k)) throw std::logic_error("settings schema: a rule names unknown key " + k);
}

const SettingsSchema& SettingsSchema::instance() {
    static const SettingsSchema schema;
    return schema;
}

const SettingSpec* SettingsSchema::find(const std::string& key) const {
    const auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &specs_[it->second];
}

const SettingSpec* SettingsSchema::find_board(std::uint16_t address) const {
    const auto* d = acurev::find_setting(address);
    if (!d) return nullptr;
    const auto high = d->word == acurev::Word::float_low ? static_cast<std::uint16_t>(address - 1) : address;
    for (const auto& sp : specs_)
        if (sp.board && sp.board->address == high) return &sp;
    return nullptr;
}

json SettingsSchema::migrate(json values, int from_version) {
    if (from_version > version)
        throw std::runtime_error("settings schema version " + std::to_string(from_version) + " is newer than this firmware's (" +
                                 std::to_string(version) + ")");
    if (from_version < 1) from_version = 1;
    if (from_version == 1) {
        // 1 -> 2: keys become `<section>.<field>`; a float setting was two words.
        const std::map<std::string, std::string> module{{"modbus_tcp_port", "network.modbus_tcp_port"},
                                                        {"modbus_tcp_idle_timeout", "network.modbus_tcp_idle_timeout"},
                                                        {"modbus_tcp_max_connections", "network.modbus_tcp_max_connections"},
                                                        {"device_description", "device.description"}};
        json out = json::object();
        for (const auto& [old_key, v] : values.items())
            if (auto it = module.find(old_key); it != module.end()) out[it->second] = v;
        for (const auto& sp : instance().specs()) {
            if (!sp.board || !values.contains(sp.board->key)) continue;
            const auto& v = values[sp.board->key];
            if (sp.type == SettingType::real) {
                const auto lo = values.value(sp.board->key + "_lo", json(0));
                auto word = [](const json& w) { return w.is_number_integer() && w.get<std::int64_t>() >= 0 && w.get<std::int64_t>() <= 0xFFFF; };
                if (!word(v) || !word(lo)) continue;
                const std::uint32_t bits = (v.get<std::uint32_t>() << 16) | (lo.get<std::uint32_t>() & 0xFFFF);
                float f = 0;
                std::memcpy(&f, &bits, sizeof f);
                out[sp.key] = static_cast<double>(f);
            } else if (sp.type == SettingType::boolean && v.is_number_integer()) {
                out[sp.key] = v.get<int>() != 0;
            } else {
                out[sp.key] = v;
            }
        }
        values = out;
        from_version = 2;
    }
    return values;
}

std::string SettingsSchema::markdown() const {
    std::ostringstream out;
    out << "# Settings\n\n"
           "Generated from the settings schema by `build/bin/acurev-catalogue --settings`; a test keeps it current.\n"
           "Schema version " << version << ". Keys are `<section>.<field>` after the web manual's pages and labels.\n"
           "Set them with `acurev-sim run --set KEY=VALUE` or a `\"settings\"` object in `--config`; booleans are\n"
           "`true`/`false`, choices their label or code. *Applies*: live (at once), service restart (the owning\n"
           "service restarts alone), reboot (listed as pending until the module reboots), meter (written to the\n"
           "metering board, which checks it against its register map). Secret settings are stored hashed and never\n"
           "exported in clear.\n\n"
           "| key | label | type | default and allowed values | unit | applies | from |\n|---|---|---|---|---|---|---|\n";
    for (const auto& sp : specs_) {
        std::string section = sp.section;
        std::replace(section.begin(), section.end(), '|', '/');
        out << "| `" << sp.key << "` | " << sp.label << " | " << to_string(sp.type) << " | " << sp.manual_text() << " | " << sp.unit << " | " << to_string(sp.applies) << (sp.secret ? ", secret" : "") << " | " << section
            << " |\n";
    }
    return out.str();
}

}  // namespace fw
