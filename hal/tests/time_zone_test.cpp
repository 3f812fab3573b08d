#include <catch2/catch.hpp>

#include <string>

#include "hal/device_clock.hpp"
#include "hal/time_zone.hpp"

namespace {

// A TZif v2 file written here byte by byte: one transition at `t` from type 0 to type 1.
std::string be(std::uint64_t v, int n) {
    std::string s;
    for (int i = n - 1; i >= 0; --i) s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

std::string header(std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt) {
    return std::string("TZif2") + std::string(15, '\0') + be(0, 4) + be(0, 4) + be(0, 4) + be(timecnt, 4) + be(typecnt, 4) +
           be(charcnt, 4);
}

std::string tzif(const std::string& footer, std::uint8_t transition_type = 1) {
    const std::string chars("AAA\0BBB\0", 8);
    // Version 1 block: no transitions, one type (the reader skips it).
    std::string s = header(0, 1, 4) + be(0, 4) + be(0, 1) + be(0, 1) + "AAA" + std::string(1, '\0');
    s += header(1, 2, 8) + be(1000000000, 8) + std::string(1, static_cast<char>(transition_type));
    s += be(static_cast<std::uint32_t>(-3600), 4) + be(0, 1) + be(0, 1);  // type 0: AAA, UTC-1
    s += be(7200, 4) + be(1, 1) + be(4, 1);                               // type 1: BBB, UTC+2, DST
    s += chars + "\n" + footer + "\n";
    return s;
}

hal::ZoneRules installed(const char* name) { return hal::TimeZoneDatabase::installed().load(name); }

constexpr std::int64_t utc(int y, unsigned m, unsigned d, int h, int min = 0) {
    using namespace std::chrono;
    return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count() * 86400 + h * 3600 + min * 60;
}

}  // namespace

TEST_CASE("a TZif file made here: type 0 before the transition, type 1 after, the footer past the last") {
    const auto z = hal::ZoneRules::parse_tzif(tzif("CCC-3"));
    CHECK(z.at(999999999) == hal::ZoneOffset{-3600, false, "AAA"});
    CHECK(z.at(1000000000).abbreviation == "CCC");  // at and past the last transition the footer rules
    CHECK(z.at(1000000000).utc_offset_s == 3 * 3600);
    CHECK(z.next_change(0) == std::optional<std::int64_t>(1000000000));
    CHECK_FALSE(z.next_change(1000000000).has_value());
    // An empty footer: the last transition's type holds.
    CHECK(hal::ZoneRules::parse_tzif(tzif("")).at(2000000000) == hal::ZoneOffset{7200, true, "BBB"});
}

TEST_CASE("malformed TZif files are refused with what is wrong, every truncation included") {
    using hal::TzifError;
    const std::string good = tzif("CCC-3");
    for (std::size_t n = 0; n < good.size(); ++n) CHECK_THROWS_AS(hal::ZoneRules::parse_tzif(good.substr(0, n)), TzifError);
    std::string bad = good;
    bad[0] = 'X';
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(bad), Catch::Contains("no 'TZif' magic"));
    bad = good;
    bad[4] = '\0';
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(bad), Catch::Contains("version 1 only"));
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(tzif("CCC-3", 7)), Catch::Contains("transition type 7 out of range"));
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(tzif("C-3")), Catch::Contains("at least 3 characters"));
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(tzif("EST5EDT,M13.1.0,M11.1.0")), Catch::Contains("out of range 1-12"));
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(tzif("EST5EDT")), Catch::Contains("DST rule"));
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(good.substr(0, good.size() - 1)), Catch::Contains("footer not closed"));
    // An oversized count claims more data than the file holds.
    std::string huge = header(0, 1, 4) + be(0, 4) + be(0, 1) + be(0, 1) + "AAA" + std::string(1, '\0') + header(0xffffffff, 1, 4);
    CHECK_THROWS_WITH(hal::ZoneRules::parse_tzif(huge), Catch::Contains("truncated"));
}

TEST_CASE("POSIX TZ rules: offsets west-positive, Mm.w.d dates, times and quoted names") {
    const auto r = hal::ZoneRules::parse_posix_rule("<+0330>-3:30<+0430>,J79/24,J263/24");
    CHECK(r.standard.utc_offset_s == 3 * 3600 + 1800);
    CHECK(r.daylight.utc_offset_s == 4 * 3600 + 1800);
    CHECK(r.start.kind == hal::ZoneRules::Rule::Date::Kind::julian_no_leap);
    CHECK(r.start.time_s == 24 * 3600);
    const auto ny = hal::ZoneRules::parse_posix_rule("EST5EDT,M3.2.0,M11.1.0");
    CHECK(ny.standard.utc_offset_s == -5 * 3600);
    CHECK(ny.daylight.utc_offset_s == -4 * 3600);
    CHECK(ny.start.month == 3);
    CHECK(ny.start.week == 2);
    CHECK(ny.start.time_s == 7200);
}

