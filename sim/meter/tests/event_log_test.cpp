// The event log (SOE) against the register map §2 definitions: numbering, the 1024-record ring,
// window requests and the 0x4600 window block, register by register.
#include <catch2/catch.hpp>

#include <vector>

#include "meter/board_time.hpp"
#include "meter/event_log.hpp"

using sim::meter::EventLog;
using sim::meter::EventType;

namespace {

constexpr std::int64_t t0_s = 1774626623;  // 2026-03-27T15:50:23Z
hal::Time at_ms(std::int64_t ms) { return std::chrono::seconds(t0_s) + std::chrono::milliseconds(ms); }

void fill(EventLog& log, int n) {
    for (int i = 0; i < n; ++i) log.record(at_ms(i), EventType::di_change, 1, static_cast<std::uint16_t>(i % 2));
}

std::uint32_t u32_at(const std::vector<std::uint16_t>& img, std::size_t at) {
    return (static_cast<std::uint32_t>(img.at(at)) << 16) | img.at(at + 1);
}

}  // namespace

TEST_CASE("event records are numbered from 1") {
    EventLog log;
    CHECK(log.newest() == 0);
    CHECK(log.oldest() == 0);
    CHECK_FALSE(log.find(1));
    CHECK(log.record(at_ms(0), EventType::power_on) == 1);
    CHECK(log.record(at_ms(5), EventType::setting_changed, 0x0A00, 7) == 2);
    CHECK(log.record(at_ms(9), EventType::demand_reset) == 3);
    CHECK(log.newest() == 3);
    CHECK(log.oldest() == 1);
    const auto r = log.find(2);
    REQUIRE(r);
    CHECK(*r == sim::meter::EventRecord{2, at_ms(5), 3, 0x0A00, 7});
    CHECK_FALSE(log.find(0));
    CHECK_FALSE(log.find(4));
}

TEST_CASE("clock set writes the old time then the new one") {
    EventLog log;
    const hal::Time before = at_ms(1000), after = at_ms(-3'600'000);
    CHECK(log.record_clock_set(before, after) == 2);
    CHECK(*log.find(1) == sim::meter::EventRecord{1, before, 12, 0, 0});
    CHECK(*log.find(2) == sim::meter::EventRecord{2, after, 4, 0, 0});
}

TEST_CASE("the ring keeps the last 1024 records") {
    EventLog log;
    fill(log, 1030);
    CHECK(log.newest() == 1030);
    CHECK(log.oldest() == 7);  // 1030 − 1024 + 1
    CHECK_FALSE(log.find(6));
    REQUIRE(log.find(7));
    CHECK(log.find(7)->number == 7);
    CHECK(log.find(7)->time == at_ms(6));
    CHECK(log.find(1030)->time == at_ms(1029));
}

TEST_CASE("window requests outside 1 to 10 records are refused with the field and range") {
    EventLog log;
    REQUIRE_FALSE(log.request_window(5, 3));
    CHECK(log.window_first() == 5);
    CHECK(log.window_count() == 3);
    CHECK(log.request_window(5, 0) == std::optional<std::string>("Event Log Record Count 0 is out of range: 1-10"));
    CHECK(log.request_window(5, 11) == std::optional<std::string>("Event Log Record Count 11 is out of range: 1-10"));
    CHECK(log.request_window(0, 1) == std::optional<std::string>("Event Log First Record 0 is out of range: 1-4294967295"));
    CHECK(log.window_first() == 5);  // refused: the window in force stays
    CHECK(log.window_count() == 3);
    CHECK(log.control_image() == std::array<std::uint16_t, 3>{0, 5, 3});
}

TEST_CASE("control writes merge into the control registers") {
    EventLog log;
    CHECK(log.control_image() == std::array<std::uint16_t, 3>{0, 1, 10});  // before any request
    const std::vector<std::uint16_t> count{4};
    REQUIRE_FALSE(log.write_control(2, count));
    CHECK(log.window_first() == 1);
    CHECK(log.window_count() == 4);
    const std::vector<std::uint16_t> all{0x0001, 0x0002, 10};
    REQUIRE_FALSE(log.write_control(0, all));
    CHECK(log.window_first() == 0x00010002);
    const std::vector<std::uint16_t> zero{0};
    CHECK(log.write_control(2, zero) == std::optional<std::string>("Event Log Record Count 0 is out of range: 1-10"));
    CHECK(log.window_count() == 10);
    CHECK(log.write_control(2, all));  // past the 3 registers
}

