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

}  // namespace fw::mqtt_payload
