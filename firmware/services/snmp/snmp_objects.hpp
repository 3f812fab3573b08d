#pragma once
// What the SNMP agent serves, independent of net-snmp (docs/snmp.md): the system group and one
// scalar per published catalogue parameter at <parameters_oid>.<module register>.0, each with the
// SNMP type and decimals the MIB states, and the MIB module text itself (acurev-catalogue --mib,
// GET /api/v1/snmp/mib), so the agent and the MIB can never say different things.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/data_model.hpp"

namespace fw::snmp {

using Oid = std::vector<std::uint32_t>;

Oid parse_oid(const std::string& dotted);  // "1.3.6.1" -> {1, 3, 6, 1}
std::string oid_text(std::span<const std::uint32_t> oid);

struct Value {
    enum class Type { integer32, unsigned32, timeticks, octet_string, object_id };
    Type type = Type::integer32;
    std::int64_t number = 0;  // integer32, unsigned32 (sent as Gauge32, the SMIv2 Unsigned32), timeticks
    std::string text;         // octet_string
    Oid id;                   // object_id
};

// How a parameter is served. float32 rows: Integer32 of the value in thousandths (rounded half away
// from zero); uint16 and uint32 rows: Unsigned32 of the Modbus register itself, with the decimals of
// its scale (an energy register of 0.1 kWh counts is 1 decimal).
struct Encoding {
    bool is_signed = true;
    int decimals = 3;
};
Encoding encoding_of(const Parameter& p);

// The value SNMP serves for `r`, or none: a reading that is not fresh, or that the type cannot carry
// (a NaN, or a float beyond +/-2147483.647), is not served (noSuchInstance; a walk passes over it).
std::optional<Value> encode(const Parameter& p, const Reading& r);

// Every published parameter in OID order (by module register, which never moves once released).
std::span<const Parameter* const> published_parameters();
// The published parameter at module register `reg`, or null.
const Parameter* parameter_at(std::uint32_t reg);

inline constexpr const char* mib_module = "ACUREV2100-WEB2-MIB";
inline constexpr const char* mib_file_name = "ACUREV2100-WEB2-MIB.txt";
// sysObjectID: the module identity of the MIB (enterprise_oid .21).
inline constexpr const char* product_oid = "1.3.6.1.4.1.39604.21";
std::string object_name(const Parameter& p);  // the MIB's descriptor: "acurevVaV" for Va_V
std::string mib_text();                       // the MIB module (SMIv2), generated from the catalogue

}  // namespace fw::snmp
