#pragma once
// The `.conf.ehm` configuration file (web manual 11; docs/config.md): a header (model, serial number,
// firmware version, schema version, time created, description), the settings the manual says a
// configuration carries, the secret ones among them sealed with AES-256-GCM under a key derived from
// the device family's key (never in clear), and a SHA-256 over all of it. Which settings it carries
// is decided here, once, for every key of the schema: a test fails on a key left unclassified.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fw::config {

// A file refused (malformed, tampered, wrong model, sealed for another family): what is wrong.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

constexpr const char* format_name = "acurev-conf-ehm";
constexpr int format_version = 1;
constexpr std::size_t max_file_size = 1 << 20;  // a whole configuration is some 40 kB
constexpr int max_depth = 4;                     // file > settings > a list value

// Web manual 11: carried (meter, DNS, Modbus TCP port, proxy, email, time, data log, post channels,
// BACnet, SNMP, management, MQTT) or left alone (addresses, DHCP, WiFi, HTTP/HTTPS, AcuCloud,
// remote access, MQTT client ID and SSL). `why` quotes the manual's line it follows.
struct Classification {
    bool included = false;
    std::string why;
};
// Every schema key has one; std::nullopt for a key no rule names (a new setting must be classified).
std::optional<Classification> classify(const std::string& key);
// The rules, first match wins: a key (`network.modbus_tcp_port`) or a section (`mqtt.`, `data_log_`).
// docs/config.md has them as a table; a test keeps the two the same.
struct ClassificationRule {
    const char* prefix;
    bool included;
    const char* why;
};
std::span<const ClassificationRule> classification_rules();

struct Header {
    std::string model, serial, firmware_version, created, description;
    int schema_version = 0;
};

struct ConfigFile {
    Header header;
    nlohmann::json settings = nlohmann::json::object();  // included, not secret: {key: value}
    nlohmann::json secrets = nlohmann::json::object();   // included and secret (in memory only)
    bool secrets_sealed = false;  // the file carried sealed secrets (false: left out, no family key)

    // The file's text. With no family key the secrets are left out (docs/config.md).
    std::string write(const std::optional<std::array<std::uint8_t, 32>>& family_key) const;
    // Checks the format, the integrity check and the header; opens the secrets with the family key.
    static ConfigFile read(const std::string& text, const std::optional<std::array<std::uint8_t, 32>>& family_key);
};

}  // namespace fw::config
