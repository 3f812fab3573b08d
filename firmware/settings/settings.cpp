#include "settings/settings.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

#include "acurev/board_map.hpp"
#include "settings/json_input.hpp"

namespace fw {

using nlohmann::json;

namespace {

// A board setting's stored value as its register words (one, or a float32's two, high first).
std::vector<std::uint16_t> words_of(const SettingSpec& sp, const json& v) {
    if (sp.type == SettingType::real) {
        const float f = static_cast<float>(v.get<double>());
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, sizeof bits);
        return {static_cast<std::uint16_t>(bits >> 16), static_cast<std::uint16_t>(bits & 0xFFFF)};
    }
    if (v.is_boolean()) return {static_cast<std::uint16_t>(v.get<bool>() ? 1 : 0)};
    return {static_cast<std::uint16_t>(v.get<std::int64_t>())};
}

json value_of(const SettingSpec& sp, const std::vector<std::uint16_t>& words) {
    if (sp.type == SettingType::real) {
        const std::uint32_t bits = (static_cast<std::uint32_t>(words.at(0)) << 16) | words.at(1);
        float f = 0;
        std::memcpy(&f, &bits, sizeof f);
        return static_cast<double>(f);
    }
    if (sp.type == SettingType::boolean) return words.at(0) != 0;
    return words.at(0);
}

}  // namespace

Settings::Settings(hal::Storage& storage) : storage_(storage) {
    const auto& schema = SettingsSchema::instance();
    for (const auto& sp : schema.specs()) values_[sp.key] = sp.default_value;
    if (const auto saved = storage_.read(file_name)) {
        const std::string where = std::string(file_name) + " in " + storage_.data_dir().string();
        const json doc = parse_json_input(*saved, where);
        if (!doc.is_object()) throw std::runtime_error(where + " must be a JSON object");
        const int v = doc.value("schema_version", 0);
        json saved_values;
        try {
            saved_values = SettingsSchema::migrate(doc.value("values", json::object()), v);
        } catch (const std::exception& e) {
            throw std::runtime_error(where + ": " + e.what());
        }
        json normalised;
        const auto errors = validate(saved_values, normalised);
        if (!errors.empty()) throw std::runtime_error(where + ": " + errors.front());
        for (const auto& [key, value] : normalised.items()) values_[key] = value;
        // Brought to this version on disk; a full disk only delays that (the file read is still good).
        if (v != SettingsSchema::version) (void)save(values_);
    }
    running_ = values_;
}

std::uint16_t Settings::board_word(std::uint16_t address, const json& normalised, const BoardRegisters& board) const {
    const auto& schema = SettingsSchema::instance();
    const auto* sp = schema.find_board(address);
    if (sp && normalised.contains(sp->key)) return words_of(*sp, normalised[sp->key]).at(address - sp->board->address);
    if (board)
        if (auto v = board(address)) return *v;
    if (sp) return words_of(*sp, values_[sp->key]).at(address - sp->board->address);
    const auto* d = acurev::find_setting(address);
    return d ? d->default_value : 0;
}

std::vector<std::string> Settings::validate(const json& changes, json& normalised, const BoardRegisters& board) const {
    if (!changes.is_object()) return {"settings must be a JSON object of key: value"};
    const auto& schema = SettingsSchema::instance();
    std::vector<std::string> errors;
    normalised = json::object();
    for (const auto& [key, v] : changes.items()) {
        const auto* sp = schema.find(key);
        if (!sp) {
            errors.push_back("unknown setting '" + key + "' (docs/settings.md lists them)");
            continue;
        }
        json out;
        if (auto e = sp->normalise(v, out))
            errors.push_back(*e);
        else
            normalised[key] = out;
    }
    if (!errors.empty()) return errors;
    // The schema's cross-field rules, with the change applied.
    const SettingValue after_change = [&](const std::string& key) -> const json& {
        return normalised.contains(key) ? normalised[key] : values_.at(key);
    };
    for (const auto& rule : schema.rules()) {
        const bool touched = std::any_of(rule.keys.begin(), rule.keys.end(), [&](const std::string& k) { return normalised.contains(k); });
        if (!touched) continue;
        if (auto e = rule.check(after_change)) errors.push_back(*e);
    }
    if (!errors.empty()) return errors;
    // Board rules over the whole change: the board map's checks with the change applied, so a
    // cross-field rule (interval >= 2 x sub-interval) sees both sides as they would be.
    const acurev::SettingLookup after = [&](std::uint16_t a) { return board_word(a, normalised, board); };
    for (const auto& w : board_writes(normalised))
        if (auto e = acurev::check_settings_write(w.address, w.values, after)) errors.push_back(*e);
    return errors;
}

