#pragma once
// Real-time mode (ARCHITECTURE "Time is virtual"): sets the one virtual clock from the wall
// clock, scaled by `speed`, runs what is due, then serves sockets until the next timer.
// With the hal clocks (and TtySerialPort's retry after a broken line) the only code that looks at the wall.
#include <atomic>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "common/event_scheduler.hpp"
#include "hal/clock.hpp"

namespace hal::linux_backend {

// hal::Clock on CLOCK_REALTIME: what a real unit stamps its readings with.
class WallClock final : public Clock {
public:
    Time now() const override;
};

// Paces on CLOCK_MONOTONIC (a wall-clock step must not make virtual time jump). The virtual
// start instant is the scheduler's clock when run() is called; a rig built at a given instant
// (EventScheduler(start)) starts there.
class RealTimePacer {
public:
    // `speed`: virtual seconds per wall second, > 0 (std::invalid_argument otherwise).
    RealTimePacer(boost::asio::io_context& io, EventScheduler& scheduler, double speed);
    // Loop: virtual clock = start + wall elapsed × speed; run every timer due; serve the
    // io_context until the next timer is due on the wall (at most 20 ms, so `stop` is seen).
    // Returns when `stop` is set (it may be set from another thread or a signal handler), the
    // io_context is stopped, or virtual time reaches `until` (the clock is then left at `until`).
    // A stopped io_context ends a run at once: restart() it to pace again.
    void run(const std::atomic<bool>& stop, Time until = Time::max());

private:
    boost::asio::io_context& io_;
    // The loop may have nothing pending while timers live in the scheduler. Held for the pacer's
    // life, not per run(): releasing it with no other work stops the io_context, and a second
    // run() would then end at once without reaching `until`.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    EventScheduler& scheduler_;
    double speed_;
};

}  // namespace hal::linux_backend
