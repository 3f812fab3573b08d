#pragma once
// Clock and scheduler: the single source of time and of every timer (ARCHITECTURE "Time is virtual").
#include <cstdint>
#include <functional>
#include <optional>

#include "hal/time.hpp"

namespace hal {

class Clock {
public:
    virtual ~Clock() = default;
    virtual Time now() const = 0;
};

using TimerId = std::uint64_t;

// Timers run on the loop that owns the firmware, in time order; ties run in the order scheduled,
// which keeps runs deterministic.
class Scheduler : public Clock {
public:
    virtual TimerId at(Time when, std::function<void()> fn) = 0;
    TimerId after(Duration delay, std::function<void()> fn) { return at(now() + delay, std::move(fn)); }
    virtual void cancel(TimerId id) = 0;
    virtual std::optional<Time> next_due() const = 0;
    // Peer time (ARCHITECTURE "Time is virtual"): the scheduler duration that lasts `d` for an
    // outside party — a Modbus client's idle time, a half-sent frame, a session. The same as `d`
    // when the rig runs free or on a unit; `d` × speed when the simulator is paced at `speed`.
    virtual Duration peer_time(Duration d) const = 0;
};

}  // namespace hal