std::vector<BoardWrite> Settings::board_writes(const json& normalised) {
    // In address order, adjacent registers merged into one write: the board then checks a
    // cross-field pair (interval and sub-interval) as one change, as validate() did.
    std::map<std::uint16_t, std::uint16_t> words;
    for (const auto& [key, v] : normalised.items()) {
        const auto* sp = SettingsSchema::instance().find(key);
        if (!sp || !sp->board) continue;
        const auto w = words_of(*sp, v);
        for (std::size_t i = 0; i < w.size(); ++i) words[static_cast<std::uint16_t>(sp->board->address + i)] = w[i];
    }
    std::vector<BoardWrite> out;
    for (const auto& [address, value] : words) {
        if (!out.empty() && out.back().address + out.back().values.size() == address && out.back().values.size() < 123)
            out.back().values.push_back(value);
        else
            out.push_back({address, {value}});
    }
    return out;
}

std::vector<std::string> Settings::change(const json& changes, const BoardRegisters& board) {
    json normalised;
    auto errors = validate(changes, normalised, board);
    if (!errors.empty()) return errors;
    json next = values_;
    for (const auto& [key, v] : normalised.items()) next[key] = v;
    // Saved first: a full disk or a cut leaves the old file whole and the running values as they were.
    if (auto e = save(next)) return {*e};
    values_ = std::move(next);
    return {};
}

void Settings::follow_board(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    json changes = json::object();
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto* sp = SettingsSchema::instance().find_board(static_cast<std::uint16_t>(address + i));
        if (!sp || changes.contains(sp->key)) continue;
        auto words = words_of(*sp, values_[sp->key]);
        for (std::size_t w = 0; w < words.size(); ++w) {
            const auto a = sp->board->address + w;
            if (a >= address && a < address + values.size()) words[w] = values[a - address];
        }
        changes[sp->key] = value_of(*sp, words);
    }
    if (changes.empty()) return;
    // The board accepted it; the copy takes it as it is (no second opinion on the board's own rules).
    // The board runs with it whatever the disk says: the link (address, baud) must follow it.
    for (const auto& [key, v] : changes.items()) values_[key] = v;
    (void)save(values_);
}

const json& Settings::value(const std::string& key) const {
    if (!values_.contains(key)) throw std::invalid_argument("no setting '" + key + "'");
    return values_[key];
}

const json& Settings::running(const std::string& key) const {
    const auto* spec = SettingsSchema::instance().find(key);
    if (spec && spec->applies == Applies::reboot && running_.contains(key)) return running_[key];
    return value(key);
}

std::int64_t Settings::number(const std::string& key) const {
    const auto& v = value(key);
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (!v.is_number_integer()) throw std::invalid_argument("setting '" + key + "' is not a whole number");
    return v.get<std::int64_t>();
}

double Settings::real(const std::string& key) const {
    const auto& v = value(key);
    if (!v.is_number()) throw std::invalid_argument("setting '" + key + "' is not a number");
    return v.get<double>();
}

std::string Settings::text(const std::string& key) const {
    const auto& v = value(key);
    if (!v.is_string()) throw std::invalid_argument("setting '" + key + "' is not text");
    return v.get<std::string>();
}

json Settings::export_json() const {
    json values = json::object();
    for (const auto& sp : SettingsSchema::instance().specs())
        if (!sp.secret) values[sp.key] = values_[sp.key];
    return {{"schema_version", SettingsSchema::version}, {"values", values}};
}

std::vector<std::string> Settings::import_json(const json& doc, const BoardRegisters& board) {
    if (!doc.is_object() || !doc.contains("values")) return {"a settings file must be an object with \"schema_version\" and \"values\""};
    json values;
    try {
        values = SettingsSchema::migrate(doc["values"], doc.value("schema_version", 0));
    } catch (const std::exception& e) {
        return {e.what()};
    }
    return change(values, board);
}

std::vector<std::string> Settings::pending_reboot() const {
    std::vector<std::string> out;
    for (const auto& sp : SettingsSchema::instance().specs())
        if (sp.applies == Applies::reboot && values_[sp.key] != running_[sp.key]) out.push_back(sp.key);
    return out;
}

std::optional<std::string> Settings::save(const json& values) {
    const json doc{{"schema_version", SettingsSchema::version}, {"values", values}};
    try {
        storage_.write_atomic(file_name, doc.dump(2) + "\n");
    } catch (const hal::StorageError& e) {
        return std::string("the settings could not be saved, nothing was changed: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace fw
