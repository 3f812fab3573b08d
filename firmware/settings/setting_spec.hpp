#pragma once
// One setting of the one schema (ARCHITECTURE "Storage and configuration"): its key
// (`<section>.<field>` after the manual's pages and labels), label as the manual words it, type,
// default, range or choices, unit, when it applies, whether it is secret, and where it comes from.
// Board settings carry their board map definition and take every rule from it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace acurev {
struct SettingDef;
}

namespace fw {

enum class Applies { live, service_restart, reboot, meter };
const char* to_string(Applies a);

enum class SettingType { integer, real, boolean, choice, text, list };
const char* to_string(SettingType t);  // "integer", "number", "boolean", "choice", "text", "list"

struct SettingSpec {
    std::string key;    // "network.modbus_tcp_port"
    std::string label;  // "Modbus TCP Port"
    SettingType type = SettingType::integer;
    nlohmann::json default_value;
    double min = 0, max = 0;                                     // numbers: range; text: length
    std::vector<std::int64_t> allowed;                           // integers accepted besides [min, max] (Modbus port 502)
    std::vector<std::pair<std::int64_t, std::string>> choices;   // choice: code and label
    std::vector<std::string> items;                              // list: the names it may hold (each at most once; min/max: how many)
    std::string items_text;                                      // list: what the names are, for errors ("parameter keys of docs/register-map.md")
    std::string unit;
    Applies applies = Applies::live;
    bool secret = false;       // stored hashed or encrypted, never exported in clear
    std::string services;      // the service that owns it ("modbus_tcp"), or "board"
    std::string section;       // "web manual 7.1.4"
    const acurev::SettingDef* board = nullptr;  // the board map's definition (board settings)

    // The allowed values as errors state them: "502 or 2000-5999", "1LN, 3LN, 2LN, ...".
    std::string range_text() const;
    // As the manual's pages state them: "Default: 502, Range: 2000 - 5999".
    std::string manual_text() const;
    // The stored value of `v` (a choice by its label or code, a boolean as true/false), or the
    // error naming the field and what is allowed. Board rules that need other settings (ranges of
    // an alarm label, float words, cross-field rules) are checked by Settings.
    std::optional<std::string> normalise(const nlohmann::json& v, nlohmann::json& out) const;
};

// A rule over several settings (the manual's cross-field rules: a log interval no shorter than its
// parameters allow, only an enabled post channel selected). `check` sees the values as they would
// be after the change; it runs for every change that touches one of `keys`.
using SettingValue = std::function<const nlohmann::json&(const std::string& key)>;
struct SettingsRule {
    std::vector<std::string> keys;
    std::function<std::optional<std::string>(const SettingValue& after)> check;
};

// Builders for a service's part of the schema: `section` is where the manual says it ("web manual
// 7.8: ..."), `applies` when a change takes effect.
SettingSpec make_setting(const char* key, std::string label, SettingType type, nlohmann::json def, Applies applies, std::string section);
SettingSpec text_setting(const char* key, std::string label, std::string def, double min_length, double max_length, Applies applies,
                         std::string section, bool secret = false);
SettingSpec integer_setting(const char* key, std::string label, int def, int min, int max, std::string unit, Applies applies,
                            std::string section);

}  // namespace fw
