#pragma once
// The one settings schema (ARCHITECTURE "Storage and configuration"): each key with its type,
// default, range, unit, when it applies, the services it affects and where it comes from. Board
// settings come from the board map's table (acurev::board_settings), so the ranges exist once.
// Saved atomically in the data directory as versioned JSON; a save with any bad value is
// refused whole, each error naming the field, the value and the allowed range.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hal/storage.hpp"

namespace fw {

enum class Applies { live, service_restart, reboot, board };

struct SettingSpec {
    std::string key;
    std::string label;
    bool is_text = false;
    std::int64_t default_number = 0;
    std::string default_text;
    std::int64_t min = 0, max = 0;              // numbers: range; text: length
    std::vector<std::int64_t> allowed;          // numbers accepted besides [min, max] (e.g. Modbus port 502)
    std::vector<std::int64_t> only;             // when not empty, the only numbers accepted
    std::string unit;
    Applies applies = Applies::live;
    std::string services;
    std::string source;
    std::optional<std::uint16_t> board_register;

    std::string range_text() const;
    std::optional<std::string> check(const nlohmann::json& value) const;
};

class SettingsSchema {
public:
    static constexpr int version = 1;
    static const SettingsSchema& instance();
    const std::vector<SettingSpec>& specs() const { return specs_; }
    const SettingSpec* find(const std::string& key) const;

private:
    SettingsSchema();
    std::vector<SettingSpec> specs_;
};

class Settings {
public:
    static constexpr const char* file_name = "settings.json";
    explicit Settings(hal::Storage& storage);  // loads the saved file, or the defaults

    // Validates every change first; applies and saves only when all are good. Returns the errors.
    std::vector<std::string> change(const nlohmann::json& changes);
    std::int64_t number(const std::string& key) const;
    std::string text(const std::string& key) const;
    nlohmann::json to_json() const;

private:
    void save();
    hal::Storage& storage_;
    nlohmann::json values_;
};

}  // namespace fw
