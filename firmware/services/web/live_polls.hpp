#pragma once
// Long-polling for live values (docs/api.md "Live values"): a group reply asked for with
// `?after=N` waits until the data hub publishes a snapshot of that group newer than N, or until
// the wait ends (peer time), so a page or script sees each new poll cycle without polling fast.
// Owned by the web service: its destruction drops every wait (the hub and timers hold nothing).
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "hal/clock.hpp"
#include "hub/data_hub.hpp"

namespace fw {

class LivePolls {
public:
    static constexpr std::size_t max_waiting = 256;
    static constexpr hal::Duration longest_wait{25'000'000'000};  // peer time, under common proxy timeouts

    LivePolls(DataHub& hub, hal::Scheduler& scheduler);
    ~LivePolls();
    LivePolls(const LivePolls&) = delete;
    LivePolls& operator=(const LivePolls&) = delete;

    std::uint64_t sequence(DataGroup group) const;  // of the latest snapshot, 0 before the first
    // Runs `answer` once: at once when the group's latest snapshot is newer than `after` (or too
    // many wait), else at its next snapshot or after the longest wait.
    void wait(DataGroup group, std::uint64_t after, std::function<void()> answer);

private:
    struct Waiter {
        DataGroup group;
        std::function<void()> answer;
        hal::TimerId timer;
    };
    void finish(int id);

    DataHub& hub_;
    hal::Scheduler& scheduler_;
    std::vector<int> subscriptions_;
    std::map<int, Waiter> waiting_;
    int next_id_ = 1;
};

}  // namespace fw
