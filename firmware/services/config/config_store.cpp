#include "services/config/config_store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "settings/settings.hpp"
#include "update/a2up.hpp"
#include "update/update_service.hpp"

namespace fw::config {

namespace {

using nlohmann::json;

constexpr const char* suffix = ".conf.ehm";

bool ends_with(const std::string& s, const std::string& end) { return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0; }

// The device's local time with its offset: "2026-12-03T18:40:02+0000" (web manual 11.1 names files with it).
std::string created_now(const hal::DeviceClock& clock) {
    using namespace std::chrono;
    const auto offset_s = clock.zone_now().utc_offset_s;
    const auto local = floor<seconds>(clock.local());
    const sys_days day = floor<days>(sys_seconds(local));
    const year_month_day ymd{day};
    const hh_mm_ss hms{sys_seconds(local) - day};
    const auto off = std::abs(offset_s) / 60;
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld%c%02d%02d", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()), offset_s < 0 ? '-' : '+', static_cast<int>(off / 60), static_cast<int>(off % 60));
    return text;
}

bool created_form(const std::string& s) {  // YYYY-MM-DDTHH:MM:SS+HHMM
    static constexpr const char* form = "dddd-dd-ddTdd:dd:dd+dddd";
    if (s.size() != 24) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char f = form[i];
        if (f == 'd' ? !(s[i] >= '0' && s[i] <= '9') : f == '+' ? !(s[i] == '+' || s[i] == '-') : s[i] != f) return false;
    }
    return true;
}

bool serial_form(const std::string& s) {
    return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'; });
}

json header_json(const Header& h, const std::string& name) {
    return {{"name", name},
            {"model", h.model},
            {"serial", h.serial},
            {"created", h.created},
            {"firmware_version", h.firmware_version},
            {"schema_version", h.schema_version},
            {"description", h.description}};
}

}  // namespace

std::string file_name(const Header& h) {
    std::string created = h.created;
    std::replace(created.begin(), created.end(), ':', '-');
    return h.serial + "-v" + h.firmware_version + "-" + created + suffix;
}

bool valid_file_name(const std::string& name) {
    return ends_with(name, suffix) && name.size() <= 120 && name.find('/') == std::string::npos && name.find("..") == std::string::npos &&
           name.front() != '.';
}

std::optional<std::array<std::uint8_t, 32>> ConfigStore::family_key() const {
    const auto hex = c_.hal.system.identity().family_key;
    if (hex.empty()) return std::nullopt;
    return a2up::parse_family_key(hex);
}

std::vector<std::string> ConfigStore::names() const {
    std::vector<std::string> out;
    for (const auto& n : c_.hal.storage.list(folder))
        if (ends_with(n, suffix)) out.push_back(n);
    std::sort(out.begin(), out.end());
    return out;
}

json ConfigStore::list() const {
    json out = json::array();
    for (const auto& n : names())
        if (auto d = detail(n)) out.push_back(*d);
    return out;
}

std::optional<std::string> ConfigStore::file(const std::string& name) const {
    if (!valid_file_name(name)) return std::nullopt;
    return c_.hal.storage.read(std::string(folder) + "/" + name);
}

std::optional<json> ConfigStore::detail(const std::string& name) const {
    const auto text = file(name);
    if (!text) return std::nullopt;
    try {
        return header_json(ConfigFile::read(*text, family_key()).header, name);
    } catch (const std::exception& e) {
        return json{{"name", name}, {"error", e.what()}};
    }
}

bool ConfigStore::remove(const std::string& name) {
    if (!file(name)) return false;
    c_.hal.storage.remove(std::string(folder) + "/" + name);
    return true;
}

ConfigStore::Result ConfigStore::backup(const std::string& description) {
    if (description.size() > 64) return {"the description is " + std::to_string(description.size()) + " characters; at most 64", "", 400};
    if (names().size() >= max_local) return {too_many, "", 409};
    ConfigFile f;
    f.header = {UpdateService::model, c_.hal.system.identity().module_serial, running_firmware_version(c_.hal), created_now(c_.hal.clock), description,
                SettingsSchema::version};
    const bool sealed = family_key().has_value();
    for (const auto& sp : SettingsSchema::instance().specs()) {
        const auto cls = classify(sp.key);
        if (!cls || !cls->included) continue;
        if (!sp.secret)
            f.settings[sp.key] = c_.settings.value(sp.key);
        else if (sealed)
            f.secrets[sp.key] = c_.settings.value(sp.key);
    }
    const auto name = file_name(f.header);
    if (!serial_form(f.header.serial)) return {"the module serial number '" + f.header.serial + "' cannot name a file", "", 500};
    if (c_.hal.storage.read(std::string(folder) + "/" + name)) return {"a backup named " + name + " exists already (one a second)", "", 409};
    try {
        c_.hal.storage.write_atomic(std::string(folder) + "/" + name, f.write(family_key()));
    } catch (const hal::StorageError& e) {
        return {std::string("the backup could not be saved: ") + e.what(), "", 507};
    }
    return {std::nullopt, name, 200};
}

