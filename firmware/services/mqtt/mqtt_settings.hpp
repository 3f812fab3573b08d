#pragma once
// MQTT's part of the settings schema (web manual 7.10): General (enable, broker, client id, keep
// alive, clean session, facility id), User Credential, Topic and Parameter Selection (topic, QoS,
// retained, interval, parameters). A change restarts the MQTT service: it reconnects with it.
#include <vector>

#include "settings/setting_spec.hpp"

namespace fw::mqtt_settings {

inline constexpr const char* enable = "mqtt.enable";
inline constexpr const char* broker_address = "mqtt.broker_address";
inline constexpr const char* broker_port = "mqtt.broker_port";
inline constexpr const char* client_id = "mqtt.client_id";
inline constexpr const char* keep_alive = "mqtt.keep_alive";
inline constexpr const char* clean_session = "mqtt.clean_session";
inline constexpr const char* facility_id = "mqtt.facility_id";
inline constexpr const char* username = "mqtt.username";
inline constexpr const char* password = "mqtt.password";
inline constexpr const char* topic = "mqtt.topic";
inline constexpr const char* qos = "mqtt.qos";
inline constexpr const char* retained = "mqtt.retained";
inline constexpr const char* interval = "mqtt.interval";
inline constexpr const char* parameters = "mqtt.parameters";
inline constexpr const char* tls_enable = "mqtt.tls_enable";
inline constexpr const char* ha_discovery = "mqtt.ha_discovery";
inline constexpr const char* ha_prefix = "mqtt.ha_prefix";
inline constexpr const char* will_enable = "mqtt.will_enable";
inline constexpr const char* will_topic = "mqtt.will_topic";
inline constexpr const char* will_qos = "mqtt.will_qos";
inline constexpr const char* will_retained = "mqtt.will_retained";
inline constexpr const char* will_payload = "mqtt.will_payload";

std::vector<SettingSpec> specs();
std::vector<SettingsRule> rules();

}  // namespace fw::mqtt_settings
