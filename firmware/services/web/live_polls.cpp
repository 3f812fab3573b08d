#include "services/web/live_polls.hpp"

namespace fw {

LivePolls::LivePolls(DataHub& hub, hal::Scheduler& scheduler) : hub_(hub), scheduler_(scheduler) {
    for (const auto group : data_groups)
        subscriptions_.push_back(hub_.subscribe(group, [this](const Snapshot& s) {
            std::vector<int> due;
            for (const auto& [id, w] : waiting_)
                if (w.group == s.group) due.push_back(id);
            for (const int id : due) finish(id);
        }));
}

LivePolls::~LivePolls() {
    for (const int s : subscriptions_) hub_.unsubscribe(s);
    for (const auto& [id, w] : waiting_) scheduler_.cancel(w.timer);
}

std::uint64_t LivePolls::sequence(DataGroup group) const {
    const auto s = hub_.latest(group);
    return s ? s->sequence : 0;
}

void LivePolls::wait(DataGroup group, std::uint64_t after, std::function<void()> answer) {
    if (sequence(group) > after || waiting_.size() >= max_waiting) return answer();
    const int id = next_id_++;
    const auto timer = scheduler_.after(scheduler_.peer_time(longest_wait), [this, id] { finish(id); });
    waiting_.emplace(id, Waiter{group, std::move(answer), timer});
}

void LivePolls::finish(int id) {
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    auto answer = std::move(it->second.answer);
    scheduler_.cancel(it->second.timer);
    waiting_.erase(it);
    answer();
}

}  // namespace fw
