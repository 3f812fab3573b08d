#pragma once
// Blocking work (libcurl, SQLite, compression, SFTP) off the firmware's loop (ARCHITECTURE
// "Services"): a job runs on a worker thread, its `done` back on the loop. The scheduler knows
// the jobs: in fast mode the rig waits for those in flight before each timer, so a run stays
// deterministic (a job takes no virtual time).
#include <cstddef>
#include <functional>

namespace hal {

class WorkerPool {
public:
    virtual ~WorkerPool() = default;
    virtual void submit(std::function<void()> job, std::function<void()> done) = 0;
    virtual std::size_t in_flight() const = 0;  // submitted, `done` not yet run
};

}  // namespace hal
