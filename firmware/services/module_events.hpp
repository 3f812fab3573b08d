#pragma once
// The module's own event log (ARCHITECTURE "Services": the event log every service is given): what
// the WEB2 module did or could not do that a user must hear about — a post file dropped at the cache
// limit, logging stopped by a full disk and resumed, a device clock that went back. The board's event
// log (GET /api/v1/events) is the meter's; this one is the module's (GET /api/v1/module-events).
//
// Kept in `module-events.log` in the data dir, one JSON line per event appended and fsynced; the last
// `kept` events are read back at boot (a torn last line from a power cut is cut off), and the file is
// rewritten with them when it has grown to twice as many. On a full disk an event is kept in memory
// and counted as unsaved.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "hal/device_clock.hpp"
#include "hal/storage.hpp"

namespace fw {

struct ModuleEvent {
    std::uint64_t number = 0;  // 1, 2, ... for the life of the data dir
    std::int64_t time = 0;     // device UTC seconds
    std::string source;        // the service: "post", "datalog"
    std::string text;
};

class ModuleEvents {
public:
    static constexpr std::size_t kept = 1024;
    static constexpr const char* file = "module-events.log";

    ModuleEvents(hal::Storage& storage, hal::DeviceClock& clock);
    void add(const std::string& source, const std::string& text);
    std::uint64_t written() const { return next_ - 1; }
    std::uint64_t oldest() const { return events_.empty() ? 0 : events_.front().number; }
    std::uint64_t unsaved() const { return unsaved_; }
    // Up to `count` events from number `first` on (0: the newest `count`), newest first.
    std::vector<ModuleEvent> page(std::uint64_t first, std::size_t count) const;

private:
    void load();
    hal::Storage& storage_;
    hal::DeviceClock& clock_;
    std::deque<ModuleEvent> events_;
    std::uint64_t next_ = 1;
    std::size_t lines_in_file_ = 0;
    std::uint64_t unsaved_ = 0;
};

}  // namespace fw
