#include "settings/setting_spec.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "acurev/board_map.hpp"

namespace fw {

namespace {
std::string number_text(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}
}  // namespace

const char* to_string(Applies a) {
    switch (a) {
        case Applies::live: return "live";
        case Applies::service_restart: return "service restart";
        case Applies::reboot: return "reboot";
        case Applies::meter: return "meter";
    }
    return "?";
}

const char* to_string(SettingType t) {
    switch (t) {
        case SettingType::integer: return "integer";
        case SettingType::real: return "number";
        case SettingType::boolean: return "boolean";
        case SettingType::choice: return "choice";
        case SettingType::text: return "text";
        case SettingType::list: return "list";
    }
    return "?";
}

std::string SettingSpec::range_text() const {
    switch (type) {
        case SettingType::text: return "text of " + number_text(min) + "-" + number_text(max) + " characters";
        case SettingType::boolean: return "true or false";
        case SettingType::list: return "a list of " + number_text(min) + "-" + number_text(max) + " " + items_text + ", each at most once";
        case SettingType::choice: {
            std::string t;
            for (const auto& [code, name] : choices) t += (t.empty() ? "" : ", ") + name + " (" + std::to_string(code) + ")";
            return t;
        }
        case SettingType::real: return number_text(min) + " to " + number_text(max);
        case SettingType::integer: break;
    }
    if (board) return board->range_text();
    std::string t;
    for (auto a : allowed) t += std::to_string(a) + " or ";
    return t + number_text(min) + "-" + number_text(max);
}

std::string SettingSpec::manual_text() const {
    std::string d = default_value.is_string() ? default_value.get<std::string>() : default_value.dump();
    if (type == SettingType::list) return "Default: " + (default_value.empty() ? std::string("none") : d) + ", Allowed: " + range_text();
    if (type == SettingType::choice)
        for (const auto& [code, name] : choices)
            if (default_value == code) d = name;
    if (type == SettingType::integer && !board)
        return "Default: " + d + ", Range: " + number_text(min) + " - " + number_text(max);
    if (type == SettingType::integer && board->ranges.empty() && board->allowed.empty())
        return "Default: " + d + ", Range: " + number_text(board->min) + " - " + number_text(board->max);
    return "Default: " + d + ", Allowed: " + range_text();
}

std::optional<std::string> SettingSpec::normalise(const nlohmann::json& v, nlohmann::json& out) const {
    // Worded as the manual's pages word it: "CT Ratio 1 must be between 5 and 50000 A, got 60000".
    auto refuse = [&](const std::string& shown) {
        const bool plain_range = (type == SettingType::integer || type == SettingType::real) && allowed.empty() &&
                                 (!board || (board->ranges.empty() && board->allowed.empty()));
        const bool board_word = board && type == SettingType::integer;
        const std::string rule = plain_range ? "between " + number_text(board_word ? board->min : min) + " and " + number_text(board_word ? board->max : max)
                                 : type == SettingType::choice ? "one of " + range_text()
                                                               : range_text();
        return label + " must be " + rule + (unit.empty() ? "" : " " + unit) + ", got " + shown;
    };
    switch (type) {
        case SettingType::text: {
            if (!v.is_string()) return label + " must be text, got " + v.dump();
            const auto n = static_cast<double>(v.get<std::string>().size());
            if (n < min || n > max) return refuse(secret ? number_text(n) + " characters" : "'" + v.get<std::string>() + "'");  // a secret is never echoed
            out = v;
            return std::nullopt;
        }
        case SettingType::list: {
            if (!v.is_array()) return label + " must be " + range_text() + ", got " + v.dump().substr(0, 80);
            if (v.size() < min || v.size() > max) return label + " must be " + range_text() + ", got " + std::to_string(v.size());
            std::vector<std::string> seen;
            for (const auto& item : v) {
                if (!item.is_string()) return label + " must hold " + items_text + ", got " + item.dump().substr(0, 80);
                const auto& name = item.get_ref<const std::string&>();
                if (std::find(items.begin(), items.end(), name) == items.end())
                    return label + " must hold " + items_text + ", got '" + name.substr(0, 80) + "'";
                if (std::find(seen.begin(), seen.end(), name) != seen.end()) return label + " holds '" + name + "' twice";
                seen.push_back(name);
            }
            out = v;
            return std::nullopt;
        }
        case SettingType::boolean:
            if (v.is_boolean()) {
                out = v;
                return std::nullopt;
            }
            if (v.is_number_integer() && (v == 0 || v == 1)) {
                out = v == 1;
                return std::nullopt;
            }
            return label + " must be true or false, got " + v.dump();
        case SettingType::choice:
            for (const auto& [code, name] : choices)
                if ((v.is_string() && v.get<std::string>() == name) || (v.is_number_integer() && v.get<std::int64_t>() == code)) {
                    out = code;
                    return std::nullopt;
                }
            return refuse(v.dump());
        case SettingType::real: {
            if (!v.is_number()) return label + " must be a number, got " + v.dump();
            const double d = v.get<double>();
            // float32 on the board: what it would hold is what is checked.
            const double held = board ? static_cast<double>(static_cast<float>(d)) : d;
            if (!std::isfinite(held) || held < min || held > max) return refuse(number_text(d));
            out = held;
            return std::nullopt;
        }
        case SettingType::integer: break;
    }
    if (!v.is_number_integer()) return label + " must be a whole number, got " + v.dump();
    const auto n = v.get<std::int64_t>();
    bool ok = false;
    if (board)
        ok = n >= 0 && n <= 0xFFFF && board->accepts(static_cast<std::uint16_t>(n));
    else
        ok = (n >= min && n <= max) || std::find(allowed.begin(), allowed.end(), n) != allowed.end();
    if (!ok) return refuse(std::to_string(n));
    out = n;
    return std::nullopt;
}

SettingSpec make_setting(const char* key, std::string label, SettingType type, nlohmann::json def, Applies applies, std::string section) {
    SettingSpec sp;
    sp.key = key;
    sp.label = std::move(label);
    sp.type = type;
    sp.default_value = std::move(def);
    sp.applies = applies;
    sp.section = std::move(section);
    return sp;
}

SettingSpec text_setting(const char* key, std::string label, std::string def, double min_length, double max_length, Applies applies,
                         std::string section, bool secret) {
    auto sp = make_setting(key, std::move(label), SettingType::text, std::move(def), applies, std::move(section));
    sp.min = min_length;
    sp.max = max_length;
    sp.secret = secret;
    return sp;
}

SettingSpec integer_setting(const char* key, std::string label, int def, int min, int max, std::string unit, Applies applies,
                            std::string section) {
    auto sp = make_setting(key, std::move(label), SettingType::integer, def, applies, std::move(section));
    sp.min = min;
    sp.max = max;
    sp.unit = std::move(unit);
    return sp;
}

}  // namespace fw
