#include "services/mqtt/mqtt_settings.hpp"

#include "catalogue/catalogue.hpp"

namespace fw::mqtt_settings {

namespace {

// 7.10: "Save"; the service reconnects with the new values.
constexpr Applies applies = Applies::service_restart;

SettingSpec make(const char* key, std::string label, SettingType type, nlohmann::json def, const std::string& section) {
    return make_setting(key, std::move(label), type, std::move(def), applies, "web manual 7.10: " + section);
}

SettingSpec text(const char* key, std::string label, std::string def, double min, double max, const std::string& section, bool secret = false) {
    return text_setting(key, std::move(label), std::move(def), min, max, applies, "web manual 7.10: " + section, secret);
}

SettingSpec number(const char* key, std::string label, int def, int min, int max, std::string unit, const std::string& section) {
    return integer_setting(key, std::move(label), def, min, max, std::move(unit), applies, "web manual 7.10: " + section);
}

}  // namespace

std::vector<SettingSpec> specs() {
    std::vector<SettingSpec> out;
    out.push_back(make(enable, "MQTT Enable", SettingType::boolean, false, "Enable to publish device data to a broker"));
    out.push_back(text(broker_address, "Broker Address", "127.0.0.1", 1, 253,
                       "the broker's address (designed default: a broker on loopback; an IPv4 address is connected without a DNS lookup)"));
    out.push_back(number(broker_port, "Broker Port", 1883, 1, 65535, "", "the broker's port (1883; 8883 with SSL/TLS by convention)"));
    out.push_back(text(client_id, "Client ID", "", 0, 23,
                       "must be unique at the broker; 1-23 characters, empty: acurev2100-<module serial> (\"Generate Client ID\")"));
    out.push_back(number(keep_alive, "Keep Alive", 60, 5, 3600, "s", "the longest time the broker and the module may not talk"));
    out.push_back(make(clean_session, "Clean Session", SettingType::boolean, true, "Yes: the broker forgets the session at each connect"));
    out.push_back(text(facility_id, "Facility ID", "1", 0, 32, "a facility the messages name (in the payload's gateway part)"));
    out.push_back(text(username, "Username", "", 0, 64, "User Credential: when the broker asks for one"));
    out.push_back(text(password, "Password", "", 0, 64, "User Credential", true));
    out.push_back(text(topic, "Topic", "acurev2100/{serial}", 1, 128,
                       "Topic and Parameter Selection: \"usually a base topic followed by the serial number\"; {serial} is the module's"));
    auto q = make(qos, "QoS", SettingType::choice, 0, "Qos 0 at most once, Qos 1 at least once, Qos 2 exactly once");
    q.choices = {{0, "Qos 0"}, {1, "Qos 1"}, {2, "Qos 2"}};
    out.push_back(q);
    out.push_back(make(retained, "Retained", SettingType::boolean, false, "Yes: the broker keeps the last message for new subscribers"));
    out.push_back(number(interval, "Interval", 60, 10, 3600, "s", "how often the selected parameters are published (designed: 10 s to 1 hour)"));
    auto params = make(parameters, "Parameters", SettingType::list,
                       nlohmann::json::array({"Freq_Hz", "Va_V", "Vb_V", "Vc_V", "Ia_A", "Ib_A", "Ic_A", "P_kW", "EP_IMP_kWh"}),
                       "Parameter Type and the parameters selected, by their WEB2 keys (docs/register-map.md)");
    for (const auto& p : Catalogue::instance().all())
        if (p.published()) params.items.push_back(p.key);
    params.items_text = "published parameter keys of docs/register-map.md";
    params.min = 0;
    params.max = static_cast<double>(params.items.size());
    out.push_back(params);
    out.push_back(make(tls_enable, "Enable SSL", SettingType::boolean, false,
                       "SSL/TLS: the broker's certificate checked against the uploaded CA File (else the system's CAs); the Cert and Key "
                       "Files, when uploaded, authenticate the module (POST /api/v1/mqtt/tls/{ca,cert,key})"));
    auto ha = make(ha_discovery, "Home Assistant Discovery", SettingType::boolean, false,
                   "designed, beyond the family: at each connect a retained discovery message per selected parameter, so the meter "
                   "appears in Home Assistant by itself");
    out.push_back(ha);
    out.push_back(text(ha_prefix, "Home Assistant Discovery Prefix", "homeassistant", 1, 64, "designed: Home Assistant's discovery prefix"));
    out.push_back(make(will_enable, "Last Will Enable", SettingType::boolean, false,
                       "Last Will and Testament: the broker publishes it when the module goes away without a goodbye"));
    out.push_back(text(will_topic, "Last Will Topic", "acurev2100/{serial}/status", 1, 128, "Last Will and Testament topic; {serial} is the module's"));
    auto wq = make(will_qos, "Last Will QoS", SettingType::choice, 1, "Last Will and Testament: Qos 0, 1 or 2");
    wq.choices = {{0, "Qos 0"}, {1, "Qos 1"}, {2, "Qos 2"}};
    out.push_back(wq);
    out.push_back(make(will_retained, "Last Will Retained", SettingType::boolean, true, "Last Will and Testament: Yes keeps it for new subscribers"));
    out.push_back(text(will_payload, "Last Will Payload", "{\"serial\": \"{serial}\", \"online\": false}", 0, 256,
                       "Last Will and Testament payload (designed default; {serial} is the module's)"));
    return out;
}

std::vector<SettingsRule> rules() {
    return {{{enable, parameters}, [](const SettingValue& v) -> std::optional<std::string> {
                 if (v(enable).get<bool>() && v(parameters).empty()) return "MQTT needs at least one parameter selected to publish";
                 return std::nullopt;
             }},
            {{topic, will_topic, ha_prefix}, [](const SettingValue& v) -> std::optional<std::string> {
                 // A topic to publish to holds no wildcard (MQTT 3.1.1, 4.7.1).
                 for (const char* k : {topic, will_topic, ha_prefix})
                     if (v(k).get<std::string>().find_first_of("#+") != std::string::npos)
                         return std::string(k == topic ? "Topic" : k == will_topic ? "Last Will Topic" : "Home Assistant Discovery Prefix") +
                                " must not hold the wildcards # or +";
                 return std::nullopt;
             }}};
}

}  // namespace fw::mqtt_settings
