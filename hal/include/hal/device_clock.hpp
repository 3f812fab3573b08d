#pragma once
// The device's date and time (web manual 7.4: the clock page, NTP, time zone and DST), apart from
// the scheduler's monotonic time (ARCHITECTURE "Time is virtual"): logs, file names and TOU use
// the date; timers never do. On a unit it is the battery-backed RTC.
//
// The zone is either an IANA zone (its rules give the offset and DST at each instant: DST starts
// and ends by itself) or a fixed offset with a DST flag set by hand (the rig's clock knob);
// whichever was set last holds.
#include <chrono>
#include <optional>
#include <string>

#include "hal/clock.hpp"
#include "hal/time_zone.hpp"

namespace hal {

class DeviceClock {
public:
    virtual ~DeviceClock() = default;
    virtual Time utc() const = 0;
    virtual void set_utc(Time t) = 0;  // the clock page, NTP
    virtual std::chrono::minutes zone_offset() const = 0;  // standard time east of UTC, now
    virtual bool dst() const = 0;                          // daylight saving time in force now
    virtual void set_zone(std::chrono::minutes offset, bool dst) = 0;  // a fixed offset (+1 h with dst)
    // An IANA zone with its rules (TimeZoneDatabase); throws std::invalid_argument or TzifError.
    virtual void set_zone(const std::string& iana_name) = 0;
    virtual std::string zone_name() const = 0;  // "" for a fixed offset
    virtual ZoneOffset zone_now() const = 0;    // the offset in force now, DST included
    // The next instant (device UTC) when the zone's offset or DST changes; none for a fixed offset.
    virtual std::optional<Time> next_zone_change() const = 0;
    Time local() const { return utc() + std::chrono::seconds(zone_now().utc_offset_s); }
};

// A device clock that runs with `base` from wherever it was last set: the simulator's over the
// virtual clock, a unit's over its wall clock.
class OffsetDeviceClock final : public DeviceClock {
public:
    explicit OffsetDeviceClock(const Clock& base) : base_(base) {}
    Time utc() const override { return base_.now() + offset_; }
    void set_utc(Time t) override { offset_ = t - base_.now(); }
    std::chrono::minutes zone_offset() const override {
        const auto z = zone_now();
        // A zone's standard offset: what is in force less its DST (an hour in all but a few zones).
        return std::chrono::minutes((z.utc_offset_s - (z.dst ? dst_saving_s() : 0)) / 60);
    }
    bool dst() const override { return zone_now().dst; }
    void set_zone(std::chrono::minutes offset, bool dst) override {
        zone_ = offset;
        dst_ = dst;
        rules_.reset();
        name_.clear();
    }
    void set_zone(const std::string& iana_name) override {
        rules_ = TimeZoneDatabase::installed().load(iana_name);
        name_ = iana_name;
    }
    std::string zone_name() const override { return name_; }
    ZoneOffset zone_now() const override {
        if (rules_) return rules_->at(utc_s());
        return {static_cast<std::int32_t>((zone_ + (dst_ ? std::chrono::hours(1) : std::chrono::hours(0))).count() * 60), dst_, ""};
    }
    std::optional<Time> next_zone_change() const override {
        if (!rules_) return std::nullopt;
        const auto next = rules_->next_change(utc_s());
        if (!next) return std::nullopt;
        return std::chrono::seconds(*next);
    }

private:
    std::int64_t utc_s() const { return std::chrono::floor<std::chrono::seconds>(utc()).count(); }
    std::int32_t dst_saving_s() const {
        // The saving is the difference to the standard offset on the other side of the change.
        const auto t = utc_s();
        const auto now = rules_ ? rules_->at(t) : ZoneOffset{};
        if (!rules_ || !now.dst) return 3600;
        if (const auto next = rules_->next_change(t)) {
            const auto after = rules_->at(*next);
            if (!after.dst) return now.utc_offset_s - after.utc_offset_s;
        }
        return 3600;
    }
    const Clock& base_;
    Duration offset_{0};
    std::chrono::minutes zone_{0};
    bool dst_ = false;
    std::optional<ZoneRules> rules_;
    std::string name_;
};

}  // namespace hal
