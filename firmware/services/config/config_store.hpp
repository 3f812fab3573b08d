#pragma once
// Config Management (web manual 11): the List of Local Configurations kept in the data directory's
// `config/` folder — Backup (with a description), Detail, Delete, Export (the file as it is), Apply
// (through the one settings validator; settings that apply on reboot stay pending until the module
// reboots) and Import with the manual's rules: no duplicate of a local one, at most 10, not from a
// higher firmware version. The file: services/config/config_file.hpp and docs/config.md.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/config/config_file.hpp"
#include "services/service.hpp"

namespace fw::config {

class ConfigStore {
public:
    static constexpr const char* folder = "config";
    static constexpr std::size_t max_local = 10;  // web manual 11.1
    static constexpr const char* too_many = "Cannot have more than 10 configurations";
    static constexpr const char* duplicate = "Cannot import a file that already exists in the List of Local Configurations";
    static constexpr const char* imported = "Configuration file import successful";

    explicit ConfigStore(ServiceContext& context) : c_(context) {}

    // Outcome of a request: the error (as the manual words it, or what is wrong), or the file name.
    struct Result {
        std::optional<std::string> error;
        std::string name;
        int status = 200;  // the HTTP status the web API answers with
    };

    nlohmann::json list() const;                       // [{name, model, serial, created, firmware_version, description}]
    std::optional<nlohmann::json> detail(const std::string& name) const;
    std::optional<std::string> file(const std::string& name) const;  // the stored text (Export)
    Result backup(const std::string& description);
    Result import(const std::string& text);
    bool remove(const std::string& name);
    // Applies a local configuration: `done(errors, keys)` with the keys it set.
    void apply(const std::string& name, std::function<void(std::vector<std::string> errors, std::vector<std::string> keys)> done);

    // The included settings of a file, brought to this schema (migrations) and checked (validator):
    // {key: value}, or throws ConfigError naming what is wrong.
    nlohmann::json settings_of(const ConfigFile& f) const;

private:
    std::vector<std::string> names() const;
    std::optional<std::array<std::uint8_t, 32>> family_key() const;
    ServiceContext& c_;
};

// "EHM20020001-v1.0.0-2026-12-03T18-40-02+0000.conf.ehm": the serial, firmware version and time created.
std::string file_name(const Header& h);
bool valid_file_name(const std::string& name);

}  // namespace fw::config
