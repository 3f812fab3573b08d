#include "rig_config.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "acurev/board_map.hpp"
#include "meter/wiring.hpp"
#include "settings/json_input.hpp"

namespace harness {

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw ConfigError("config field '" + path + "' " + what); }

void only_fields(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
    if (!obj.is_object()) fail(path.empty() ? "(top)" : path, "must be an object");
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& [k, v] : obj.items())
        if (!ok.count(k)) {
            std::string list;
            for (const auto* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            fail(path.empty() ? k : path + "." + k, "is unknown; allowed fields: " + list);
        }
}

double number(const json& obj, const std::string& key, const std::string& path, double def, double lo, double hi) {
    if (!obj.contains(key)) return def;
    const auto& v = obj.at(key);
    const std::string p = path.empty() ? key : path + "." + key;
    if (!v.is_number()) fail(p, "must be a number, got " + v.dump());
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi)) {
        std::ostringstream r;
        r << "= " << v.dump() << " is out of range: " << lo << "-" << hi;
        fail(p, r.str());
    }
    return d;
}

std::string choice(const json& obj, const std::string& key, const std::string& path, const std::string& def,
                   std::initializer_list<const char*> allowed) {
    if (!obj.contains(key)) return def;
    const std::string p = path.empty() ? key : path + "." + key;
    if (!obj.at(key).is_string()) fail(p, "must be a string");
    const auto s = obj.at(key).get<std::string>();
    std::string list;
    for (const auto* a : allowed) {
        if (s == a) return s;
        list += (list.empty() ? "" : ", ") + std::string(a);
    }
    fail(p, "= \"" + s + "\" is not one of: " + list);
}

std::vector<sim::Harmonic> harmonics(const json& obj, const std::string& path) {
    std::vector<sim::Harmonic> out;
    if (!obj.contains("harmonics")) return out;
    const auto& arr = obj.at("harmonics");
    if (!arr.is_array()) fail(path + ".harmonics", "must be an array");
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string p = path + ".harmonics[" + std::to_string(i) + "]";
        only_fields(arr[i], p, {"order", "percent", "angle"});
        sim::Harmonic h;
        h.order = static_cast<int>(number(arr[i], "order", p, 0, 2, sim::meter::max_harmonic));
        if (!arr[i].contains("order")) fail(p + ".order", "is required: 2-63");
        h.percent = number(arr[i], "percent", p, 0, 0, 100);
        h.angle_deg = number(arr[i], "angle", p, 0, -360, 360);
        out.push_back(h);
    }
    return out;
}

std::uint16_t ct_code(const std::string& s) {
    if (s == "RCT") return 120;
    if (s == "333mV") return 333;
    if (s == "80mA") return 80;
    if (s == "100mA") return 100;
    return 200;
}

const char* const wiring_names[] = {"1LN", "3LN", "2LN", "high-leg", "2LL", "2LN/Network"};  // register 0x0888 order

std::uint16_t wiring_code(const std::string& s) {
    for (std::uint16_t i = 0; i < 6; ++i)
        if (s == wiring_names[i]) return i;
    return 1;
}

}  // namespace

const char* wiring_name(std::uint16_t code) { return code < 6 ? wiring_names[code] : "?"; }

