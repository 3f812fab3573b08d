#pragma once
// Clock and scheduler: the single source of time and of every timer (ARCHITECTURE "Time is virtual").
#include <cstddef>
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
    // An exchange with an outside party in flight (an upload to a server): when the rig runs free
    // it serves the sockets before it runs the next timer (up to a cap of its own), so an exchange
    // with a peer on loopback takes no virtual time and a run stays deterministic. On a unit, and
    // when paced, only counted.
    void begin_exchange() {
        ++exchanges_;
        ++exchanges_begun_;
    }
    void end_exchange() { if (exchanges_ > 0) --exchanges_; }
    std::size_t exchanges_in_flight() const { return exchanges_; }
    std::uint64_t exchanges_begun() const { return exchanges_begun_; }

private:
    std::size_t exchanges_ = 0;
    std::uint64_t exchanges_begun_ = 0;
};

}  // namespace hal
