// The SNMP objects: the type and decimals per parameter, the values served (rounding, what is not
// served), and a MIB that declares exactly one object per published parameter at its OID.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "catalogue/catalogue.hpp"
#include "services/snmp/snmp_objects.hpp"

using namespace fw;

namespace {

Reading fresh(double v) { return {v, Quality::fresh, {}}; }

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("snmp objects: a float32 parameter is an Integer32 in thousandths, rounded half away from zero") {
    const auto& va = *Catalogue::instance().by_key("Va_V");
    CHECK(snmp::encoding_of(va).is_signed);
    CHECK(snmp::encode(va, fresh(230.1234))->number == 230123);
    CHECK(snmp::encode(va, fresh(0.0625))->number == 63);
    CHECK(snmp::encode(va, fresh(-0.0625))->number == -63);
    CHECK(snmp::encode(va, fresh(2147483.647))->number == 2147483647);
    CHECK_FALSE(snmp::encode(va, fresh(2147483.648)));  // beyond Integer32: not served
    CHECK_FALSE(snmp::encode(va, fresh(std::nan(""))));
    CHECK_FALSE(snmp::encode(va, {230.0, Quality::stale, {}}));
    CHECK_FALSE(snmp::encode(va, {0.0, Quality::never_read, {}}));
}

TEST_CASE("snmp objects: an integer register is served as it is, with the decimals of its scale") {
    const auto& kwh = *Catalogue::instance().by_key("EP_IMP_kWh");  // uint32 of 0.1 kWh
    CHECK(snmp::encoding_of(kwh).decimals == 1);
    CHECK_FALSE(snmp::encoding_of(kwh).is_signed);
    CHECK(snmp::encode(kwh, fresh(4294967295.0 * 0.1))->number == 4294967295LL);
    CHECK(snmp::encode(kwh, fresh(1234.5))->number == 12345);
    const auto& thd = *Catalogue::instance().by_key("THD_Va");  // uint16 of 0.01 %
    CHECK(snmp::encoding_of(thd).decimals == 2);
    CHECK(snmp::encode(thd, fresh(3.07))->number == 307);
    CHECK(snmp::encoding_of(*Catalogue::instance().by_key("CF_Va")).decimals == 3);
    CHECK(snmp::encoding_of(*Catalogue::instance().by_key("DI01_Count")).decimals == 0);
}

TEST_CASE("snmp objects: the MIB declares one object per published parameter, at its OID") {
    const auto mib = snmp::mib_text();
    const auto params = snmp::published_parameters();
    CHECK(count(mib, " OBJECT-TYPE\n") == params.size());
    for (const auto* p : params) {
        const auto decl = snmp::object_name(*p) + " OBJECT-TYPE\n";
        REQUIRE(mib.find(decl) != std::string::npos);
        const auto at = mib.find("::= { acuRev2100Parameters " + std::to_string(p->module_register) + " }", mib.find(decl));
        CHECK(at < mib.find(" OBJECT-TYPE\n", mib.find(decl) + decl.size()));
        CHECK(p->oid() == std::string(parameters_oid) + "." + std::to_string(p->module_register) + ".0");
    }
    CHECK(mib.rfind("END\n") == mib.size() - 4);
}

TEST_CASE("snmp objects: OIDs read and print in dotted form") {
    CHECK(snmp::parse_oid("1.3.6.1.4.1.39604") == snmp::Oid{1, 3, 6, 1, 4, 1, 39604});
    CHECK(snmp::oid_text(snmp::parse_oid(parameters_oid)) == parameters_oid);
}
