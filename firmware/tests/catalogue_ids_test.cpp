// Released protocol identities never move (issue "Building and IT protocols", ARCHITECTURE "released
// register addresses, OIDs and BACnet instances never move"): every line of
// firmware/catalogue/released-ids.tsv still names the same parameter, key, register, BACnet object
// and SNMP OID, and every published parameter is released.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "catalogue/catalogue.hpp"

namespace {

std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream s(line);
    for (std::string cell; std::getline(s, cell, '\t');) out.push_back(cell);
    return out;
}

// id -> cells of the lines of a released-ids text (comments left out).
std::map<std::string, std::vector<std::string>> lines_of(std::istream& in) {
    std::map<std::string, std::vector<std::string>> out;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out[cells(line).at(0)] = cells(line);
    return out;
}

}  // namespace

TEST_CASE("catalogue: every released BACnet instance and SNMP OID is where it was released") {
    const auto& cat = fw::Catalogue::instance();
    std::ifstream file(std::string(ACUREV_SOURCE_DIR) + "/firmware/catalogue/released-ids.tsv");
    REQUIRE(file.good());
    const auto lock = lines_of(file);
    std::istringstream current_text(cat.released_ids());
    const auto current = lines_of(current_text);
    REQUIRE(lock.size() > 1000);
    for (const auto& [id, l] : lock) {
        REQUIRE(l.size() == 5);
        INFO("released " << id << " (" << l[1] << "): a released identity never moves or goes");
        const auto it = current.find(id);
        REQUIRE(it != current.end());
        CHECK(it->second == l);
    }
    for (const auto& p : cat.all()) {
        if (!p.published()) continue;
        INFO(p.id << " is not released yet: build/bin/acurev-catalogue --ids > firmware/catalogue/released-ids.tsv");
        CHECK(lock.count(p.id) == 1);
    }
}

TEST_CASE("catalogue: BACnet instances, object names and OIDs are unique, units known for every unit the meter shows") {
    std::set<std::uint32_t> instances;
    std::set<std::string> names, oids;
    for (const auto& p : fw::Catalogue::instance().all()) {
        if (!p.published()) continue;
        const auto b = p.bacnet();
        CHECK(instances.insert(b.instance).second);
        CHECK(names.insert(b.name).second);
        CHECK(oids.insert(p.oid()).second);
        CHECK(b.name.size() <= 64);
        CHECK(b.cov_increment > 0);
        INFO(p.id << " unit '" << p.unit << "'");
        if (p.unit == "V" || p.unit == "A" || p.unit == "kW" || p.unit == "kWh" || p.unit == "Hz" || p.unit == "%") CHECK(b.units != 95);
    }
    const auto* va = fw::Catalogue::instance().by_key("Va_V");
    REQUIRE(va);
    CHECK(va->bacnet().units == 5);  // volts
    CHECK(va->bacnet().name == "AcuRev2100-Va_V");
    CHECK(va->oid() == "1.3.6.1.4.1.39604.21.1." + std::to_string(va->module_register) + ".0");
    CHECK(va->mqtt_key() == "Va_V");
}
