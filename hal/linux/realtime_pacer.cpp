#include "linux/realtime_pacer.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace hal::linux_backend {

namespace {
Duration monotonic() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}
}  // namespace

Time WallClock::now() const {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

RealTimePacer::RealTimePacer(boost::asio::io_context& io, EventScheduler& scheduler, double speed)
    : io_(io), work_(boost::asio::make_work_guard(io)), scheduler_(scheduler), speed_(speed) {
    if (!(speed > 0) || !std::isfinite(speed))
        throw std::invalid_argument("real-time speed " + std::to_string(speed) +
                                    " is out of range: a positive number of virtual seconds per wall second");
    scheduler_.set_peer_scale(speed_);  // timeouts that wait on outside parties count wall time
}

void RealTimePacer::run(const std::atomic<bool>& stop, Time until) {
    const Duration wall_start = monotonic();
    const Time virtual_start = scheduler_.now();
    while (!stop && !io_.stopped()) {
        // In seconds first: at a high speed over a long run the nanoseconds would overflow.
        const double ahead = to_seconds(monotonic() - wall_start) * speed_;
        Time target = ahead >= to_seconds(until - virtual_start) ? until : virtual_start + from_seconds(ahead);
        target = std::max(target, scheduler_.now());  // never backwards (a timer may have run late)
        while (scheduler_.run_next(target)) {
        }
        scheduler_.set_now(target);
        if (target >= until) return;
        // Serve sockets until the next timer is due on the wall, at most 20 ms at a time.
        Duration wait = std::chrono::milliseconds(20);
        if (const auto next = scheduler_.next_due())
            wait = std::min(wait, from_seconds(std::max(0.0, to_seconds(*next - scheduler_.now()) / speed_)));
        if (io_.run_one_for(std::chrono::duration_cast<std::chrono::microseconds>(wait) + std::chrono::microseconds(1)) > 0) io_.poll();
    }
}

}  // namespace hal::linux_backend
