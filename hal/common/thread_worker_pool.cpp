#include "common/thread_worker_pool.hpp"

#include <exception>

#include <boost/asio/post.hpp>

namespace hal {

ThreadWorkerPool::ThreadWorkerPool(boost::asio::io_context& loop, std::size_t threads) : loop_(loop) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

ThreadWorkerPool::~ThreadWorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void ThreadWorkerPool::submit(std::function<void()> job, std::function<void()> done) {
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(std::move(job), std::move(done));
        ++in_flight_;
    }
    wake_.notify_one();
}

std::size_t ThreadWorkerPool::in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_;
}

void ThreadWorkerPool::wait_for_jobs() {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return queue_.empty() && running_ == 0; });
}

void ThreadWorkerPool::work() {
    for (;;) {
        std::pair<std::function<void()>, std::function<void()>> item;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, nothing left
            item = std::move(queue_.front());
            queue_.pop_front();
            ++running_;
        }
        std::exception_ptr failure;
        try {
            item.first();
        } catch (...) {
            failure = std::current_exception();
        }
        boost::asio::post(loop_, [this, done = std::move(item.second), failure] {
            {
                std::lock_guard lock(mutex_);
                --in_flight_;
            }
            if (failure) std::rethrow_exception(failure);
            if (done) done();
        });
        {
            std::lock_guard lock(mutex_);
            --running_;
        }
        finished_.notify_all();
    }
}

}  // namespace hal