TEST_CASE("the installed tzdata: New York, Berlin, Sydney and Lord Howe change at their rules' instants") {
    const auto ny = installed("America/New_York");
    // 2026: DST from Sunday March 8 02:00 EST (07:00 UTC) to Sunday November 1 02:00 EDT (06:00 UTC).
    CHECK(ny.at(utc(2026, 3, 8, 6, 59)) == hal::ZoneOffset{-5 * 3600, false, "EST"});
    CHECK(ny.at(utc(2026, 3, 8, 7)) == hal::ZoneOffset{-4 * 3600, true, "EDT"});
    CHECK(ny.next_change(utc(2026, 1, 1, 0)) == std::optional<std::int64_t>(utc(2026, 3, 8, 7)));
    CHECK(ny.next_change(utc(2026, 3, 8, 7)) == std::optional<std::int64_t>(utc(2026, 11, 1, 6)));
    // Past the file's transitions (2037) the footer's rule goes on: 2100 starts on March 14.
    CHECK(ny.next_change(utc(2100, 1, 1, 0)) == std::optional<std::int64_t>(utc(2100, 3, 14, 7)));
    CHECK(ny.at(utc(2100, 7, 1, 0)).dst);

    const auto berlin = installed("Europe/Berlin");  // last Sunday of March, 01:00 UTC
    CHECK(berlin.next_change(utc(2026, 1, 1, 0)) == std::optional<std::int64_t>(utc(2026, 3, 29, 1)));
    CHECK(berlin.at(utc(2026, 3, 29, 1)).abbreviation == "CEST");

    const auto sydney = installed("Australia/Sydney");  // southern: DST over the new year
    CHECK(sydney.at(utc(2026, 1, 15, 0)).dst);
    CHECK_FALSE(sydney.at(utc(2026, 7, 15, 0)).dst);
    CHECK(sydney.at(utc(2050, 1, 15, 0)).dst);  // the footer's rule, southern case

    const auto lord_howe = installed("Australia/Lord_Howe");  // a 30-minute saving
    CHECK(lord_howe.at(utc(2026, 1, 15, 0)).utc_offset_s == 11 * 3600);
    CHECK(lord_howe.at(utc(2026, 7, 15, 0)).utc_offset_s == 10 * 3600 + 1800);

    CHECK_FALSE(installed("UTC").next_change(utc(2026, 1, 1, 0)).has_value());
}

TEST_CASE("the zone database lists canonical names and refuses anything else, paths included") {
    const auto& db = hal::TimeZoneDatabase::installed();
    CHECK(db.names().size() > 300);
    CHECK(db.contains("America/New_York"));
    CHECK(db.contains("UTC"));
    CHECK_FALSE(db.contains("../../etc/passwd"));
    CHECK_THROWS_WITH(db.load("../../etc/passwd"), Catch::Contains("not in the IANA zone database"));
    CHECK_THROWS_AS(hal::TimeZoneDatabase("/nonexistent").load("UTC"), std::invalid_argument);
}

TEST_CASE("a device clock in an IANA zone switches to DST by itself; a fixed offset set later holds") {
    struct FixedClock : hal::Clock {
        hal::Time t{};
        hal::Time now() const override { return t; }
    } base;
    hal::OffsetDeviceClock clock(base);
    clock.set_utc(std::chrono::seconds(utc(2026, 3, 8, 6, 59)));
    clock.set_zone("America/New_York");
    CHECK(clock.zone_name() == "America/New_York");
    CHECK(clock.zone_offset() == std::chrono::minutes(-300));
    CHECK_FALSE(clock.dst());
    CHECK(clock.next_zone_change() == std::optional<hal::Time>(std::chrono::seconds(utc(2026, 3, 8, 7))));
    base.t += std::chrono::minutes(1);
    CHECK(clock.dst());
    CHECK(clock.zone_offset() == std::chrono::minutes(-300));  // standard time stays; DST adds the hour
    CHECK(clock.local() - clock.utc() == std::chrono::hours(-4));
    clock.set_zone(std::chrono::minutes(60), false);
    CHECK(clock.zone_name().empty());
    CHECK(clock.local() - clock.utc() == std::chrono::hours(1));
    CHECK_FALSE(clock.next_zone_change().has_value());
    CHECK_THROWS_AS(clock.set_zone(std::string("Mars/Olympus_Mons")), std::invalid_argument);
}
