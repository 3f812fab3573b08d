#pragma once
// The device's date and time (web manual: the clock page, NTP, time zone and DST), apart from
// the scheduler's monotonic time (ARCHITECTURE "Time is virtual"): logs, file names and TOU use
// the date; timers never do. On a unit it is the battery-backed RTC.
#include <chrono>

#include "hal/clock.hpp"

namespace hal {

class DeviceClock {
public:
    virtual ~DeviceClock() = default;
    virtual Time utc() const = 0;
    virtual void set_utc(Time t) = 0;  // the clock page, NTP
    virtual std::chrono::minutes zone_offset() const = 0;  // standard time east of UTC
    virtual bool dst() const = 0;                          // daylight saving time in force (+1 h)
    virtual void set_zone(std::chrono::minutes offset, bool dst) = 0;
    Time local() const { return utc() + zone_offset() + (dst() ? std::chrono::hours(1) : std::chrono::hours(0)); }
};

// A device clock that runs with `base` from wherever it was last set: the simulator's over the
// virtual clock, a unit's over its wall clock.
class OffsetDeviceClock final : public DeviceClock {
public:
    explicit OffsetDeviceClock(const Clock& base) : base_(base) {}
    Time utc() const override { return base_.now() + offset_; }
    void set_utc(Time t) override { offset_ = t - base_.now(); }
    std::chrono::minutes zone_offset() const override { return zone_; }
    bool dst() const override { return dst_; }
    void set_zone(std::chrono::minutes offset, bool dst) override {
        zone_ = offset;
        dst_ = dst;
    }

private:
    const Clock& base_;
    Duration offset_{0};
    std::chrono::minutes zone_{0};
    bool dst_ = false;
};

}  // namespace hal
