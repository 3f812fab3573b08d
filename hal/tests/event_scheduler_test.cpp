#include <catch2/catch.hpp>

#include <vector>

#include "common/event_scheduler.hpp"

using namespace std::chrono_literals;
using hal::EventScheduler;

TEST_CASE("timers run in time order; ties in scheduling order") {
    EventScheduler s(hal::Time(1'000'000'000));
    std::vector<int> order;
    s.after(5ms, [&] { order.push_back(3); });
    s.after(1ms, [&] { order.push_back(1); });
    s.after(5ms, [&] { order.push_back(4); });
    s.after(2ms, [&] { order.push_back(2); });
    s.run_until(s.now() + 10ms);
    CHECK(order == std::vector<int>{1, 2, 3, 4});
    CHECK(s.now() == hal::Time(1'010'000'000));
}

TEST_CASE("the clock stands at each timer's instant while it runs") {
    EventScheduler s(hal::Time(0));
    hal::Time seen{};
    s.after(7ms, [&] { seen = s.now(); });
    s.run_until(hal::Time(0) + 1s);
    CHECK(seen == hal::Time(7ms));
}

TEST_CASE("cancelled timers never run; timers scheduled from timers do") {
    EventScheduler s(hal::Time(0));
    int runs = 0;
    const auto id = s.after(1ms, [&] { ++runs; });
    s.cancel(id);
    s.after(2ms, [&] { s.after(3ms, [&] { runs += 10; }); });
    s.run_until(hal::Time(4ms));
    CHECK(runs == 0);
    s.run_until(hal::Time(5ms));
    CHECK(runs == 10);
}

TEST_CASE("time never runs backwards") {
    EventScheduler s(hal::Time(10ms));
    CHECK_THROWS_AS(s.set_now(hal::Time(5ms)), std::logic_error);
    bool ran = false;
    s.at(hal::Time(1ms), [&] { ran = true; });  // in the past: due now
    CHECK(s.next_due() == hal::Time(10ms));
    s.run_until(hal::Time(10ms));
    CHECK(ran);
}