RigConfig parse_config(const json& doc) {
    only_fields(doc, "", {"seed", "fidelity", "start_time", "frequency", "ct_type", "wiring", "rated_voltage", "voltage",
                          "voltages", "channels", "rs485", "settings", "network", "update", "$comment"});
    RigConfig c;
    if (doc.contains("network")) {
        // Where each interface's services listen (127.0.0.0/8 in tests): {"eth2": "127.0.0.2"}.
        only_fields(doc["network"], "network", {"eth1", "eth2"});
        for (const char* n : {"eth1", "eth2"})
            if (doc["network"].contains(n)) {
                const auto& v = doc["network"][n];
                if (!v.is_string()) fail(std::string("network.") + n, "must be an IPv4 address such as \"127.0.0.2\"");
                (std::string(n) == "eth1" ? c.bind_address : c.eth2_address) = v.get<std::string>();
            }
    }
    if (doc.contains("update")) {
        // The module's factory keys for firmware packages: {"public_key": "keys/signing.pub", "family_key": "keys/family.key"}.
        only_fields(doc["update"], "update", {"public_key", "family_key"});
        for (const char* n : {"public_key", "family_key"})
            if (doc["update"].contains(n)) {
                const auto& v = doc["update"][n];
                if (!v.is_string()) fail(std::string("update.") + n, "must be the path of a key file");
                (std::string(n) == "public_key" ? c.update_key_file : c.family_key_file) = v.get<std::string>();
            }
    }
    if (doc.contains("settings")) {
        // Any module or board setting (docs/settings.md), checked when the rig is built.
        if (!doc["settings"].is_object()) fail("settings", "must be an object of setting key: value (docs/settings.md)");
        c.settings = doc["settings"];
    }
    if (doc.contains("seed")) {
        if (!doc["seed"].is_number_unsigned()) fail("seed", "must be a whole number >= 0, got " + doc["seed"].dump());
        c.seed = doc["seed"].get<std::uint64_t>();
    }
    c.fidelity = choice(doc, "fidelity", "", "sample", {"sample", "analytic"}) == "analytic" ? sim::meter::Fidelity::analytic
                                                                                             : sim::meter::Fidelity::sample;
    c.start_time = hal::Time(std::chrono::seconds(static_cast<std::int64_t>(
        number(doc, "start_time", "", static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(c.start_time).count()),
               946684800, 4102444799))));
    c.frequency = number(doc, "frequency", "", 50, 45, 65);
    c.ct_type = ct_code(choice(doc, "ct_type", "", "333mV", {"RCT", "333mV", "80mA", "100mA", "200mA"}));
    c.wiring = wiring_code(choice(doc, "wiring", "", "3LN", {"1LN", "3LN", "2LN", "high-leg", "2LL", "2LN/Network"}));
    c.rated_voltage = static_cast<std::uint16_t>(number(doc, "rated_voltage", "", 220, 10, 400));

    // Voltages: one balanced set ("voltage") or three phases ("voltages").
    if (doc.contains("voltage") && doc.contains("voltages")) fail("voltage", "and 'voltages' cannot both be given");
    if (doc.contains("voltages")) {
        const auto& arr = doc["voltages"];
        if (!arr.is_array() || arr.size() != 3) fail("voltages", "must be an array of 3 phases");
        for (std::size_t p = 0; p < 3; ++p) {
            const std::string path = "voltages[" + std::to_string(p) + "]";
            only_fields(arr[p], path, {"rms", "angle", "harmonics", "dc", "noise"});
            auto& w = c.voltages[p];
            w.rms = number(arr[p], "rms", path, c.rated_voltage, 0, 1000);
            w.angle_deg = number(arr[p], "angle", path, -120.0 * static_cast<double>(p), -360, 360);
            w.harmonics = harmonics(arr[p], path);
            w.dc = number(arr[p], "dc", path, 0, -100, 100);
            w.noise_rms = number(arr[p], "noise", path, 0, 0, 10);
        }
    } else {
        const json v = doc.value("voltage", json::object());
        only_fields(v, "voltage", {"rms", "harmonics", "noise"});
        for (std::size_t p = 0; p < 3; ++p) {
            auto& w = c.voltages[p];
            w.rms = number(v, "rms", "voltage", c.rated_voltage, 0, 1000);
            w.angle_deg = -120.0 * static_cast<double>(p);
            w.harmonics = harmonics(v, "voltage");
            w.noise_rms = number(v, "noise", "voltage", 0, 0, 10);
        }
    }

    const auto layout = sim::meter::wiring_layout(c.wiring);
    if (doc.contains("channels")) {
        const auto& arr = doc["channels"];
        if (!arr.is_array()) fail("channels", "must be an array");
        for (std::size_t i = 0; i < arr.size(); ++i) {
            const std::string path = "channels[" + std::to_string(i) + "]";
            only_fields(arr[i], path, {"channel", "ct_primary", "current", "pf", "lead", "angle", "harmonics", "dc", "noise"});
            if (!arr[i].contains("channel")) fail(path + ".channel", "is required: 1-18");
            const int ch = static_cast<int>(number(arr[i], "channel", path, 1, 1, 18));
            auto& load = c.channels[static_cast<std::size_t>(ch - 1)];
            if (load.connected) fail(path + ".channel", "= " + std::to_string(ch) + " is given twice");
            load.connected = true;
            load.ct_primary = static_cast<std::uint16_t>(number(arr[i], "ct_primary", path, 100, 5, 50000));
            load.wave.rms = number(arr[i], "current", path, 0, 0, 3.0 * load.ct_primary);
            if (arr[i].contains("angle") && (arr[i].contains("pf") || arr[i].contains("lead")))
                fail(path + ".angle", "cannot be given with 'pf'/'lead'");
            // The current's angle follows the voltage of its element: PF lagging unless "lead".
            const auto& ev = layout.element[static_cast<std::size_t>(ch - 1)];
            double v_angle = c.voltages[static_cast<std::size_t>(ev.plus)].angle_deg;
            if (ev.minus >= 0) {
                const auto& a = c.voltages[static_cast<std::size_t>(ev.plus)];
                const auto& b = c.voltages[static_cast<std::size_t>(ev.minus)];
                const double re = a.rms * std::cos(a.angle_deg * M_PI / 180) - b.rms * std::cos(b.angle_deg * M_PI / 180);
                const double im = a.rms * std::sin(a.angle_deg * M_PI / 180) - b.rms * std::sin(b.angle_deg * M_PI / 180);
                v_angle = std::atan2(im, re) * 180 / M_PI;
            }
            if (arr[i].contains("angle")) {
                load.wave.angle_deg = number(arr[i], "angle", path, 0, -360, 360);
            } else {
                const double pf = number(arr[i], "pf", path, 1.0, 0, 1);
                bool lead = false;
                if (arr[i].contains("lead")) {
                    if (!arr[i]["lead"].is_boolean()) fail(path + ".lead", "must be true or false");
                    lead = arr[i]["lead"].get<bool>();
                }
                const double phi = std::acos(pf) * 180 / M_PI;
                load.wave.angle_deg = v_angle + (lead ? phi : -phi);
            }
            load.wave.harmonics = harmonics(arr[i], path);
            load.wave.dc = number(arr[i], "dc", path, 0, -100, 100);
            load.wave.noise_rms = number(arr[i], "noise", path, 0, 0, 100);
        }
    }

    const json rs = doc.value("rs485", json::object());
    only_fields(rs, "rs485", {"address", "baud", "parity"});
    c.rs485_address = static_cast<std::uint8_t>(number(rs, "address", "rs485", 1, 1, 247));
    const auto baud = choice(rs, "baud", "rs485", "19200", {"1200", "2400", "4800", "9600", "19200", "38400"});
    c.rs485_baud = static_cast<std::uint32_t>(std::stoul(baud));
    const auto parity = choice(rs, "parity", "rs485", "none", {"even", "odd", "none2", "none"});
    c.rs485_parity = parity == "even" ? 0 : parity == "odd" ? 1 : parity == "none2" ? 2 : 3;
    return c;
}

