#pragma once
// Time zones from the IANA database (web manual 7.4 "Time Zone"): the zone's offset and DST at any
// instant, from its TZif file (RFC 8536) as the system's tzdata installs it (/usr/share/zoneinfo on
// Debian and on a unit's root file system). GCC 12's <chrono> has no tzdb, so the hal reads TZif
// itself: version 2+ data (64-bit transition times) and the footer's POSIX TZ rule for instants
// past the last transition. Nothing here reads the wall clock: every answer is for a given instant.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hal/time.hpp"

namespace hal {

struct TzifError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Local time at an instant: seconds east of UTC (DST included), whether DST is in force, and the
// abbreviation ("EDT").
struct ZoneOffset {
    std::int32_t utc_offset_s = 0;
    bool dst = false;
    std::string abbreviation;
    bool operator==(const ZoneOffset&) const = default;
};

class ZoneRules {
public:
    ZoneRules() = default;  // UTC
    ZoneOffset at(std::int64_t utc_s) const;
    // The first instant after `utc_s` when the offset or DST changes (none for a zone without DST).
    std::optional<std::int64_t> next_change(std::int64_t utc_s) const;

    // Parses a TZif file; throws TzifError saying what is wrong (bad magic, version 1 only,
    // truncated, a count or index out of range, a footer it cannot read).
    static ZoneRules parse_tzif(std::string_view bytes);

    // A POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0"), the TZif footer's form.
    struct Rule {
        struct Date {  // Mm.w.d (month, week 1-5 where 5 is the last, weekday 0 = Sunday), Jn or n
            enum class Kind { month_week_day, julian_no_leap, julian } kind = Kind::month_week_day;
            int month = 0, week = 0, weekday = 0, day = 0;
            std::int32_t time_s = 7200;  // local time of the change (default 02:00)
        };
        ZoneOffset standard, daylight;
        bool has_dst = false;
        Date start, end;  // DST starts (in standard time) and ends (in DST)
    };
    static Rule parse_posix_rule(std::string_view text);  // throws TzifError

private:
    std::vector<std::int64_t> transitions_;     // UTC seconds, increasing
    std::vector<std::uint8_t> transition_type_;  // index into types_
    std::vector<ZoneOffset> types_;
    std::optional<Rule> rule_;  // past the last transition
    // The rule's DST start and end (UTC seconds) in a year.
    static std::pair<std::int64_t, std::int64_t> rule_changes(const Rule& r, int year);
    ZoneOffset rule_at(std::int64_t utc_s) const;
};

// The installed zone database: its zone names (the canonical ones of tzdata.zi) and each zone's rules.
class TimeZoneDatabase {
public:
    explicit TimeZoneDatabase(std::string directory);
    // The system's (/usr/share/zoneinfo): the same on the simulator's machine and on a unit.
    static const TimeZoneDatabase& installed();
    const std::vector<std::string>& names() const { return names_; }  // sorted; "UTC" among them
    bool contains(const std::string& name) const;
    // Throws std::invalid_argument for a name not in names(), TzifError for a bad file.
    ZoneRules load(const std::string& name) const;
    const std::string& directory() const { return directory_; }

private:
    std::string directory_;
    std::vector<std::string> names_;
};

}  // namespace hal
