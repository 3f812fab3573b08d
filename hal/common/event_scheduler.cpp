#include "common/event_scheduler.hpp"

#include <stdexcept>
#include <string>

namespace hal {

TimerId EventScheduler::at(Time when, std::function<void()> fn) {
    if (when < now_) when = now_;  // a timer in the past is due now, never before now
    const TimerId id = next_id_++;
    queue_.emplace(Key{when, id}, std::move(fn));
    when_.emplace(id, when);
    return id;
}

void EventScheduler::cancel(TimerId id) {
    auto it = when_.find(id);
    if (it == when_.end()) return;
    queue_.erase(Key{it->second, id});
    when_.erase(it);
}

Duration EventScheduler::peer_time(Duration d) const {
    if (peer_scale_ == 1.0) return d;
    // In seconds: at a high speed the nanoseconds of a long timeout would overflow.
    const double s = to_seconds(d) * peer_scale_;
    return s >= 9.0e9 ? Duration::max() / 4 : from_seconds(s);
}

void EventScheduler::set_peer_scale(double virtual_per_wall) {
    if (!(virtual_per_wall > 0)) throw std::invalid_argument("peer time scale must be positive, got " + std::to_string(virtual_per_wall));
    peer_scale_ = virtual_per_wall;
}

std::optional<Time> EventScheduler::next_due() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first.first;
}

bool EventScheduler::run_next(Time limit) {
    if (queue_.empty()) return false;
    auto it = queue_.begin();
    if (it->first.first > limit) return false;
    now_ = it->first.first;
    auto fn = std::move(it->second);
    when_.erase(it->first.second);
    queue_.erase(it);
    fn();
    return true;
}

void EventScheduler::run_until(Time until) {
    while (run_next(until)) {
    }
    set_now(until);
}

void EventScheduler::set_now(Time t) {
    if (t < now_) throw std::logic_error("virtual clock cannot go backwards");
    now_ = t;
}

}  // namespace hal
