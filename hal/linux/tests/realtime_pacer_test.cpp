// RealTimePacer and WallClock: virtual timers run in order at their instants, the loop serves the
// io_context, and a run ends on the stop flag, a stopped io_context or `until`. No assertion here
// is about how long anything took on the wall.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <future>
#include <thread>

#include <boost/asio/post.hpp>

#include "linux/realtime_pacer.hpp"

using namespace hal::linux_backend;
using namespace std::chrono_literals;

namespace {
const hal::Time kStart = std::chrono::seconds(1'000);
}

TEST_CASE("at speed 100 timers 1 virtual second ahead run in order and a timer can stop the run") {
    boost::asio::io_context io;
    hal::EventScheduler sched(kStart);
    std::atomic<bool> stop{false};
    std::vector<std::pair<int, hal::Time>> ran;
    sched.after(1s, [&] {
        ran.emplace_back(2, sched.now());
        stop = true;
    });
    sched.after(500ms, [&] { ran.emplace_back(1, sched.now()); });
    RealTimePacer(io, sched, 100.0).run(stop);  // about 10 ms of wall time
    REQUIRE(ran.size() == 2);
    CHECK(ran[0] == std::pair{1, kStart + 500ms});
    CHECK(ran[1] == std::pair{2, kStart + 1s});
    CHECK(sched.now() >= kStart + 1s);
}

TEST_CASE("a run with an end leaves the clock at the end and the later timers pending") {
    boost::asio::io_context io;
    hal::EventScheduler sched(kStart);
    std::vector<int> ran;
    sched.after(1s, [&] { ran.push_back(1); });
    sched.after(2s, [&] { ran.push_back(2); });
    sched.after(5s, [&] { ran.push_back(5); });
    std::atomic<bool> stop{false};
    RealTimePacer pacer(io, sched, 200.0);
    pacer.run(stop, kStart + 3s);
    CHECK(ran == std::vector<int>{1, 2});
    CHECK(sched.now() == kStart + 3s);
    CHECK(sched.pending() == 1);
    // A second run starts where the first left off: virtual time never goes back.
    pacer.run(stop, kStart + 6s);
    CHECK(ran == std::vector<int>{1, 2, 5});
    CHECK(sched.now() == kStart + 6s);
}

TEST_CASE("a stop flag set from another thread ends an idle run") {
    boost::asio::io_context io;
    hal::EventScheduler sched(kStart);
    std::atomic<bool> stop{false};
    std::promise<void> inside;
    // The handler runs inside run(), so the flag is set while the pacer waits on an idle loop.
    boost::asio::post(io, [&] { inside.set_value(); });
    std::thread stopper([&] {
        inside.get_future().wait();
        stop = true;
    });
    RealTimePacer(io, sched, 1.0).run(stop);
    stopper.join();
    CHECK(stop);
    CHECK(sched.pending() == 0);
}

TEST_CASE("the pacer serves the io_context between timers and stops with it") {
    boost::asio::io_context io;
    hal::EventScheduler sched(kStart);
    std::vector<std::string> events;
    sched.after(200ms, [&] {
        events.push_back("timer");
        boost::asio::post(io, [&] {
            events.push_back("socket work");
            io.stop();
        });
    });
    sched.after(1h, [&] { events.push_back("never"); });
    std::atomic<bool> stop{false};
    RealTimePacer(io, sched, 50.0).run(stop);
    CHECK(io.stopped());
    CHECK(events == std::vector<std::string>{"timer", "socket work"});
    CHECK(sched.now() < kStart + 1h);
}

TEST_CASE("the pacer refuses a speed that is not a positive number") {
    boost::asio::io_context io;
    hal::EventScheduler sched(kStart);
    for (double speed : {0.0, -1.0, std::nan(""), HUGE_VAL})
        CHECK_THROWS_WITH(RealTimePacer(io, sched, speed), Catch::Contains("is out of range: a positive number"));
}

TEST_CASE("WallClock reads the Unix epoch in nanoseconds") {
    const hal::Time wall = WallClock().now();
    const auto system = std::chrono::system_clock::now().time_since_epoch();
    CHECK(wall > std::chrono::seconds(1'577'836'800));  // after 2020-01-01
    CHECK(std::chrono::abs(wall - std::chrono::duration_cast<hal::Duration>(system)) < 60s);
}
