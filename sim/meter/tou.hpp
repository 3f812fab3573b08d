#pragma once
// Time of use (register map §2 "TOU settings" / "TOU energies", metering-science §8): the board's
// calendar (seasons → daily schedules of tariff segments, weekend mask, holidays) and the TOU energy
// registers it fills (current and prior month, per tariff). Time is the board clock, the LOCAL wall
// time of the installation as a hal::Time (broken down as if it were UTC); nothing here reads a clock.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "acurev/board_map.hpp"
#include "hal/time.hpp"
#include "meter/energy_columns.hpp"
#include "meter/energy_register.hpp"
#include "meter/nvm.hpp"

namespace sim::meter {

namespace tou {
// The "TOU settings" block as the board map lays it out (acurev::tou, offsets from its start);
// the ranges, defaults, keys and labels of its registers are the board map's settings.
constexpr std::size_t settings_size = acurev::blocks::tou_settings.count;
using acurev::tou::enable, acurev::tou::weekend_mask, acurev::tou::weekend_schedule, acurev::tou::seasons_in_use,
    acurev::tou::holidays_in_use;
constexpr int max_seasons = static_cast<int>(acurev::tou::seasons);
constexpr int max_holidays = static_cast<int>(acurev::tou::holidays);
constexpr int max_schedules = static_cast<int>(acurev::tou::schedules);
constexpr int max_segments = static_cast<int>(acurev::tou::segments);
// Season s (1–14): month, day, schedule.
constexpr std::size_t season(int s) {
    return acurev::tou::season_first + acurev::tou::season_stride * static_cast<std::size_t>(s - 1);
}
// Holiday h (1–30): month, day, schedule.
constexpr std::size_t holiday(int h) {
    return acurev::tou::holiday_first + acurev::tou::holiday_stride * static_cast<std::size_t>(h - 1);
}
// Schedule d (1–8): segments in use, then 14 × [start hour, start minute, tariff].
constexpr std::size_t schedule(int d) {
    return acurev::tou::schedule_first + acurev::tou::schedule_stride * static_cast<std::size_t>(d - 1);
}
constexpr std::size_t segment_stride = (acurev::tou::schedule_stride - 1) / acurev::tou::segments;  // 3
static_assert(1 + segment_stride * acurev::tou::segments == acurev::tou::schedule_stride);
constexpr std::size_t segment(int d, int k) { return schedule(d) + 1 + segment_stride * static_cast<std::size_t>(k - 1); }

enum Tariff : int { sharp = 0, peak = 1, valley = 2, normal = 3 };
enum Error : int { ok = 0, bad_season = 1, bad_schedule = 2, bad_holiday = 3 };
enum DayType : int { weekday = 0, weekend = 1, holiday_day = 2 };

// Rows of each energy column (columns: meter/energy_columns.hpp).
constexpr int rows = 5;
constexpr int row_total = 0;
constexpr int row_of(int tariff) { return 1 + tariff; }  // sharp 1, peak 2, valley 3, normal 4
}  // namespace tou

struct TouStatus {
    int error = tou::ok;         // tou::Error
    bool enabled = false;        // TOU on and valid: tariff energies accumulate
    std::optional<int> tariff;   // tou::Tariff, only when enabled
    int season = 0;              // 1–14; 0 when the settings are in error
    int schedule = 0;            // 1–8 in effect for the day; 0 when in error
    int day_type = tou::weekday; // tou::DayType
};

// The calendar, built once from a settings image (rebuild it when the settings change).
// On only when the enable register is 1. Validation (any error disables TOU; the first error found,
// in this order, is the status): 1 the seasons in use are not valid dates (Feb 29 allowed) in
// strictly increasing (month, day) order, or their count or schedule is out of range; 2 a schedule
// in use (of a season or holiday in use, or the weekend schedule when the mask has a day) has
// segment starts not strictly increasing, or a count, time or tariff out of range, or the weekend
// schedule is out of range; 3 a holiday in use is not a valid date, or its count or schedule is
// out of range. Schedules nobody uses are not checked.
class TouCalendar {
public:
    TouCalendar();  // the board map's defaults: TOU off
    // `settings`: the 512-register block image (std::invalid_argument on another size).
    explicit TouCalendar(std::span<const std::uint16_t> settings);

