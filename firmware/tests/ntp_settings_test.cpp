#include <catch2/catch.hpp>

#include <map>

#include "services/ntp/ntp_settings.hpp"

using namespace fw;

namespace {

// The first error the Time/Date rules give for these values over the defaults, or "".
std::string check(const std::map<std::string, nlohmann::json>& changed) {
    std::map<std::string, nlohmann::json> values;
    for (const auto& s : ntp_settings::specs()) values[s.key] = s.default_value;
    for (const auto& [k, v] : changed) values[k] = v;
    const SettingValue get = [&values](const std::string& k) -> const nlohmann::json& { return values.at(k); };
    for (const auto& r : ntp_settings::rules())
        if (const auto e = r.check(get)) return *e;
    return "";
}

}  // namespace

TEST_CASE("NTP servers: names, addresses and ports; anything else refused naming the field") {
    ntp_settings::ServerAddress a;
    CHECK_FALSE(ntp_settings::parse_server("NTP Server 1", "0.us.pool.ntp.org", a));
    CHECK(a.host == "0.us.pool.ntp.org");
    CHECK(a.port == 123);
    CHECK_FALSE(ntp_settings::parse_server("NTP Server 1", "127.0.0.1:11123", a));
    CHECK(a.port == 11123);
    CHECK_FALSE(ntp_settings::parse_server("NTP Server 1", "[::1]:1123", a));
    CHECK(a.host == "::1");
    CHECK_FALSE(ntp_settings::parse_server("NTP Server 1", "::1", a));
    for (const char* bad : {"a b", "host:", "host:0", "host:65536", "host:12x", "-bad.example", "[::1", "[::1]x", "x..y", "; rm -rf /"})
        CHECK_THAT(ntp_settings::parse_server("NTP Server 2", bad, a).value_or(""), Catch::StartsWith("NTP Server 2 must be a host name"));
    CHECK(ntp_settings::parse_server("NTP Server 2", std::string(300, 'a'), a).has_value());
}

TEST_CASE("Time/Date rules: a server when enabled, a zone of the database") {
    CHECK(check({}) == "");
    CHECK(check({{"time.ntp_enable", true}}) == "");
    CHECK(check({{"time.ntp_enable", true}, {"time.ntp_server_1", ""}, {"time.ntp_server_2", ""}, {"time.ntp_server_3", ""}}) ==
          "NTP Server 1, 2 or 3 must be given when NTP is enabled");
    CHECK_THAT(check({{"time.ntp_server_3", "bad host"}}), Catch::StartsWith("NTP Server 3 must be"));
    CHECK(check({{"time.zone", "America/New_York"}}) == "");
    CHECK_THAT(check({{"time.zone", "Mars/Olympus"}}), Catch::Contains("is not an IANA time zone"));
    CHECK_THAT(check({{"time.zone", "../../etc/passwd"}}), Catch::Contains("is not an IANA time zone"));
}
