#include "services/snmp/snmp_objects.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "catalogue/catalogue.hpp"

namespace fw::snmp {

Oid parse_oid(const std::string& dotted) {
    Oid out;
    std::size_t at = 0;
    while (at < dotted.size()) {
        const auto dot = dotted.find('.', at);
        out.push_back(static_cast<std::uint32_t>(std::stoul(dotted.substr(at, dot - at))));
        if (dot == std::string::npos) break;
        at = dot + 1;
    }
    return out;
}

std::string oid_text(std::span<const std::uint32_t> oid) {
    std::string out;
    for (const auto n : oid) out += (out.empty() ? "" : ".") + std::to_string(n);
    return out;
}

Encoding encoding_of(const Parameter& p) {
    if (p.type == DataType::float32) return {true, 3};
    return {false, static_cast<int>(std::lround(-std::log10(p.scale)))};
}

std::optional<Value> encode(const Parameter& p, const Reading& r) {
    if (r.quality != Quality::fresh || !std::isfinite(r.value)) return std::nullopt;
    const auto e = encoding_of(p);
    if (e.is_signed) {
        const double scaled = r.value * 1000.0;
        if (scaled < static_cast<double>(std::numeric_limits<std::int32_t>::min()) - 0.5 ||
            scaled > static_cast<double>(std::numeric_limits<std::int32_t>::max()) + 0.49)
            return std::nullopt;
        return Value{Value::Type::integer32, std::llround(scaled), {}, {}};
    }
    // The register itself: value = register x scale, so this is exact for every uint16 and uint32.
    return Value{Value::Type::unsigned32, std::llround(r.value / p.scale), {}, {}};
}

namespace {

struct Published {
    std::vector<const Parameter*> rows;
    std::map<std::uint32_t, const Parameter*> by_register;
    Published() {
        if (std::string(parameters_oid) != std::string(product_oid) + ".1")
            throw std::logic_error("the SNMP parameters subtree is not under the product OID");
        for (const auto& p : Catalogue::instance().all()) {
            if (!p.published()) continue;
            if (!by_register.emplace(p.module_register, &p).second)
                throw std::logic_error("two published parameters at module register " + std::to_string(p.module_register) + ": " + p.id);
            rows.push_back(&p);
        }
        std::sort(rows.begin(), rows.end(), [](const Parameter* a, const Parameter* b) { return a->module_register < b->module_register; });
    }
};

const Published& published() {
    static const Published p;
    return p;
}

// MIB text is ASCII between double quotes (RFC 2578 3.1.1): no quote, nothing outside printable ASCII.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char ch : s) out += ch == '"' ? '\'' : (ch >= 0x20 && ch < 0x7F ? ch : '?');
    return out + "\"";
}

const char* tc_of(const Encoding& e) {
    if (e.is_signed) return "AcuRevThousandths";
    switch (e.decimals) {
        case 0: return "Unsigned32";
        case 1: return "AcuRevUnsignedTenths";
        case 2: return "AcuRevUnsignedHundredths";
        case 3: return "AcuRevUnsignedThousandths";
    }
    throw std::logic_error("no SNMP textual convention for " + std::to_string(e.decimals) + " decimals");
}

std::string hex(std::uint16_t a) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%04X", a);
    return b;
}

}  // namespace

std::span<const Parameter* const> published_parameters() { return published().rows; }

const Parameter* parameter_at(std::uint32_t reg) {
    const auto& m = published().by_register;
    const auto it = m.find(reg);
    return it == m.end() ? nullptr : it->second;
}

// SMIv2 descriptors are letters and digits only, starting lower case (RFC 2578 3.1); the WEB2 key
// is what integrators know, so it is the key without its underscores.
std::string object_name(const Parameter& p) {
    std::string out = "acurev";
    for (const char ch : p.key)
        if (std::isalnum(static_cast<unsigned char>(ch))) out += ch;
    return out;
}

