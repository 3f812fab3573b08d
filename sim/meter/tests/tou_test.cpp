// TOU calendar and TOU energy registers (register map §2, metering-science §8) against values
// worked out by hand from the definitions: dates are built with a civil-date formula of their own
// (not gmtime), tariff hours are counted from the schedules written below.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "acurev/board_map.hpp"
#include "meter/energy_columns.hpp"
#include "meter/tou.hpp"

using sim::meter::TouCalendar;
using sim::meter::TouEnergy;
namespace tou = sim::meter::tou;
using Month = TouEnergy::Month;
using sim::meter::column_channel;
using sim::meter::column_phase;
using sim::meter::column_system;
using sim::meter::column_user;

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

// Local wall time as the board clock holds it.
hal::Time at(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
    const std::int64_t sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return hal::Time(sec * 1'000'000'000 + static_cast<std::int64_t>(ms) * 1'000'000);
}

void set_segment(std::vector<std::uint16_t>& s, int d, int k, int hour, int minute, int tariff) {
    s[tou::segment(d, k) + 0] = static_cast<std::uint16_t>(hour);
    s[tou::segment(d, k) + 1] = static_cast<std::uint16_t>(minute);
    s[tou::segment(d, k) + 2] = static_cast<std::uint16_t>(tariff);
}
void set_date(std::vector<std::uint16_t>& s, std::size_t offset, int month, int day, int schedule) {
    s[offset + 0] = static_cast<std::uint16_t>(month);
    s[offset + 1] = static_cast<std::uint16_t>(day);
    s[offset + 2] = static_cast<std::uint16_t>(schedule);
}

// The calendar of these tests:
//   season 1 from 03-01 on schedule 1, season 2 from 11-01 on schedule 2 (Jan, Feb wrap to season 2);
//   weekend Sat + Sun on schedule 3; holidays 01-31 (a Sunday in 2027) and 12-25, schedule 4.
//   schedule 1: 00:00 valley, 07:00 peak, 23:00 valley
//   schedule 2: 08:00 peak, 12:00 normal, 18:00 sharp, 22:00 valley (00:00–08:00 wraps to valley)
//   schedule 3: 09:00 normal, 21:00 valley (00:00–09:00 valley)
//   schedule 4: 10:00 sharp, 14:00 normal (00:00–10:00 normal)
std::vector<std::uint16_t> board_defaults() { return acurev::default_settings_image(acurev::blocks::tou_settings); }

std::vector<std::uint16_t> test_settings() {
    auto s = board_defaults();
    s[tou::enable] = 1;
    s[tou::weekend_mask] = 0x41;
    s[tou::weekend_schedule] = 3;
    s[tou::seasons_in_use] = 2;
    s[tou::holidays_in_use] = 2;
    set_date(s, tou::season(1), 3, 1, 1);
    set_date(s, tou::season(2), 11, 1, 2);
    set_date(s, tou::holiday(1), 1, 31, 4);
    set_date(s, tou::holiday(2), 12, 25, 4);
    s[tou::schedule(1)] = 3;
    set_segment(s, 1, 1, 0, 0, tou::valley);
    set_segment(s, 1, 2, 7, 0, tou::peak);
    set_segment(s, 1, 3, 23, 0, tou::valley);
    s[tou::schedule(2)] = 4;
    set_segment(s, 2, 1, 8, 0, tou::peak);
    set_segment(s, 2, 2, 12, 0, tou::normal);
    set_segment(s, 2, 3, 18, 0, tou::sharp);
    set_segment(s, 2, 4, 22, 0, tou::valley);
    s[tou::schedule(3)] = 2;
    set_segment(s, 3, 1, 9, 0, tou::normal);
    set_segment(s, 3, 2, 21, 0, tou::valley);
    s[tou::schedule(4)] = 2;
    set_segment(s, 4, 1, 10, 0, tou::sharp);
    set_segment(s, 4, 2, 14, 0, tou::normal);
    return s;
}

using Wh = std::array<double, sim::meter::energy_columns>;

// Feeds constant power (W per column) over [from, to) in 200 ms windows on a grid offset by 100 ms
// from the whole second, so every switch and midnight falls in the middle of a window.
void feed(TouEnergy& e, const TouCalendar& cal, hal::Time from, hal::Time to,
          const Wh& watts) {
    constexpr hal::Time half(100'000'000), step(200'000'000);
    hal::Time t = from;
    Wh wh{};
    while (t < to) {
        const hal::Time end = std::min(to, t == from ? t + half : t + step);
        const double hours = static_cast<double>((end - t).count()) / 3.6e12;
        for (std::size_t c = 0; c < wh.size(); ++c) wh[c] = watts[c] * hours;
        e.accumulate(cal, t, end, wh);
        t = end;
    }
}

constexpr std::int64_t kwh_micro = 1'000'000'000;  // µWh per kWh

}  // namespace

