#pragma once
// The board's event log (SOE, register map §2 "Event log (SOE)"; web manual 6.4.4): numbered
// records of power cycles, setting changes, resets, clock changes, DI and relay changes. The
// board keeps the last 1024. A master reads them in windows, as on the AcuRev 2000: it writes the
// window (first record number, count 1–10) to the control registers (board 0x0B08), polls
// "ready" and reads the window block (board 0x4600).
//
// Record types — the contract with the module and every reader (docs/register-map.md):
//    1 power on              detail 0, value 0
//    2 power off             detail 0, value 0 (time = the moment the supply went)
//    3 setting changed       detail = register address, value = new value; one record per
//                            register whose value a write changed
//    4 clock set             detail 0, value 0; time = the NEW clock. Always preceded by a
//                            type 12 record (record_clock_set writes both)
//    5 demand reset          detail 0, value 0
//    6 energy reset          detail 0, value 0
//    7 alarm record reset    detail 0, value 0 (Management page "Alarm Record", web manual 8.1)
//    8 DI counter reset      detail = DI 1..18, 0 = all; value 0
//    9 DI change             detail = DI 1..18, value = new level (0/1)
//   10 relay change          detail = RO 1..2, value = new state (0 off, 1 on)
//   11 TOU error             value = error code; value 0 = the error cleared
//   12 clock before set      detail 0, value 0; time = the clock as it was before the set
//   13 run time reset        detail 0, value 0
// Type 0 never occurs: a window slot of zeros is "no record".
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "acurev/board_map.hpp"
#include "hal/time.hpp"

#include "meter/nvm.hpp"

namespace sim::meter {

enum class EventType : std::uint16_t {
    power_on = 1,
    power_off = 2,
    setting_changed = 3,
    clock_set = 4,
    demand_reset = 5,
    energy_reset = 6,
    alarm_record_reset = 7,
    di_counter_reset = 8,
    di_change = 9,
    relay_change = 10,
    tou_error = 11,
    clock_before_set = 12,
    run_time_reset = 13,
};

struct EventRecord {
    std::uint32_t number = 0;  // 1, 2, … since the log was made; 0 = none
    hal::Time time{0};         // board clock
    std::uint16_t type = 0;    // EventType
    std::uint16_t detail = 0;
    std::uint16_t value = 0;
    bool operator==(const EventRecord&) const = default;
};

class EventLog {
public:
    static constexpr std::size_t capacity = 1024;
    static constexpr std::size_t control_registers = acurev::blocks::event_window.count;  // first (u32), count
    static constexpr std::size_t window_registers = acurev::blocks::event_log.count;
    static constexpr std::size_t window_header = acurev::event_log::first_record;        // records start at +9
    static constexpr std::size_t record_registers = acurev::event_log::record_registers;  // number (2), packed time (3), ms, type, detail, value
    static constexpr auto max_window = static_cast<std::uint16_t>(acurev::event_log::max_window);

    // Appends a record; returns its number. Once 1024 are kept the oldest is dropped.
    std::uint32_t record(hal::Time time, EventType type, std::uint16_t detail = 0, std::uint16_t value = 0);
    // Clock set: type 12 at the old time, then type 4 at the new one. Returns the type-4 number.
    std::uint32_t record_clock_set(hal::Time before, hal::Time after);

    std::uint32_t newest() const { return written_; }  // records recorded = the newest number; 0 = none
    std::uint32_t oldest() const;                      // the oldest number still kept; 0 = none
    std::optional<EventRecord> find(std::uint32_t number) const;

    // The window a master asks for. Refused (nothing changes) with the field, the value and the
    // range when count is not 1..10 or first is 0. Records not kept (dropped, or not written
    // yet) come back as zeros.
    std::optional<std::string> request_window(std::uint32_t first, std::uint16_t count);
    // A Modbus write of `values` at `offset` (0..2) into the control registers: merged with the
    // control image as it is, then checked as request_window does.
    std::optional<std::string> write_control(std::size_t offset, std::span<const std::uint16_t> values);
    std::uint32_t window_first() const { return window_first_; }
    std::uint16_t window_count() const { return window_count_; }
    // The control registers as they read back: first (u32, high word first), count.
    std::array<std::uint16_t, control_registers> control_image() const;

    // The read-only window block (99 registers; the image is resized to it), rendered from the
    // log as it is now: +0..+1 newest number, +2..+3 oldest kept, +4..+5 window first, +6 records
    // in the window that are real, +7 ready (always 1: the sim fills a window at once),
    // +8 reserved, then 10 records × 9 registers from +9.
    void render_window(std::vector<std::uint16_t>& img) const;

    bool operator==(const EventLog&) const = default;
    void save(NvmWriter& w) const;
    void load(NvmReader& r);

private:
    std::vector<EventRecord> ring_ = std::vector<EventRecord>(capacity);  // number n at (n − 1) % capacity
    std::uint32_t written_ = 0;
    std::uint32_t window_first_ = 1;
    std::uint16_t window_count_ = max_window;
};
static_assert(EventLog::window_header + EventLog::max_window * EventLog::record_registers == EventLog::window_registers);

}  // namespace sim::meter
