#include <catch2/catch.hpp>

#include <atomic>
#include <numeric>
#include <thread>
#include <vector>

#include "common/thread_worker_pool.hpp"

TEST_CASE("worker pool: jobs run off the loop, `done` runs on it, an exception comes back to the loop") {
    boost::asio::io_context loop;
    hal::ThreadWorkerPool pool(loop, 2);
    const auto loop_thread = std::this_thread::get_id();
    std::atomic<int> off_loop{0};
    std::vector<long> sums;
    for (int i = 1; i <= 8; ++i) {
        auto sum = std::make_shared<long>(0);
        pool.submit(
            [i, sum, loop_thread, &off_loop] {
                std::vector<long> v(static_cast<std::size_t>(100000 * i));
                std::iota(v.begin(), v.end(), 1);
                *sum = std::accumulate(v.begin(), v.end(), 0L);
                if (std::this_thread::get_id() != loop_thread) ++off_loop;
            },
            [sum, &sums, loop_thread] {
                CHECK(std::this_thread::get_id() == loop_thread);
                sums.push_back(*sum);
            });
    }
    CHECK(pool.in_flight() == 8);
    pool.wait_for_jobs();
    CHECK(sums.empty());  // done waits for the loop
    loop.poll();
    CHECK(pool.in_flight() == 0);
    CHECK(off_loop == 8);
    REQUIRE(sums.size() == 8);
    long total = 0;
    for (long s : sums) total += s;
    long expected = 0;
    for (long i = 1; i <= 8; ++i) expected += (100000 * i) * (100000 * i + 1) / 2;
    CHECK(total == expected);

    loop.restart();  // the loop ran out of work above and stopped
    pool.submit([] { throw std::runtime_error("the SFTP server went away"); }, [] {});
    pool.wait_for_jobs();
    CHECK_THROWS_WITH(loop.poll(), "the SFTP server went away");
}
