#pragma once
// Real-time mode (ARCHITECTURE "Time is virtual"): sets the one virtual clock from the wall
// clock, scaled by `speed`, runs what is due, then serves sockets until the next timer.
// This is the only place besides the hal clocks that looks at the wall.
#include <atomic>

#include <boost/asio/io_context.hpp>

#include "common/event_scheduler.hpp"
#include "hal/clock.hpp"

namespace hal::linux_backend {

// hal::Clock on CLOCK_REALTIME: what a real unit stamps its readings with.
class WallClock final : public Clock {
public:
    Time now() const override;
};

class RealTimePacer {
public:
    RealTimePacer(boost::asio::io_context& io, EventScheduler& scheduler, double speed);
    // Runs until `stop` is set or virtual time reaches `until`.
    void run(const std::atomic<bool>& stop, Time until = Time::max());

private:
    boost::asio::io_context& io_;
    EventScheduler& scheduler_;
    double speed_;
};

}  // namespace hal::linux_backend