json ConfigStore::settings_of(const ConfigFile& f) const {
    json values = f.settings;
    for (const auto& [k, v] : f.secrets.items()) values[k] = v;
    try {
        values = SettingsSchema::migrate(values, f.header.schema_version);
    } catch (const std::exception& e) {
        throw ConfigError(e.what());
    }
    std::vector<std::string> errors;
    for (const auto& [k, v] : values.items()) {
        const auto cls = classify(k);
        if (!SettingsSchema::instance().find(k))
            errors.push_back("unknown setting '" + k + "' (docs/settings.md lists them)");
        else if (!cls || !cls->included)
            errors.push_back("'" + k + "' is not carried by a configuration file (web manual 11: " + (cls ? cls->why : "unclassified") + ")");
    }
    if (errors.empty()) {
        json normalised;
        errors = c_.settings.validate(values, normalised);
    }
    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e;
        throw ConfigError(all);
    }
    return values;
}

ConfigStore::Result ConfigStore::import(const std::string& text) {
    ConfigFile f;
    try {
        f = ConfigFile::read(text, family_key());
        if (f.header.model != UpdateService::model)
            throw ConfigError("the file is from a " + f.header.model + "; this module is a " + std::string(UpdateService::model));
        const auto theirs = a2up::Version::parse(f.header.firmware_version);
        const auto ours = a2up::Version::parse(running_firmware_version(c_.hal));
        if (!theirs) throw ConfigError("the header's firmware version '" + f.header.firmware_version + "' is not X.Y.Z");
        // web manual 11.3: not from a unit with a higher firmware version.
        if (ours && *theirs > *ours)
            return {"Cannot import a configuration file exported from an AcuRev 2100 with a higher firmware version (v" + f.header.firmware_version +
                        " > v" + running_firmware_version(c_.hal) + ")",
                    "", 409};
        if (!serial_form(f.header.serial)) throw ConfigError("the header's serial number '" + f.header.serial + "' is not 1-32 letters, digits, - or _");
        if (!created_form(f.header.created)) throw ConfigError("the header's time created '" + f.header.created + "' is not YYYY-MM-DDTHH:MM:SS+HHMM");
        (void)settings_of(f);  // the migrations and the validator, before anything is kept
    } catch (const ConfigError& e) {
        return {std::string("configuration file refused: ") + e.what(), "", 400};
    }
    const auto name = file_name(f.header);
    const auto local = names();
    if (std::find(local.begin(), local.end(), name) != local.end()) return {duplicate, name, 409};
    if (local.size() >= max_local) return {too_many, "", 409};
    try {
        c_.hal.storage.write_atomic(std::string(folder) + "/" + name, text);
    } catch (const hal::StorageError& e) {
        return {std::string("the configuration could not be saved: ") + e.what(), "", 507};
    }
    return {std::nullopt, name, 200};
}

void ConfigStore::apply(const std::string& name, std::function<void(std::vector<std::string>, std::vector<std::string>)> done) {
    const auto text = file(name);
    if (!text) return done({"no local configuration named '" + name + "'"}, {});
    json values;
    try {
        values = settings_of(ConfigFile::read(*text, family_key()));
    } catch (const std::exception& e) {
        return done({std::string("configuration not applied: ") + e.what()}, {});
    }
    // Only what differs: a setting already as the file has it restarts nothing and writes nothing.
    json changes = json::object();
    std::vector<std::string> keys;
    for (const auto& [k, v] : values.items()) {
        json normalised;
        if (!c_.settings.validate({{k, v}}, normalised).empty() || normalised[k] != c_.settings.value(k)) {
            changes[k] = v;
            keys.push_back(k);
        }
    }
    if (changes.empty()) return done({}, {});
    c_.module.change_settings(changes, [keys, done](ModuleControl::Errors errors) { done(errors, errors.empty() ? keys : std::vector<std::string>{}); });
}

}  // namespace fw::config