nlohmann::json setting_from_text(const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("--set " + assignment + ": expected KEY=VALUE, e.g. --set meter.ct_ratio_1=200");
    const std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
    // true/false, numbers as numbers; anything else (a choice's label, text) as a string.
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded() || value.is_object() || value.is_array() || value.is_null()) value = text;
    return {{key, value}};
}

RigConfig load_config_file(const std::string& path) {
    json doc;
    try {
        doc = fw::read_json_file(path, "config file " + path);
    } catch (const fw::JsonInputError& e) {
        throw ConfigError(e.what());
    }
    return parse_config(doc);
}

std::vector<std::pair<std::uint16_t, std::uint16_t>> board_settings_of(const RigConfig& c) {
    namespace s = acurev::settings;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> out = {
        {s::ct_type, c.ct_type},
        {s::wiring, c.wiring},
        {s::rated_voltage, c.rated_voltage},
        {s::rs485_address, c.rs485_address},
        {s::rs485_baud, static_cast<std::uint16_t>(c.rs485_baud)},
        {s::rs485_parity, c.rs485_parity}};
    for (std::uint16_t ch = 0; ch < 18; ++ch)
        out.emplace_back(static_cast<std::uint16_t>(s::ct_primary_first + ch), c.channels[ch].ct_primary);
    return out;
}

void configure_world(sim::WaveformGenerator& world, const RigConfig& config) {
    world.set_frequency(config.frequency, config.start_time);
    for (int p = 0; p < 3; ++p) world.set_voltage(p, config.voltages[static_cast<std::size_t>(p)]);
    for (int ch = 0; ch < 18; ++ch) world.set_current(ch, config.channels[static_cast<std::size_t>(ch)].wave);
}

sim::meter::BoardConfig board_config_of(const RigConfig& config) {
    sim::meter::BoardConfig bc;
    bc.nominal_frequency = config.frequency < 55 ? 50.0 : 60.0;
    bc.fidelity = config.fidelity;
    bc.settings = board_settings_of(config);
    return bc;
}

RigConfig default_config() {
    // A small office panel: 3LN, six three-phase users with different loads and PFs, one with a
    // rectifier's 5th/7th harmonics.
    json doc = {{"voltage", {{"rms", 220.0}, {"harmonics", {{{"order", 5}, {"percent", 2.0}}}}}}};
    json channels = json::array();
    for (int ch = 1; ch <= 18; ++ch) {
        const int user = (ch - 1) / 3;
        json load = {{"channel", ch}, {"ct_primary", 100}, {"current", 12.0 + 6.0 * user + 0.5 * ((ch - 1) % 3)},
                     {"pf", 0.98 - 0.04 * user}};
        if (user == 4) load["lead"] = true;
        if (user == 5) load["harmonics"] = {{{"order", 5}, {"percent", 20.0}}, {{"order", 7}, {"percent", 10.0}}};
        channels.push_back(load);
    }
    doc["channels"] = channels;
    return parse_config(doc);
}

}  // namespace harness
