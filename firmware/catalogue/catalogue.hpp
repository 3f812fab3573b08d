#pragma once
// The one parameter catalogue (ARCHITECTURE "One parameter catalogue"): every metered or derived
// quantity is one row. Modbus TCP, and later the web API, MQTT, BACnet, SNMP and the logs, read it.
// docs/register-map.md is generated from it (acurev-catalogue --markdown).
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace fw {

enum class DataType { float32, uint32, uint16 };

enum Group : unsigned {
    group_realtime = 1U << 0,
    group_energy = 1U << 1,
    group_demand = 1U << 2,
    group_power_quality = 1U << 3,
    group_io = 1U << 4,
    group_settings = 1U << 5,
};

// How a parameter is published to building and IT protocols (issue "Building and IT protocols"):
// numbers derived from its Modbus TCP register, which never moves once released, so they never move
// either; `released-ids.tsv` beside this file locks the released ones and a test checks it.
inline constexpr const char* enterprise_oid = "1.3.6.1.4.1.39604";        // the vendor's (web2-formats.md §4)
inline constexpr const char* parameters_oid = "1.3.6.1.4.1.39604.21.1";   // AcuRev 2100 WEB2 (designed): <register>.0
struct BacnetObject {
    enum class Type : std::uint16_t { analog_input = 0, binary_input = 3, binary_output = 4 };  // BACnetObjectType
    Type type = Type::analog_input;
    std::uint32_t instance = 0;   // the module register (0-65535; BACnet allows up to 4194302)
    std::uint16_t units = 95;     // BACnetEngineeringUnits (95: no-units)
    double cov_increment = 1.0;   // the default COV increment, in the parameter's unit
    std::string name;             // "AcuRev2100-<key>" (web2-formats.md §5)
};

struct Parameter {
    std::string id;    // stable dotted id: "rt.v_ln.a", "rt.ch03.p"
    std::string name;  // the manual's words
    std::string unit;
    DataType type;
    double scale;                  // engineering value = raw × scale
    std::uint16_t board_register;  // on the metering board (RTU)
    std::uint16_t module_register; // in the module's Modbus TCP map
    std::string key;               // JSON/CSV key as real WEB2 modules emit it (web2-formats.md §2)
    unsigned groups;
    int registers() const { return type == DataType::uint16 ? 1 : 2; }
    // Published to BACnet, SNMP and MQTT: every parameter but the board's settings.
    bool published() const { return (groups & group_settings) == 0; }
    BacnetObject bacnet() const;
    std::string oid() const;                            // "1.3.6.1.4.1.39604.21.1.8192.0"
    const std::string& mqtt_key() const { return key; }  // the WEB2 key (web2-formats.md §3)
};

// A digital input's or relay's state, published as a BACnet Binary Input / Output (the values the
// module reads with FC02 / FC01; not registers, so not parameters).
struct BinaryPoint {
    std::string id;           // "io.di01.state", "io.ro01.state"
    std::string key;          // "DI01_Status", "RO01_Status"
    std::string description;  // "DI1 Status"
    unsigned index;           // 0-based input or relay
    BacnetObject object;      // binary-input/-output, instance = the number (1-18, 1-2)
};

class Catalogue {
public:
    static const Catalogue& instance();
    std::span<const Parameter> all() const { return rows_; }
    const Parameter* find(const std::string& id) const;
    const Parameter* by_key(const std::string& key) const;
    const Parameter* at_module_register(std::uint16_t address) const;
    const std::vector<BinaryPoint>& binary_points() const { return binary_; }
    std::string markdown() const;  // docs/register-map.md
    std::string released_ids() const;  // firmware/catalogue/released-ids.tsv: id, key, register, BACnet object, OID

private:
    Catalogue();
    std::vector<Parameter> rows_;
    std::vector<BinaryPoint> binary_;
    std::unordered_map<std::string, std::size_t> by_id_, by_key_;
    std::unordered_map<std::uint16_t, std::size_t> by_register_;
};

const char* type_name(DataType t);

}  // namespace fw