    int error() const { return error_; }                  // tou::Error, 0 ok
    const std::string& error_text() const { return error_text_; }  // what was wrong, "" when ok
    bool enabled() const { return on_ && error_ == tou::ok; }

    std::optional<int> tariff_at(hal::Time local) const;
    TouStatus status_at(hal::Time local) const;
    // The next instant after `local` at which the tariff or the day can change: the next segment
    // start of the day's schedule when enabled, else (or after the last one) the next midnight.
    hal::Time next_switch_after(hal::Time local) const;

    // The tariff at `local` (nullopt when not enabled) and until when it holds, from one breakdown.
    struct Interval {
        std::optional<int> tariff;
        hal::Time end;
    };
    Interval interval_at(hal::Time local) const;

private:
    struct Date {
        int month = 1, day = 1, schedule = 1;
    };
    struct Schedule {
        int segments = 1;
        std::array<int, tou::max_segments> start_min{};  // minute of the day
        std::array<int, tou::max_segments> tariff{};
    };
    struct Located;
    Located locate(hal::Time local) const;
    void validate(std::span<const std::uint16_t> s);

    bool on_ = false;
    int weekend_mask_ = 0x41, weekend_schedule_ = 1;
    int seasons_ = 1, holidays_ = 0;
    std::array<Date, tou::max_seasons> season_{};
    std::array<Date, tou::max_holidays> holiday_{};
    std::array<Schedule, tou::max_schedules> schedule_{};
    int error_ = tou::ok;
    std::string error_text_;
};

// The TOU energy registers: per column, rows [total, sharp, peak, valley, normal] for the current and
// the prior month. Total rows always accumulate; tariff rows only while the calendar is enabled.
// Month roll-over (current → prior, current cleared) at local midnight of the 1st, or when the clock
// is seen in another month than the last one seen (a clock jump, forwards or back): one roll-over per
// jump whatever its length, so prior always holds the month just left.
class TouEnergy {
public:
    enum class Month { current = 0, prior = 1 };

    // wh[c]: the import energy of column c over [from, to), spread uniformly; split by time fraction
    // at tariff switches and midnights (metering-science §8), so a window that crosses midnight of the
    // 1st puts its first part in the month it leaves. Values ≤ 0 add nothing. A window of zero length
    // only observes `from`.
    void accumulate(const TouCalendar& calendar, hal::Time from, hal::Time to,
                    std::span<const double, energy_columns> wh);
    void observe(hal::Time local);  // rolls over with no energy
    void clear();                   // the energy reset command: current and prior

    const EnergyRegister& reg(Month m, int column, int row) const {
        return months_[static_cast<std::size_t>(m)][static_cast<std::size_t>(column)][static_cast<std::size_t>(row)];
    }

    // Register images, uint32 high word first, value = tenths_of_kilo(); each vector is resized.
    // 0x4000, 80 regs: rows × [A, B, C, system] at 2·(row·4 + col), current month, prior from 40.
    void render_phases(std::vector<std::uint16_t>& img80) const;
    // 0x4100 / 0x4200, 180 regs each: channel ch at 10·(ch−1), rows at +2·row.
    void render_channels(std::vector<std::uint16_t>& current180, std::vector<std::uint16_t>& prior180) const;
    // 0x4300 / 0x4380, 90 regs each: user n at 10·(n−1), rows at +2·row.
    void render_users(std::vector<std::uint16_t>& current90, std::vector<std::uint16_t>& prior90) const;

    // The registers and the month last seen (what a power-cycle snapshot must keep).
    bool operator==(const TouEnergy& o) const;
    void save(NvmWriter& w) const;
    void load(NvmReader& r);

private:
    using Rows = std::array<EnergyRegister, tou::rows>;
    using Table = std::array<Rows, energy_columns>;
    EnergyRegister& at(Month m, int column, int row) {
        return months_[static_cast<std::size_t>(m)][static_cast<std::size_t>(column)][static_cast<std::size_t>(row)];
    }
    void see_month(int month_key);

    std::array<Table, 2> months_{};
    int month_key_ = -1;  // year·12 + month − 1 of the last instant seen; −1 before the first
    hal::Time day_start_{0}, day_end_{0};  // the local day last seen, so a window needs no breakdown
};

}  // namespace sim::meter
