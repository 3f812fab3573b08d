#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "hal/workers.hpp"

namespace hal {

// Worker threads that post each job's `done` to the loop's io_context. A job that throws has
// its exception rethrown on the loop, from where `done` would have run.
class ThreadWorkerPool final : public WorkerPool {
public:
    ThreadWorkerPool(boost::asio::io_context& loop, std::size_t threads);
    ~ThreadWorkerPool() override;
    void submit(std::function<void()> job, std::function<void()> done) override;
    std::size_t in_flight() const override;
    // Blocks until every submitted job has finished on its thread (their `done` is posted, not
    // yet run): the rig calls it, then polls the loop, before each timer in fast mode.
    void wait_for_jobs();

private:
    void work();
    boost::asio::io_context& loop_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, finished_;
    std::deque<std::pair<std::function<void()>, std::function<void()>>> queue_;
    std::size_t running_ = 0;    // taken by a thread, not finished
    std::size_t in_flight_ = 0;  // submitted, done not run
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace hal