std::string mib_text() {
    std::ostringstream m;
    // The revision moves when the published tree grows (released OIDs never move: released-ids.tsv).
    const char* revision = "202612030000Z";
    // An ASN.1 comment ends at the next pair of hyphens: the header's words have none.
    m << "-- " << mib_module << ": the AcuRev 2100 WEB2 module's SNMP objects, generated from the parameter\n"
      << "-- catalogue by acurev-catalogue; the module serves the same text at GET /api/v1/snmp/mib.\n\n"
      << mib_module << " DEFINITIONS ::= BEGIN\n\n"
      << "IMPORTS\n"
      << "    MODULE-IDENTITY, OBJECT-TYPE, enterprises, Integer32, Unsigned32\n"
      << "        FROM SNMPv2-SMI\n"
      << "    TEXTUAL-CONVENTION\n"
      << "        FROM SNMPv2-TC\n"
      << "    MODULE-COMPLIANCE, OBJECT-GROUP\n"
      << "        FROM SNMPv2-CONF;\n\n"
      << "acuRev2100Web2 MODULE-IDENTITY\n"
      << "    LAST-UPDATED \"" << revision << "\"\n"
      << "    ORGANIZATION \"Accuenergy (enterprise 39604); AcuRev 2100 WEB2 firmware project\"\n"
      << "    CONTACT-INFO \"See docs/snmp.md of the AcuRev 2100 WEB2 firmware.\"\n"
      << "    DESCRIPTION\n"
      << "        \"The metering values of an AcuRev 2100 multi-circuit submeter, read by its WEB2 module.\n"
      << "        One read-only scalar per published parameter at acuRev2100Parameters.<Modbus TCP\n"
      << "        register>.0; the value is the one Modbus TCP serves at the same instant. A value the\n"
      << "        module does not hold fresh (the board is not answering) is noSuchInstance, and a walk\n"
      << "        passes over it. This module is the agent's sysObjectID.\"\n"
      << "    REVISION \"" << revision << "\"\n"
      << "    DESCRIPTION \"Every published parameter of the catalogue.\"\n"
      << "    ::= { accuenergy 21 }\n\n"
      << "accuenergy OBJECT IDENTIFIER ::= { enterprises 39604 }\n\n"
      << "AcuRevThousandths ::= TEXTUAL-CONVENTION\n"
      << "    DISPLAY-HINT \"d-3\"\n"
      << "    STATUS current\n"
      << "    DESCRIPTION \"A measured value in thousandths of its unit: 230123 is 230.123.\"\n"
      << "    SYNTAX Integer32\n\n";
    const char* const words[] = {"", "tenths", "hundredths", "thousandths"};
    const char* const names[] = {"", "AcuRevUnsignedTenths", "AcuRevUnsignedHundredths", "AcuRevUnsignedThousandths"};
    const char* const examples[] = {"", "12345 is 1234.5", "12345 is 123.45", "12345 is 12.345"};
    for (int d = 1; d <= 3; ++d)
        m << names[d] << " ::= TEXTUAL-CONVENTION\n"
          << "    DISPLAY-HINT \"d-" << d << "\"\n"
          << "    STATUS current\n"
          << "    DESCRIPTION \"A Modbus register as the board holds it, in " << words[d] << " of its unit: " << examples[d] << ".\"\n"
          << "    SYNTAX Unsigned32\n\n";
    m << "acuRev2100Parameters OBJECT IDENTIFIER ::= { acuRev2100Web2 1 }\n"
      << "acuRev2100Conformance OBJECT IDENTIFIER ::= { acuRev2100Web2 2 }\n"
      << "acuRev2100Groups OBJECT IDENTIFIER ::= { acuRev2100Conformance 1 }\n"
      << "acuRev2100Compliances OBJECT IDENTIFIER ::= { acuRev2100Conformance 2 }\n\n";
    std::set<std::string> names_used;
    for (const auto* p : published_parameters()) {
        const auto name = object_name(*p);
        if (!names_used.insert(name).second) throw std::logic_error("two SNMP objects named " + name);
        const auto e = encoding_of(*p);
        std::string how = e.is_signed ? "the float32 in thousandths" : std::string(type_name(p->type)) + " register";
        m << name << " OBJECT-TYPE\n"
          << "    SYNTAX " << tc_of(e) << "\n";
        if (!p->unit.empty()) m << "    UNITS " << quoted(p->unit) << "\n";
        m << "    MAX-ACCESS read-only\n"
          << "    STATUS current\n"
          << "    DESCRIPTION " << quoted(p->name + " (" + p->key + ", " + p->id + "): Modbus TCP " + hex(p->module_register) + ", " + how + ".")
          << "\n    ::= { acuRev2100Parameters " << p->module_register << " }\n\n";
    }
    m << "acuRev2100ParameterGroup OBJECT-GROUP\n    OBJECTS {\n";
    bool first = true;
    for (const auto* p : published_parameters()) {
        m << (first ? "        " : ",\n        ") << object_name(*p);
        first = false;
    }
    m << "\n    }\n"
      << "    STATUS current\n"
      << "    DESCRIPTION \"Every published parameter.\"\n"
      << "    ::= { acuRev2100Groups 1 }\n\n"
      << "acuRev2100Compliance MODULE-COMPLIANCE\n"
      << "    STATUS current\n"
      << "    DESCRIPTION \"An AcuRev 2100 WEB2 module serves every published parameter.\"\n"
      << "    MODULE -- this module\n"
      << "        MANDATORY-GROUPS { acuRev2100ParameterGroup }\n"
      << "    ::= { acuRev2100Compliances 1 }\n\n"
      << "END\n";
    return m.str();
}

}  // namespace fw::snmp