TEST_CASE("window block puts each field at its register") {
    EventLog log;
    log.record(at_ms(0), EventType::power_on);
    log.record(at_ms(2'345), EventType::relay_change, 2, 1);      // 15:50:25.345
    log.record(at_ms(61'007), EventType::di_counter_reset, 0, 0);  // 15:51:24.007
    REQUIRE_FALSE(log.request_window(2, 2));
    std::vector<std::uint16_t> img;
    log.render_window(img);
    REQUIRE(img.size() == 99);
    CHECK(u32_at(img, 0) == 3);  // newest
    CHECK(u32_at(img, 2) == 1);  // oldest kept
    CHECK(u32_at(img, 4) == 2);  // window first
    CHECK(img[6] == 2);          // real records in the window
    CHECK(img[7] == 1);          // ready
    CHECK(img[8] == 0);
    // record 2 at +9
    CHECK(u32_at(img, 9) == 2);
    CHECK(img[11] == ((26 << 8) | 3));
    CHECK(img[12] == ((27 << 8) | 15));
    CHECK(img[13] == ((50 << 8) | 25));
    CHECK(img[14] == 345);
    CHECK(img[15] == 10);
    CHECK(img[16] == 2);
    CHECK(img[17] == 1);
    // record 3 at +18
    CHECK(u32_at(img, 18) == 3);
    CHECK(img[22] == ((51 << 8) | 24));
    CHECK(img[23] == 7);
    CHECK(img[24] == 8);
    for (std::size_t i = 27; i < 99; ++i) CHECK(img[i] == 0);  // slots 3..10: outside the window
}

TEST_CASE("a window past the newest record comes back as zeros past it") {
    EventLog log;
    fill(log, 5);
    REQUIRE_FALSE(log.request_window(4, 5));  // 4..8: only 4 and 5 exist
    std::vector<std::uint16_t> img;
    log.render_window(img);
    CHECK(img[6] == 2);
    CHECK(img[7] == 1);
    CHECK(u32_at(img, 9) == 4);
    CHECK(u32_at(img, 18) == 5);
    for (std::size_t i = 27; i < 99; ++i) CHECK(img[i] == 0);

    REQUIRE_FALSE(log.request_window(6, 10));  // nothing written yet
    log.render_window(img);
    CHECK(img[6] == 0);
    CHECK(u32_at(img, 4) == 6);
    for (std::size_t i = 9; i < 99; ++i) CHECK(img[i] == 0);
    log.record(at_ms(100), EventType::energy_reset);  // record 6 arrives: the window shows it
    log.render_window(img);
    CHECK(img[6] == 1);
    CHECK(u32_at(img, 9) == 6);
    CHECK(img[15] == 6);
}

TEST_CASE("a window on dropped records shows only those still kept") {
    EventLog log;
    fill(log, 1030);  // 1..6 dropped
    REQUIRE_FALSE(log.request_window(1, 10));
    std::vector<std::uint16_t> img;
    log.render_window(img);
    CHECK(u32_at(img, 0) == 1030);
    CHECK(u32_at(img, 2) == 7);
    CHECK(img[6] == 4);  // 7, 8, 9, 10
    for (std::size_t i = 9; i < 9 + 6 * 9; ++i) CHECK(img[i] == 0);
    CHECK(u32_at(img, 9 + 6 * 9) == 7);
    CHECK(u32_at(img, 9 + 9 * 9) == 10);
    CHECK(img[9 + 9 * 9 + 6] == 9);  // DI change
    CHECK(img[9 + 9 * 9 + 8] == 1);  // record 10 = the 10th fill, i = 9: level 1
}

TEST_CASE("event logs compare equal as copies") {
    EventLog a;
    fill(a, 3);
    EventLog b = a;
    CHECK(a == b);
    b.record(at_ms(0), EventType::power_off);
    CHECK_FALSE(a == b);
}

TEST_CASE("packed board time holds year-2000 month day hour minute second") {
    std::uint16_t p[3];
    sim::meter::pack_board_time(t0_s, p);
    CHECK(p[0] == ((26 << 8) | 3));
    CHECK(p[1] == ((27 << 8) | 15));
    CHECK(p[2] == ((50 << 8) | 23));
    sim::meter::pack_board_time(946684800, p);  // 2000-01-01T00:00:00Z
    CHECK(p[0] == 0x0001);
    CHECK(p[1] == 0x0100);
    CHECK(p[2] == 0);
    sim::meter::pack_board_time(946684799, p);  // 1999: not representable
    CHECK((p[0] == 0 && p[1] == 0 && p[2] == 0));
    sim::meter::pack_board_time(0, p);  // never
    CHECK((p[0] == 0 && p[1] == 0 && p[2] == 0));
}
