#include "meter/tou.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "meter/measurement.hpp"
#include "meter/wiring.hpp"
#include "modbus/pdu.hpp"

namespace sim::meter {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t ns_per_min = 60 * ns_per_s;
constexpr std::int64_t ns_per_day = 86'400 * ns_per_s;

// Days of each month, February with 29 so a Feb 29 season or holiday is valid (it only matches
// in leap years; a season starting Feb 29 starts Mar 1 in other years).
constexpr std::array<int, 12> month_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool valid_date(int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= month_days[static_cast<std::size_t>(month - 1)];
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string mmdd(int month, int day) { return two(month) + "-" + two(day); }

hal::Time floor_day(hal::Time t) {
    std::int64_t d = t.count() / ns_per_day;
    if (t.count() % ns_per_day < 0) --d;
    return hal::Time(d * ns_per_day);
}

std::tm breakdown(hal::Time t) {
    const auto s = static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(t).count());
    std::tm tm{};
    gmtime_r(&s, &tm);
    return tm;
}

int month_key_of(hal::Time t) {
    const std::tm tm = breakdown(t);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TouCalendar

TouCalendar::TouCalendar() : TouCalendar(acurev::default_settings_image(acurev::blocks::tou_settings)) {}

TouCalendar::TouCalendar(std::span<const std::uint16_t> s) {
    if (s.size() != tou::settings_size)
        throw std::invalid_argument("TOU settings image has " + std::to_string(s.size()) + " registers: " +
                                    std::to_string(tou::settings_size) + " expected");
    on_ = s[tou::enable] == 1;
    weekend_mask_ = s[tou::weekend_mask] & 0x7F;
    weekend_schedule_ = s[tou::weekend_schedule];
    seasons_ = s[tou::seasons_in_use];
    holidays_ = s[tou::holidays_in_use];
    for (int i = 1; i <= tou::max_seasons; ++i)
        season_[static_cast<std::size_t>(i - 1)] = {s[tou::season(i)], s[tou::season(i) + 1], s[tou::season(i) + 2]};
    for (int i = 1; i <= tou::max_holidays; ++i)
        holiday_[static_cast<std::size_t>(i - 1)] = {s[tou::holiday(i)], s[tou::holiday(i) + 1],
                                                     s[tou::holiday(i) + 2]};
    for (int d = 1; d <= tou::max_schedules; ++d) {
        Schedule& sc = schedule_[static_cast<std::size_t>(d - 1)];
        sc.segments = s[tou::schedule(d)];
        for (int g = 1; g <= tou::max_segments; ++g) {
            const auto o = tou::segment(d, g);
            sc.start_min[static_cast<std::size_t>(g - 1)] = s[o] * 60 + s[o + 1];
            sc.tariff[static_cast<std::size_t>(g - 1)] = s[o + 2];
        }
    }
    validate(s);
}

// The register ranges are the board map's job (acurev::check_settings_write refuses a write out of
// them); values outside them are still caught here, as the error of the part they belong to, so a
// bad image can never index past a table.
void TouCalendar::validate(std::span<const std::uint16_t> s) {
    auto fail = [this](int code, std::string text) {
        error_ = code;
        error_text_ = std::move(text);
    };
    if (seasons_ < 1 || seasons_ > tou::max_seasons)
        return fail(tou::bad_season, "TOU seasons in use " + std::to_string(seasons_) + " is out of range: 1–14");
    std::array<bool, tou::max_schedules + 1> used{};
    for (int i = 0; i < seasons_; ++i) {
        const Date& d = season_[static_cast<std::size_t>(i)];
        const std::string name = "TOU season " + std::to_string(i + 1);
        if (!valid_date(d.month, d.day))
            return fail(tou::bad_season, name + " start " + mmdd(d.month, d.day) + " is not a date");
        if (d.schedule < 1 || d.schedule > tou::max_schedules)
            return fail(tou::bad_season, name + " schedule " + std::to_string(d.schedule) + " is out of range: 1–8");
        if (i > 0) {
            const Date& p = season_[static_cast<std::size_t>(i - 1)];
            if (d.month * 32 + d.day <= p.month * 32 + p.day)
                return fail(tou::bad_season, name + " start " + mmdd(d.month, d.day) + " is not after season " +
                                                 std::to_string(i) + " start " + mmdd(p.month, p.day));
        }
        used[static_cast<std::size_t>(d.schedule)] = true;
    }
    if (weekend_mask_ != 0) {
        if (weekend_schedule_ < 1 || weekend_schedule_ > tou::max_schedules)
            return fail(tou::bad_schedule,
                        "TOU weekend schedule " + std::to_string(weekend_schedule_) + " is out of range: 1–8");
        used[static_cast<std::size_t>(weekend_schedule_)] = true;
    }
    // Error order: seasons (1), then every schedule in use (2), then holidays (3). A holiday's
    // schedule is in use when it is in range; out of range it is the holiday's error.
    const bool holidays_ok = holidays_ >= 0 && holidays_ <= tou::max_holidays;
    if (holidays_ok)
        for (int i = 0; i < holidays_; ++i) {
            const int sc = holiday_[static_cast<std::size_t>(i)].schedule;
            if (sc >= 1 && sc <= tou::max_schedules) used[static_cast<std::size_t>(sc)] = true;
        }
    for (int d = 1; d <= tou::max_schedules; ++d) {
        if (!used[static_cast<std::size_t>(d)]) continue;
        const Schedule& sc = schedule_[static_cast<std::size_t>(d - 1)];
        const std::string name = "TOU schedule " + std::to_string(d);
        if (sc.segments < 1 || sc.segments > tou::max_segments)
            return fail(tou::bad_schedule,
                        name + " segments in use " + std::to_string(sc.segments) + " is out of range: 1–14");
        for (int g = 1; g <= sc.segments; ++g) {
            const auto o = tou::segment(d, g);
            const std::string seg = name + " segment " + std::to_string(g);
            if (s[o] > 23 || s[o + 1] > 59)
                return fail(tou::bad_schedule, seg + " start " + std::to_string(s[o]) + ":" + two(s[o + 1]) +
                                                   " is not a time of day: 00:00–23:59");
            if (s[o + 2] > 3)
                return fail(tou::bad_schedule, seg + " tariff " + std::to_string(s[o + 2]) +
                                                   " is out of range: 0 sharp, 1 peak, 2 valley, 3 normal");
            if (g > 1 && sc.start_min[static_cast<std::size_t>(g - 1)] <= sc.start_min[static_cast<std::size_t>(g - 2)])
                return fail(tou::bad_schedule, seg + " start " + two(s[o]) + ":" + two(s[o + 1]) +
                                                   " is not after segment " + std::to_string(g - 1) + " start");
        }
    }
    if (!holidays_ok)
        return fail(tou::bad_holiday, "TOU holidays in use " + std::to_string(holidays_) + " is out of range: 0–30");
    for (int i = 0; i < holidays_; ++i) {
        const Date& d = holiday_[static_cast<std::size_t>(i)];
        const std::string name = "TOU holiday " + std::to_string(i + 1);
        if (!valid_date(d.month, d.day))
            return fail(tou::bad_holiday, name + " " + mmdd(d.month, d.day) + " is not a date");
        if (d.schedule < 1 || d.schedule > tou::max_schedules)
            return fail(tou::bad_holiday, name + " schedule " + std::to_string(d.schedule) + " is out of range: 1–8");
    }
}

struct TouCalendar::Located {
    TouStatus status;
    hal::Time next;
};

TouCalendar::Located TouCalendar::locate(hal::Time t) const {
    Located r{};
    r.status.error = error_;
    const hal::Time day = floor_day(t);
    r.next = day + hal::Time(ns_per_day);
    if (error_ != tou::ok) return r;

    const std::tm tm = breakdown(t);
    const int month = tm.tm_mon + 1, mday = tm.tm_mday;
    // Season: the last one started on or before today; before season 1's start, the last in use.
    r.status.season = seasons_;
    for (int i = seasons_ - 1; i >= 0; --i) {
        const Date& d = season_[static_cast<std::size_t>(i)];
        if (d.month * 32 + d.day <= month * 32 + mday) {
            r.status.season = i + 1;
            break;
        }
    }
    // Day type: holiday > weekend > the season's schedule (register map §2).
    r.status.day_type = tou::weekday;
    r.status.schedule = season_[static_cast<std::size_t>(r.status.season - 1)].schedule;
    if ((weekend_mask_ >> tm.tm_wday) & 1) {
        r.status.day_type = tou::weekend;
        r.status.schedule = weekend_schedule_;
    }
    for (int i = 0; i < holidays_; ++i) {
        const Date& h = holiday_[static_cast<std::size_t>(i)];
        if (h.month == month && h.day == mday) {
            r.status.day_type = tou::holiday_day;
            r.status.schedule = h.schedule;
            break;
        }
    }
    if (!on_) return r;

    // Segment: the last one started at or before t; before the first start, the last (wrap).
    const Schedule& sc = schedule_[static_cast<std::size_t>(r.status.schedule - 1)];
    int active = sc.segments - 1;
    for (int g = 0; g < sc.segments; ++g) {
        const hal::Time start = day + hal::Time(sc.start_min[static_cast<std::size_t>(g)] * ns_per_min);
        if (start <= t) {
            active = g;
        } else {
            r.next = start;
            break;
        }
    }
    r.status.enabled = true;
    r.status.tariff = sc.tariff[static_cast<std::size_t>(active)];
    return r;
}

std::optional<int> TouCalendar::tariff_at(hal::Time local) const { return locate(local).status.tariff; }
TouStatus TouCalendar::status_at(hal::Time local) const { return locate(local).status; }
hal::Time TouCalendar::next_switch_after(hal::Time local) const { return locate(local).next; }

TouCalendar::Interval TouCalendar::interval_at(hal::Time local) const {
    const Located l = locate(local);
    return {l.status.tariff, l.next};
}

// ---------------------------------------------------------------------------------------------
// TouEnergy

void TouEnergy::see_month(int key) {
    if (month_key_ >= 0 && key != month_key_) {
        months_[static_cast<std::size_t>(Month::prior)] = months_[static_cast<std::size_t>(Month::current)];
        months_[static_cast<std::size_t>(Month::current)] = Table{};
    }
    month_key_ = key;
}

void TouEnergy::observe(hal::Time local) {
    // The month only changes at a midnight: within the day last seen no breakdown is needed.
    if (month_key_ >= 0 && local >= day_start_ && local < day_end_) return;
    see_month(month_key_of(local));
    day_start_ = floor_day(local);
    day_end_ = day_start_ + hal::Time(ns_per_day);
}

void TouEnergy::accumulate(const TouCalendar& calendar, hal::Time from, hal::Time to,
                           std::span<const double, energy_columns> wh) {
    observe(from);
    if (to <= from) return;
    const double window = static_cast<double>((to - from).count());
    hal::Time t = from;
    while (t < to) {
        observe(t);  // pieces end at midnights at the latest, so each lies in one month
        const TouCalendar::Interval iv = calendar.interval_at(t);
        const hal::Time end = std::min(to, iv.end);
        const double fraction = static_cast<double>((end - t).count()) / window;
        for (int c = 0; c < energy_columns; ++c) {
            const double e = wh[static_cast<std::size_t>(c)];
            if (!(e > 0)) continue;  // import only (register map 1.4): no negative (or NaN) windows
            at(Month::current, c, tou::row_total).add_wh(e * fraction);
            if (iv.tariff) at(Month::current, c, tou::row_of(*iv.tariff)).add_wh(e * fraction);
        }
        t = end;
    }
}

void TouEnergy::clear() { months_ = {}; }

bool TouEnergy::operator==(const TouEnergy& o) const { return months_ == o.months_ && month_key_ == o.month_key_; }

static_assert(tou::rows == static_cast<int>(acurev::tou_energy::rows));

void TouEnergy::render_phases(std::vector<std::uint16_t>& img) const {
    namespace te = acurev::tou_energy;
    constexpr int cols = column_system + 1;  // A, B, C, system
    img.assign(acurev::blocks::tou_energy.count, 0);
    for (int m = 0; m < 2; ++m)
        for (int row = 0; row < tou::rows; ++row)
            for (int col = 0; col < cols; ++col)
                modbus::put_u32(img, te::prior_month * static_cast<std::size_t>(m) + te::phase_register(static_cast<std::size_t>(row), static_cast<std::size_t>(col)),
                                reg(static_cast<Month>(m), col, row).tenths_of_kilo());
}

void TouEnergy::render_channels(std::vector<std::uint16_t>& current, std::vector<std::uint16_t>& prior) const {
    current.assign(acurev::blocks::tou_channel_month.count, 0);
    prior.assign(acurev::blocks::tou_channel_prior.count, 0);
    for (int ch0 = 0; ch0 < current_inputs; ++ch0)
        for (int row = 0; row < tou::rows; ++row) {
            const auto at_reg = acurev::tou_energy::meter_register(static_cast<std::size_t>(ch0), static_cast<std::size_t>(row));
            modbus::put_u32(current, at_reg, reg(Month::current, column_channel(ch0), row).tenths_of_kilo());
            modbus::put_u32(prior, at_reg, reg(Month::prior, column_channel(ch0), row).tenths_of_kilo());
        }
}

void TouEnergy::render_users(std::vector<std::uint16_t>& current, std::vector<std::uint16_t>& prior) const {
    current.assign(acurev::blocks::tou_user_month.count, 0);
    prior.assign(acurev::blocks::tou_user_prior.count, 0);
    for (int u0 = 0; u0 < user_channels; ++u0)
        for (int row = 0; row < tou::rows; ++row) {
            const auto at_reg = acurev::tou_energy::meter_register(static_cast<std::size_t>(u0), static_cast<std::size_t>(row));
            modbus::put_u32(current, at_reg, reg(Month::current, column_user(u0), row).tenths_of_kilo());
            modbus::put_u32(prior, at_reg, reg(Month::prior, column_user(u0), row).tenths_of_kilo());
        }
}

void TouEnergy::save(NvmWriter& w) const {
    for (const auto& table : months_)
        for (const auto& rows : table)
            for (const auto& r : rows) r.save(w);
    w.put(month_key_);
}

void TouEnergy::load(NvmReader& r) {
    for (auto& table : months_)
        for (auto& rows : table)
            for (auto& x : rows) x.load(r);
    month_key_ = r.get<int>();
    day_start_ = day_end_ = hal::Time{0};  // the day is looked up again at the next window
}

}  // namespace sim::meter
