#pragma once
// The clock and scheduler of both backends: a discrete-event queue over a settable clock.
// Fast mode runs it as fast as the CPU allows; real-time mode sets its clock from the wall clock.
// Nothing here reads the wall clock; the rig sets the pace (fast or real-time).
#include <map>
#include <unordered_map>
#include <utility>

#include "hal/clock.hpp"

namespace hal {

class EventScheduler final : public Scheduler {
public:
    explicit EventScheduler(Time start) : now_(start) {}

    Time now() const override { return now_; }
    TimerId at(Time when, std::function<void()> fn) override;
    void cancel(TimerId id) override;
    std::optional<Time> next_due() const override;
    Duration peer_time(Duration d) const override;
    // Virtual seconds per wall second while paced (the real-time pacer sets it); 1 runs free.
    void set_peer_scale(double virtual_per_wall);

    // Runs the earliest timer due at or before `limit`, moving the clock to its instant.
    // Returns false when none is due.
    bool run_next(Time limit);
    // Runs every timer due up to `until` in order, then leaves the clock at `until`.
    void run_until(Time until);
    // Moves the clock forward without running anything (the real-time pacer catching up).
    void set_now(Time t);
    std::size_t pending() const { return queue_.size(); }

private:
    using Key = std::pair<Time, TimerId>;  // same instant: first scheduled runs first
    Time now_;
    double peer_scale_ = 1.0;
    TimerId next_id_ = 1;
    std::map<Key, std::function<void()>> queue_;
    std::unordered_map<TimerId, Time> when_;
};

}  // namespace hal
