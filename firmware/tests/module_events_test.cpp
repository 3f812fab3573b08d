// The module's event log survives restarts: events read back in order with their numbers, a line torn
// by a power cut is cut off, the file is compacted to the last `kept` events, pages are newest first.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/file_storage.hpp"
#include "hal/device_clock.hpp"
#include "services/module_events.hpp"

namespace {

struct FixedClock final : hal::Clock {
    hal::Time t{std::chrono::seconds(1'767'225'600)};
    hal::Time now() const override { return t; }
};

struct TempDir {
    std::filesystem::path dir;
    TempDir() {
        char tmpl[] = "/tmp/module-events-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
};

std::size_t lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) ++n;
    return n;
}

}  // namespace

TEST_CASE("module events: read back after a restart, a torn last line cut off, numbers go on") {
    TempDir tmp;
    FixedClock base;
    hal::OffsetDeviceClock clock(base);
    hal::FileStorage storage(tmp.dir);
    {
        fw::ModuleEvents log(storage, clock);
        log.add("post", "first");
        base.t += std::chrono::seconds(60);
        log.add("datalog", "second, with \"quotes\"\nand a new line");
        log.add("post", "third");
    }
    {
        std::ofstream torn(tmp.dir / fw::ModuleEvents::file, std::ios::app);
        torn << R"({"n":4,"t":17672)";  // the supply went mid-append
    }
    fw::ModuleEvents log(storage, clock);
    REQUIRE(log.written() == 3);
    const auto page = log.page(0, 10);
    REQUIRE(page.size() == 3);
    CHECK(page[0].text == "third");
    CHECK(page[1].text == "second, with \"quotes\"\nand a new line");
    CHECK(page[1].source == "datalog");
    CHECK(page[1].time == 1'767'225'660);
    CHECK(page[2].number == 1);
    CHECK(lines(tmp.dir / fw::ModuleEvents::file) == 3);  // the torn line is gone from the file
    log.add("post", "fourth");
    CHECK(log.page(0, 1).at(0).number == 4);
    fw::ModuleEvents again(storage, clock);
    CHECK(again.written() == 4);
}

TEST_CASE("module events: the file keeps at most twice `kept` lines and pages are newest first") {
    TempDir tmp;
    FixedClock base;
    hal::OffsetDeviceClock clock(base);
    hal::FileStorage storage(tmp.dir);
    fw::ModuleEvents log(storage, clock);
    const std::size_t n = 2 * fw::ModuleEvents::kept + 10;
    for (std::size_t i = 1; i <= n; ++i) log.add("post", "event " + std::to_string(i));
    CHECK(lines(tmp.dir / fw::ModuleEvents::file) <= 2 * fw::ModuleEvents::kept);
    CHECK(log.oldest() == n - fw::ModuleEvents::kept + 1);
    const auto page = log.page(n - 5, 3);
    REQUIRE(page.size() == 3);
    CHECK(page[0].number == n - 3);
    CHECK(page[2].number == n - 5);
    fw::ModuleEvents reread(storage, clock);
    CHECK(reread.written() == n);
    CHECK(reread.oldest() == n - fw::ModuleEvents::kept + 1);
    CHECK(reread.page(0, 1).at(0).text == "event " + std::to_string(n));
}
