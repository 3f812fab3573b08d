#include "services/mqtt/mqtt_payload.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace fw::mqtt_payload {

std::string value_text(double v) {
    if (!std::isfinite(v)) return "";
    char b[64];
    std::snprintf(b, sizeof b, "%.3f", v);
    return std::string(b) == "-0.000" ? "0.000" : b;
}

std::vector<std::string> messages(const Source& source, const std::vector<Reading>& readings, std::size_t per) {
    std::vector<const Reading*> fresh;
    for (const auto& r : readings)
        if (r.fresh) fresh.push_back(&r);
    const std::size_t count = fresh.empty() ? 1 : (fresh.size() + per - 1) / per;
    std::vector<std::string> out;
    for (std::size_t m = 0; m < count; ++m) {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = m * per; i < fresh.size() && i < (m + 1) * per; ++i)
            list.push_back({{"param", fresh[i]->key}, {"value", value_text(fresh[i]->value)}, {"unit", fresh[i]->unit}});
        nlohmann::json doc{
            {"timestamp", source.timestamp},
            {"gateway", {{"model", "AcuRev 2100-WEB2"}, {"serial", source.module_serial}, {"facility_id", source.facility_id}}},
            {"device", {{"name", "AcuRev 2100"}, {"model", "AcuRev 2100"}, {"serial", source.meter_serial}, {"online", !fresh.empty()}, {"readings", list}}}};
        if (count > 1) doc["part"] = {{"index", m + 1}, {"of", count}};
        out.push_back(doc.dump());
    }
    return out;
}

namespace {

// Home Assistant's device and state classes for the catalogue's units.
std::pair<const char*, const char*> classes_of(const std::string& unit, const std::string& key) {
    if (unit == "V") return {"voltage", "measurement"};
    if (unit == "A") return {"current", "measurement"};
    if (unit == "kW") return {"power", "measurement"};
    if (unit == "kVA") return {"apparent_power", "measurement"};
    if (unit == "kvar") return {"reactive_power", "measurement"};
    if (unit == "kWh") return {"energy", "total_increasing"};
    if (unit == "Hz") return {"frequency", "measurement"};
    if (key.rfind("PF", 0) == 0) return {"power_factor", "measurement"};
    return {nullptr, "measurement"};
}

}  // namespace

std::vector<Discovery> discovery(const std::string& prefix, const std::string& state_topic, const std::string& availability_topic,
                                 const Source& source, const std::vector<Sensor>& sensors) {
    std::vector<Discovery> out;
    const nlohmann::json device{{"identifiers", {source.module_serial}},
                                {"name", "AcuRev 2100 " + source.module_serial},
                                {"manufacturer", "Accuenergy"},
                                {"model", "AcuRev 2100"},
                                {"serial_number", source.meter_serial}};
    for (const auto& s : sensors) {
        nlohmann::json c{{"name", s.name},
                         {"unique_id", source.module_serial + "_" + s.key},
                         {"object_id", "acurev2100_" + s.key},
                         {"state_topic", state_topic},
                         // The reading of this key in the envelope; nothing when a message (a part) lacks it.
                         {"value_template", "{% for r in value_json.device.readings if r.param == '" + s.key + "' %}{{ r.value | float }}{% endfor %}"},
                         {"device", device}};
        if (!s.unit.empty()) c["unit_of_measurement"] = s.unit == "%" ? "%" : s.unit;
        const auto [device_class, state_class] = classes_of(s.unit, s.key);
        if (device_class) c["device_class"] = device_class;
        c["state_class"] = state_class;
        if (!availability_topic.empty())  // the Last Will's topic: {"online": true} at connect, the will's false
            c["availability"] = nlohmann::json::array(
                {{{"topic", availability_topic}, {"value_template", "{{ 'online' if value_json.online else 'offline' }}"}}});
        out.push_back({prefix + "/sensor/" + source.module_serial + "/" + s.key + "/config", c.dump()});
    }
    return out;
}

}  // namespace fw::mqtt_payload
