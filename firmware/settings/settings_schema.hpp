#pragma once
// The one settings schema of the module and the board: the module's own settings, the settings
// each service declares beside its code (ServiceDescriptor::settings), and the board's settings
// from the board map. Versioned; older saved sets migrate step by step.
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "settings/setting_spec.hpp"

namespace fw {

class SettingsSchema {
public:
    // 1: flat keys ("modbus_tcp_port", float settings as two words); 2: `<section>.<field>` keys.
    static constexpr int version = 2;
    static const SettingsSchema& instance();
    const std::vector<SettingSpec>& specs() const { return specs_; }
    const SettingSpec* find(const std::string& key) const;
    const std::vector<SettingsRule>& rules() const { return rules_; }
    const SettingSpec* find_board(std::uint16_t address) const;  // the spec of a board register (either word of a float)
    // A saved set of `from_version` brought to `version`, one step at a time. Throws
    // std::runtime_error for a version newer than this firmware's.
    static nlohmann::json migrate(nlohmann::json values, int from_version);
    // docs/settings.md, generated (a test keeps it current).
    std::string markdown() const;

private:
    SettingsSchema();
    std::vector<SettingSpec> specs_;
    std::unordered_map<std::string, std::size_t> by_key_;
    std::vector<SettingsRule> rules_;
};

// The module's own settings (device, ...); services declare theirs in the registry.
std::vector<SettingSpec> module_settings();

}  // namespace fw
