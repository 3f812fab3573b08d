#include "meter/event_log.hpp"

#include <limits>

#include "meter/board_time.hpp"
#include "modbus/pdu.hpp"

namespace sim::meter {

std::uint32_t EventLog::record(hal::Time time, EventType type, std::uint16_t detail, std::uint16_t value) {
    ++written_;
    ring_[(written_ - 1) % capacity] = EventRecord{written_, time, static_cast<std::uint16_t>(type), detail, value};
    return written_;
}

std::uint32_t EventLog::record_clock_set(hal::Time before, hal::Time after) {
    record(before, EventType::clock_before_set);
    return record(after, EventType::clock_set);
}

std::uint32_t EventLog::oldest() const {
    if (written_ == 0) return 0;
    return written_ > capacity ? static_cast<std::uint32_t>(written_ - capacity + 1) : 1;
}

std::optional<EventRecord> EventLog::find(std::uint32_t number) const {
    if (number == 0 || number < oldest() || number > written_) return std::nullopt;
    return ring_[(number - 1) % capacity];
}

std::optional<std::string> EventLog::request_window(std::uint32_t first, std::uint16_t count) {
    if (first == 0) return "Event Log First Record 0 is out of range: 1-4294967295";
    if (count < 1 || count > max_window)
        return "Event Log Record Count " + std::to_string(count) + " is out of range: 1-" + std::to_string(max_window);
    window_first_ = first;
    window_count_ = count;
    return std::nullopt;
}

std::array<std::uint16_t, EventLog::control_registers> EventLog::control_image() const {
    return {static_cast<std::uint16_t>(window_first_ >> 16), static_cast<std::uint16_t>(window_first_ & 0xFFFF), window_count_};
}

std::optional<std::string> EventLog::write_control(std::size_t offset, std::span<const std::uint16_t> values) {
    if (offset + values.size() > control_registers)
        return "Event log control write of " + std::to_string(values.size()) + " registers at offset " + std::to_string(offset) +
               " is out of range: offsets 0-2";
    auto regs = control_image();
    for (std::size_t i = 0; i < values.size(); ++i) regs[offset + i] = values[i];
    return request_window(modbus::get_u32(regs, 0), regs[2]);
}

void EventLog::render_window(std::vector<std::uint16_t>& img) const {
    img.assign(window_registers, 0);
    modbus::put_u32(img, 0, written_);
    modbus::put_u32(img, 2, oldest());
    modbus::put_u32(img, 4, window_first_);
    std::uint16_t real = 0;
    for (std::uint16_t i = 0; i < window_count_; ++i) {
        const std::uint64_t number = static_cast<std::uint64_t>(window_first_) + i;
        if (number > std::numeric_limits<std::uint32_t>::max()) break;
        const auto r = find(static_cast<std::uint32_t>(number));
        if (!r) continue;
        ++real;
        const std::size_t at = window_header + record_registers * i;
        modbus::put_u32(img, at, r->number);
        put_board_time_ms(img, at + 2, r->time);
        img[at + 6] = r->type;
        img[at + 7] = r->detail;
        img[at + 8] = r->value;
    }
    img[6] = real;
    img[7] = 1;  // ready: the sim fills the window at once
}

void EventLog::save(NvmWriter& w) const {
    for (const auto& e : ring_) {
        w.put(e.number);
        w.put(e.time.count());
        w.put(e.type);
        w.put(e.detail);
        w.put(e.value);
    }
    w.put(written_);
    w.put(window_first_);
    w.put(window_count_);
}

void EventLog::load(NvmReader& r) {
    for (auto& e : ring_) {
        e.number = r.get<std::uint32_t>();
        e.time = hal::Time(r.get<std::int64_t>());
        e.type = r.get<std::uint16_t>();
        e.detail = r.get<std::uint16_t>();
        e.value = r.get<std::uint16_t>();
    }
    written_ = r.get<std::uint32_t>();
    window_first_ = r.get<std::uint32_t>();
    window_count_ = r.get<std::uint16_t>();
    if (window_count_ > max_window) throw NvmError("board memory holds an event window of " + std::to_string(window_count_) + " records");
}

}  // namespace sim::meter