TEST_CASE("civil dates of the tests match the epoch", "[tou]") {
    // 2027-01-30T00:00:00 = 1801267200 s (python datetime, as a cross-check of days_from_civil).
    CHECK(at(2027, 1, 30).count() == 1801267200LL * 1'000'000'000);
}

TEST_CASE("board map defaults: TOU off with one season and every schedule normal", "[tou][settings]") {
    const auto s = board_defaults();
    REQUIRE(s.size() == 512);
    CHECK(s[tou::enable] == 0);
    CHECK(s[tou::weekend_mask] == 0x41);
    CHECK(s[tou::weekend_schedule] == 1);
    CHECK(s[tou::seasons_in_use] == 1);
    CHECK(s[tou::holidays_in_use] == 0);
    CHECK(s[0x010] == 1);  // season 1 from 01-01 on schedule 1
    CHECK(s[0x011] == 1);
    CHECK(s[0x012] == 1);
    for (int d = 1; d <= 8; ++d) {
        const std::size_t base = 0x0A0 + 43 * static_cast<std::size_t>(d - 1);
        CHECK(s[base] == 1);      // one segment
        CHECK(s[base + 1] == 0);  // 00:00
        CHECK(s[base + 2] == 0);
        CHECK(s[base + 3] == 3);  // normal
    }
    const TouCalendar off(s);
    CHECK(off.error() == tou::ok);
    CHECK_FALSE(off.enabled());
    CHECK_FALSE(off.tariff_at(at(2027, 6, 1, 12)).has_value());
    auto on_image = s;
    on_image[tou::enable] = 1;
    const TouCalendar on(on_image);
    CHECK(on.tariff_at(at(2027, 6, 1, 12)) == tou::normal);
    CHECK(on.tariff_at(at(2027, 1, 2, 0)) == tou::normal);  // a Saturday: weekend schedule 1
    CHECK(on.next_switch_after(at(2027, 6, 1, 12)) == at(2027, 6, 2));
}

TEST_CASE("the board map defines every register the calendar reads and nothing else", "[tou][settings]") {
    const auto defaults = board_defaults();
    const auto& block = acurev::blocks::tou_settings;
    auto def_at = [&](std::size_t offset) { return acurev::find_setting(static_cast<std::uint16_t>(block.start + offset)); };

    std::vector<std::size_t> used = {tou::enable, tou::weekend_mask, tou::weekend_schedule, tou::seasons_in_use,
                                     tou::holidays_in_use};
    for (int i = 1; i <= tou::max_seasons; ++i)
        for (std::size_t k = 0; k < 3; ++k) used.push_back(tou::season(i) + k);
    for (int i = 1; i <= tou::max_holidays; ++i)
        for (std::size_t k = 0; k < 3; ++k) used.push_back(tou::holiday(i) + k);
    for (int d = 1; d <= tou::max_schedules; ++d) {
        used.push_back(tou::schedule(d));
        for (int g = 1; g <= tou::max_segments; ++g)
            for (std::size_t k = 0; k < 3; ++k) used.push_back(tou::segment(d, g) + k);
    }
    const std::set<std::size_t> distinct(used.begin(), used.end());
    CHECK(distinct.size() == used.size());  // no two fields share a register
    CHECK(*distinct.rbegin() == 503);       // schedule 8, segment 14 tariff: 0x0A0 + 43·7 + 1 + 3·13 + 2
    for (const std::size_t o : used) {
        const acurev::SettingDef* d = def_at(o);
        INFO("offset " << o);
        REQUIRE(d != nullptr);
        CHECK(d->key.rfind("tou_", 0) == 0);
        CHECK(d->accepts(defaults[o]));
    }
    std::size_t in_block = 0;
    for (const auto& d : acurev::board_settings()) in_block += block.contains(d.address, 1) ? 1 : 0;
    CHECK(in_block == used.size());  // every setting of the block is one the calendar reads
    for (std::size_t o = 0; o < tou::settings_size; ++o)
        if (!distinct.count(o)) {
            INFO("reserved offset " << o);
            CHECK(defaults[o] == 0);
        }

    // The board map's keys, labels and ranges at the offsets the calendar uses (board_map.cpp).
    const auto* m3 = def_at(0x016);  // 0x010 + 3·(3−1)
    CHECK(m3->key == "tou_season3_month");
    CHECK(m3->label == "TOU Season 3 Start Month");
    CHECK(m3->min == 1);
    CHECK(m3->max == 12);
    CHECK(def_at(0x040 + 3 * 29 + 1)->key == "tou_holiday30_day");
    CHECK(def_at(0x040 + 3 * 29 + 1)->max == 31);
    CHECK(def_at(503)->key == "tou_schedule8_seg14_tariff");
    CHECK(def_at(503)->max == 3);
    CHECK(def_at(0x0A0)->key == "tou_schedule1_segments");
    CHECK(def_at(0x0A0)->min == 1);
    CHECK(def_at(0x0A0)->max == 14);
    CHECK(def_at(tou::weekend_mask)->max == 0x7F);
    CHECK(def_at(tou::holidays_in_use)->max == 30);

    // A write out of range is the board map's to refuse, with the field, the value and the range.
    const acurev::SettingLookup current = [&](std::uint16_t a) -> std::uint16_t {
        if (block.contains(a, 1)) return defaults[a - block.start];
        const acurev::SettingDef* d = acurev::find_setting(a);
        return d ? d->default_value : 0;
    };
    const std::uint16_t month13[] = {13};
    CHECK(acurev::check_settings_write(static_cast<std::uint16_t>(block.start + tou::season(3)), month13, current) ==
          std::optional<std::string>("TOU Season 3 Start Month 13 is out of range: 1-12"));
}

TEST_CASE("weekday schedule with four tariffs and segment wrap", "[tou][calendar]") {
    const TouCalendar cal(test_settings());
    REQUIRE(cal.error() == tou::ok);
    REQUIRE(cal.enabled());
    // 2027-02-01 is a Monday, before season 1's 03-01 start: season 2 (wrap), schedule 2.
    const auto st = cal.status_at(at(2027, 2, 1, 3));
    CHECK(st.error == 0);
    CHECK(st.enabled);
    CHECK(st.season == 2);
    CHECK(st.schedule == 2);
    CHECK(st.day_type == tou::weekday);
    CHECK(st.tariff == tou::valley);  // before 08:00: the last segment (22:00 valley) wraps
    CHECK(cal.tariff_at(at(2027, 2, 1, 0)) == tou::valley);
    CHECK(cal.tariff_at(at(2027, 2, 1, 7, 59, 59, 999)) == tou::valley);
    CHECK(cal.tariff_at(at(2027, 2, 1, 8)) == tou::peak);
    CHECK(cal.tariff_at(at(2027, 2, 1, 11, 59, 59)) == tou::peak);
    CHECK(cal.tariff_at(at(2027, 2, 1, 12)) == tou::normal);
    CHECK(cal.tariff_at(at(2027, 2, 1, 18)) == tou::sharp);
    CHECK(cal.tariff_at(at(2027, 2, 1, 21, 59, 59, 999)) == tou::sharp);
    CHECK(cal.tariff_at(at(2027, 2, 1, 22)) == tou::valley);
    CHECK(cal.tariff_at(at(2027, 2, 1, 23, 59, 59, 999)) == tou::valley);
}

TEST_CASE("seasons switch on their start dates and wrap before season 1", "[tou][calendar]") {
    const TouCalendar cal(test_settings());
    // 2027-02-26 Friday: season 2 by wrap; 2027-03-02 Tuesday: season 1, schedule 1.
    CHECK(cal.status_at(at(2027, 2, 26, 12)).season == 2);
    CHECK(cal.status_at(at(2027, 3, 1, 0)).season == 1);  // Monday, the start date itself
    const auto june = cal.status_at(at(2027, 6, 15, 6, 59));  // Tuesday
    CHECK(june.season == 1);
    CHECK(june.schedule == 1);
    CHECK(june.tariff == tou::valley);
    CHECK(cal.tariff_at(at(2027, 6, 15, 7)) == tou::peak);
    CHECK(cal.tariff_at(at(2027, 6, 15, 22, 59)) == tou::peak);
    CHECK(cal.tariff_at(at(2027, 6, 15, 23)) == tou::valley);
    CHECK(cal.status_at(at(2027, 10, 31, 12)).season == 1);
    const auto nov = cal.status_at(at(2027, 11, 2, 9));  // Tuesday
    CHECK(nov.season == 2);
    CHECK(nov.schedule == 2);
    CHECK(nov.tariff == tou::peak);
}

TEST_CASE("weekend schedule and a holiday on a weekend", "[tou][calendar]") {
    const TouCalendar cal(test_settings());
    // 2027-01-30 Saturday: weekend schedule 3.
    const auto sat = cal.status_at(at(2027, 1, 30, 8, 59));
    CHECK(sat.day_type == tou::weekend);
    CHECK(sat.schedule == 3);
    CHECK(sat.season == 2);
    CHECK(sat.tariff == tou::valley);  // before 09:00 wraps to 21:00 valley
    CHECK(cal.tariff_at(at(2027, 1, 30, 9)) == tou::normal);
    CHECK(cal.tariff_at(at(2027, 1, 30, 21)) == tou::valley);
    // 2027-01-31 Sunday is holiday 1: the holiday wins over the weekend.
    const auto sun = cal.status_at(at(2027, 1, 31, 9, 59));
    CHECK(sun.day_type == tou::holiday_day);
    CHECK(sun.schedule == 4);
    CHECK(sun.tariff == tou::normal);  // before 10:00 wraps to 14:00 normal
    CHECK(cal.tariff_at(at(2027, 1, 31, 10)) == tou::sharp);
    CHECK(cal.tariff_at(at(2027, 1, 31, 14)) == tou::normal);
    // 2027-12-25 Saturday is holiday 2; 2027-12-26 Sunday a plain weekend day.
    CHECK(cal.status_at(at(2027, 12, 25, 12)).day_type == tou::holiday_day);
    CHECK(cal.status_at(at(2027, 12, 26, 12)).day_type == tou::weekend);
}

TEST_CASE("next switch is the next segment start or the next midnight", "[tou][calendar]") {
    const TouCalendar cal(test_settings());
    CHECK(cal.next_switch_after(at(2027, 2, 1, 3)) == at(2027, 2, 1, 8));
    CHECK(cal.next_switch_after(at(2027, 2, 1, 8)) == at(2027, 2, 1, 12));  // strictly after
    CHECK(cal.next_switch_after(at(2027, 2, 1, 7, 59, 59, 999)) == at(2027, 2, 1, 8));
    CHECK(cal.next_switch_after(at(2027, 2, 1, 22)) == at(2027, 2, 2));
    CHECK(cal.next_switch_after(at(2027, 1, 31, 15)) == at(2027, 2, 1));
    CHECK(cal.next_switch_after(at(2027, 1, 30)) == at(2027, 1, 30, 9));  // 00:00 is no segment start here
    const TouCalendar off;  // TOU off: only the day changes
    CHECK(off.next_switch_after(at(2027, 2, 1, 3)) == at(2027, 2, 2));
}

TEST_CASE("settings errors disable TOU with their status code", "[tou][calendar]") {
    SECTION("season order") {
        auto s = test_settings();
        set_date(s, tou::season(2), 2, 1, 2);  // 02-01 after 03-01
        const TouCalendar cal(s);
        CHECK(cal.error() == tou::bad_season);
        CHECK_FALSE(cal.enabled());
        CHECK_FALSE(cal.tariff_at(at(2027, 2, 1, 9)).has_value());
        const auto st = cal.status_at(at(2027, 2, 1, 9));
        CHECK(st.error == 1);
        CHECK_FALSE(st.enabled);
        CHECK_FALSE(st.tariff.has_value());
        CHECK(cal.error_text().find("season 2") != std::string::npos);
    }
    SECTION("equal season starts") {
        auto s = test_settings();
        set_date(s, tou::season(2), 3, 1, 2);
        CHECK(TouCalendar(s).error() == tou::bad_season);
    }
    SECTION("season date that does not exist") {
        auto s = test_settings();
        set_date(s, tou::season(1), 2, 30, 1);
        CHECK(TouCalendar(s).error() == tou::bad_season);
        set_date(s, tou::season(1), 2, 29, 1);  // allowed
        CHECK(TouCalendar(s).error() == tou::ok);
    }
    SECTION("schedule segment order") {
        auto s = test_settings();
        set_segment(s, 2, 3, 12, 0, tou::sharp);  // 12:00 again
        const TouCalendar cal(s);
        CHECK(cal.error() == tou::bad_schedule);
        CHECK_FALSE(cal.tariff_at(at(2027, 2, 1, 9)).has_value());
    }
    SECTION("a schedule not in use is not checked") {
        auto s = test_settings();
        s[tou::schedule(7)] = 2;
        set_segment(s, 7, 1, 12, 0, tou::sharp);
        set_segment(s, 7, 2, 6, 0, tou::peak);
        CHECK(TouCalendar(s).error() == tou::ok);
    }
    SECTION("holiday date") {
        auto s = test_settings();
        set_date(s, tou::holiday(2), 4, 31, 4);
        CHECK(TouCalendar(s).error() == tou::bad_holiday);
        s[tou::holidays_in_use] = 1;  // holiday 2 no longer in use
        CHECK(TouCalendar(s).error() == tou::ok);
    }
    SECTION("TOU off but valid") {
        auto s = test_settings();
        s[tou::enable] = 0;
        const TouCalendar cal(s);
        CHECK(cal.error() == tou::ok);
        const auto st = cal.status_at(at(2027, 1, 31, 12));
        CHECK_FALSE(st.enabled);
        CHECK_FALSE(st.tariff.has_value());
        CHECK(st.day_type == tou::holiday_day);
    }
    CHECK_THROWS_AS(TouCalendar(std::vector<std::uint16_t>(100, 0)), std::invalid_argument);
}

TEST_CASE("a window straddling 08:00 splits by time fraction", "[tou][energy]") {
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh wh{};
    wh[column_system] = 2.0;  // 36 kW over 200 ms
    // [07:59:59.950, 08:00:00.150): 50 ms valley, 150 ms peak on Monday 2027-02-01.
    e.accumulate(cal, at(2027, 2, 1, 7, 59, 59, 950), at(2027, 2, 1, 8, 0, 0, 150), wh);
    CHECK(e.reg(Month::current, column_system, tou::row_total).micro_wh() == 2'000'000);
    CHECK(e.reg(Month::current, column_system, tou::row_of(tou::valley)).micro_wh() == 500'000);
    CHECK(e.reg(Month::current, column_system, tou::row_of(tou::peak)).micro_wh() == 1'500'000);
    CHECK(e.reg(Month::current, column_system, tou::row_of(tou::sharp)).micro_wh() == 0);
    CHECK(e.reg(Month::current, column_system, tou::row_of(tou::normal)).micro_wh() == 0);
    CHECK(e.reg(Month::current, column_phase(0), tou::row_total).micro_wh() == 0);
    wh[column_system] = -2.0;  // import only: a negative window adds nothing
    e.accumulate(cal, at(2027, 2, 1, 9), at(2027, 2, 1, 9, 0, 0, 200), wh);
    CHECK(e.reg(Month::current, column_system, tou::row_total).micro_wh() == 2'000'000);
}

TEST_CASE("a window straddling midnight of the 1st splits across the months", "[tou][energy]") {
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh wh{};
    wh[column_channel(0)] = 2.0;
    // Jan 31 23:59:59.9 is holiday normal, Feb 1 00:00:00 weekday valley.
    e.accumulate(cal, at(2027, 1, 31, 23, 59, 59, 900), at(2027, 2, 1, 0, 0, 0, 100), wh);
    const int ch1 = column_channel(0);
    CHECK(e.reg(Month::prior, ch1, tou::row_total).micro_wh() == 1'000'000);
    CHECK(e.reg(Month::prior, ch1, tou::row_of(tou::normal)).micro_wh() == 1'000'000);
    CHECK(e.reg(Month::current, ch1, tou::row_total).micro_wh() == 1'000'000);
    CHECK(e.reg(Month::current, ch1, tou::row_of(tou::valley)).micro_wh() == 1'000'000);
    CHECK(e.reg(Month::current, ch1, tou::row_of(tou::normal)).micro_wh() == 0);
}

TEST_CASE("four days over a month boundary with a weekend and a holiday", "[tou][energy]") {
    // System 9 kW: 0.25 Wh per 100 ms, exact in micro-Wh, so the counts below are exact. Channel 1
    // 10 kW: 0.5555… Wh per window; EnergyRegister carries the sub-µWh remainder, so its count is the
    // running sum rounded to the µWh: a whole number of kWh here, and the truncated registers exact.
    // Hours per tariff, from the schedules of test_settings():
    //   Sat 01-30 (weekend, schedule 3): valley 9 + 3, normal 12
    //   Sun 01-31 (holiday, schedule 4): normal 10 + 10, sharp 4
    //   Mon 02-01, Tue 02-02 (season 2 by wrap, schedule 2), per day: valley 8 + 2, peak 4, normal 6, sharp 4
    // January (prior at the end): total 48, sharp 4, peak 0, valley 12, normal 32
    // February (current):          total 48, sharp 8, peak 8, valley 20, normal 12
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh watts{};
    watts[column_system] = 9000;
    watts[column_channel(0)] = 10000;
    feed(e, cal, at(2027, 1, 30), at(2027, 2, 3), watts);

    struct Row {
        int row;
        int jan_h, feb_h;
    };
    const Row rows[] = {{tou::row_total, 48, 48},
                        {tou::row_of(tou::sharp), 4, 8},
                        {tou::row_of(tou::peak), 0, 8},
                        {tou::row_of(tou::valley), 12, 20},
                        {tou::row_of(tou::normal), 32, 12}};
    const int sys = column_system, ch1 = column_channel(0);
    for (const Row& r : rows) {
        INFO("row " << r.row);
        CHECK(e.reg(Month::prior, sys, r.row).micro_wh() == r.jan_h * 9 * kwh_micro);
        CHECK(e.reg(Month::current, sys, r.row).micro_wh() == r.feb_h * 9 * kwh_micro);
        CHECK(e.reg(Month::prior, sys, r.row).tenths_of_kilo() == static_cast<std::uint32_t>(r.jan_h * 90));
        CHECK(e.reg(Month::current, sys, r.row).tenths_of_kilo() == static_cast<std::uint32_t>(r.feb_h * 90));
        CHECK(e.reg(Month::prior, ch1, r.row).tenths_of_kilo() == static_cast<std::uint32_t>(r.jan_h * 100));
        CHECK(e.reg(Month::current, ch1, r.row).tenths_of_kilo() == static_cast<std::uint32_t>(r.feb_h * 100));
        CHECK(e.reg(Month::current, column_phase(0), r.row).micro_wh() == 0);
        CHECK(e.reg(Month::prior, column_user(0), r.row).micro_wh() == 0);
    }

    // The registers as the board serves them: system total at 0x4006, prior system valley at
    // 0x4028 + 2·(3·4 + 3) = 0x4046; channel 1 current sharp at 0x4102, prior normal at 0x4208.
    std::vector<std::uint16_t> ph, cur, pri;
    e.render_phases(ph);
    e.render_channels(cur, pri);
    CHECK(ph[6] == 0);
    CHECK(ph[7] == 4320);
    CHECK(ph[40 + 30] == 0);
    CHECK(ph[40 + 31] == 1080);
    CHECK(cur[2] == 0);
    CHECK(cur[3] == 800);
    CHECK(pri[8] == 0);
    CHECK(pri[9] == 3200);

    // No measurement through February's end: observing March 1 rolls February into prior.
    e.observe(at(2027, 2, 28, 23, 59, 59));
    CHECK(e.reg(Month::current, sys, tou::row_total).tenths_of_kilo() == 4320);
    e.observe(at(2027, 3, 1));
    CHECK(e.reg(Month::prior, sys, tou::row_total).tenths_of_kilo() == 4320);
    CHECK(e.reg(Month::prior, sys, tou::row_of(tou::peak)).tenths_of_kilo() == 720);
    CHECK(e.reg(Month::current, sys, tou::row_total).micro_wh() == 0);
}

TEST_CASE("a bad season order accumulates only the total rows", "[tou][energy]") {
    auto s = test_settings();
    set_date(s, tou::season(2), 2, 1, 2);
    const TouCalendar cal(s);
    REQUIRE(cal.status_at(at(2027, 2, 1, 9)).error == tou::bad_season);
    TouEnergy e;
    Wh watts{};
    watts[column_system] = 9000;
    feed(e, cal, at(2027, 2, 1, 7, 59), at(2027, 2, 1, 8, 1), watts);  // 2 min over a would-be switch
    CHECK(e.reg(Month::current, column_system, tou::row_total).micro_wh() == 300'000'000);  // 9 kW × 2 min
    for (int t = 0; t < 4; ++t) CHECK(e.reg(Month::current, column_system, tou::row_of(t)).micro_wh() == 0);
}

TEST_CASE("a clock jump rolls the month over once", "[tou][energy]") {
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh wh{};
    wh[column_system] = 1000;
    e.accumulate(cal, at(2027, 1, 5, 12), at(2027, 1, 5, 12, 0, 1), wh);  // January
    wh[column_system] = 500;
    e.accumulate(cal, at(2027, 5, 4, 12), at(2027, 5, 4, 12, 0, 1), wh);  // jump to May
    CHECK(e.reg(Month::prior, column_system, tou::row_total).tenths_of_kilo() == 10);
    CHECK(e.reg(Month::current, column_system, tou::row_total).tenths_of_kilo() == 5);
    e.accumulate(cal, at(2027, 4, 6, 12), at(2027, 4, 6, 12, 0, 1), wh);  // and back to April
    CHECK(e.reg(Month::prior, column_system, tou::row_total).tenths_of_kilo() == 5);
    CHECK(e.reg(Month::current, column_system, tou::row_total).tenths_of_kilo() == 5);
}

TEST_CASE("rendering puts each value at its register", "[tou][render]") {
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh wh{};
    // February, Monday 09:00: peak. Column c gets (c + 1) registers of 0.1 kWh (+50 Wh, truncated).
    for (std::size_t c = 0; c < wh.size(); ++c) wh[c] = 100.0 * static_cast<double>(c + 1) + 50;
    wh[column_system] = 700'000'050;  // 7 000 000 = 0x006A'CFC0 registers: both words in use
    e.accumulate(cal, at(2027, 2, 1, 9), at(2027, 2, 1, 9, 0, 1), wh);
    // March, Tuesday 2027-03-02 09:00: season 1 peak. Column c gets 10·(c + 1).
    for (std::size_t c = 0; c < wh.size(); ++c) wh[c] = 1000.0 * static_cast<double>(c + 1) + 50;
    e.accumulate(cal, at(2027, 3, 2, 9), at(2027, 3, 2, 9, 0, 1), wh);

    std::vector<std::uint16_t> ph, cur, pri, ucur, upri;
    e.render_phases(ph);
    e.render_channels(cur, pri);
    e.render_users(ucur, upri);
    REQUIRE(ph.size() == 80);
    REQUIRE(cur.size() == 180);
    REQUIRE(pri.size() == 180);
    REQUIRE(ucur.size() == 90);
    REQUIRE(upri.size() == 90);

    CHECK(ph[0] == 0);
    CHECK(ph[1] == 10);   // 0x4000 current total A
    CHECK(ph[3] == 20);   // 0x4002 current total B
    CHECK(ph[7] == 40);   // 0x4006 current total system
    CHECK(ph[23] == 40);  // 0x4016 = 2·(2·4 + 3): current peak system
    CHECK(ph[15] == 0);   // 0x400E = 2·(1·4 + 3): current sharp system
    CHECK(ph[46] == 0x006A);  // 0x402E prior total system, high word
    CHECK(ph[47] == 0xCFC0);
    CHECK(ph[62] == 0x006A);  // 0x403E prior peak system
    CHECK(ph[63] == 0xCFC0);
    CHECK(ph[61] == 3);   // 0x403C = 0x4028 + 2·(2·4 + 2): prior peak C
    CHECK(ph[79] == 0);   // 0x404E prior normal system

    CHECK(cur[1] == 50);    // 0x4100 ch 1 total
    CHECK(cur[5] == 50);    // 0x4104 ch 1 peak
    CHECK(cur[171] == 220); // 0x41AA ch 18 total
    CHECK(cur[175] == 220); // 0x41AE ch 18 peak
    CHECK(cur[179] == 0);   // ch 18 normal
    CHECK(pri[171] == 22);  // 0x42AA prior ch 18 total
    CHECK(pri[11] == 6);    // 0x420A prior ch 2 total

    CHECK(ucur[1] == 230);  // 0x4300 user 1 total
    CHECK(ucur[81] == 310); // 0x4350 user 9 total
    CHECK(ucur[85] == 310); // user 9 peak
    CHECK(upri[81] == 31);  // 0x43D0 prior user 9 total
    CHECK(upri[5] == 23);   // prior user 1 peak
}

TEST_CASE("clear and copies for the power-cycle snapshot", "[tou][energy]") {
    const TouCalendar cal(test_settings());
    TouEnergy e;
    Wh wh{};
    wh[column_phase(1)] = 250;
    e.accumulate(cal, at(2027, 1, 5, 12), at(2027, 1, 5, 12, 0, 1), wh);
    e.observe(at(2027, 2, 1));
    e.accumulate(cal, at(2027, 2, 5, 12), at(2027, 2, 5, 12, 0, 1), wh);
    const TouEnergy snapshot = e;
    CHECK(snapshot == e);
    e.accumulate(cal, at(2027, 2, 5, 12, 0, 1), at(2027, 2, 5, 12, 0, 2), wh);
    CHECK_FALSE(snapshot == e);
    e.clear();
    CHECK(e.reg(Month::current, column_phase(1), tou::row_total).micro_wh() == 0);
    CHECK(e.reg(Month::prior, column_phase(1), tou::row_total).micro_wh() == 0);
    // Cleared within February: the next February window does not roll over.
    e.accumulate(cal, at(2027, 2, 6, 12), at(2027, 2, 6, 12, 0, 1), wh);
    CHECK(e.reg(Month::current, column_phase(1), tou::row_total).tenths_of_kilo() == 2);
    CHECK(e.reg(Month::prior, column_phase(1), tou::row_total).micro_wh() == 0);
}
