#include "modbus/rtu.hpp"

#include <algorithm>

#include "modbus/crc16.hpp"

namespace modbus::rtu {

std::vector<std::uint8_t> encode_frame(std::uint8_t address, std::span<const std::uint8_t> pdu) {
    std::vector<std::uint8_t> out;
    out.reserve(pdu.size() + 3);
    out.push_back(address);
    out.insert(out.end(), pdu.begin(), pdu.end());
    const std::uint16_t crc = crc16(out);
    out.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    out.push_back(static_cast<std::uint8_t>(crc >> 8));
    return out;
}

std::optional<Frame> decode_frame(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 4 || bytes.size() > max_frame_size) return std::nullopt;
    const std::uint16_t crc = crc16(bytes.first(bytes.size() - 2));
    if ((crc & 0xFF) != bytes[bytes.size() - 2] || (crc >> 8) != bytes[bytes.size() - 1]) return std::nullopt;
    return Frame{bytes[0], std::vector<std::uint8_t>(bytes.begin() + 1, bytes.end() - 2)};
}

hal::Duration t1_5(const hal::SerialConfig& c) {
    return c.baud > 19200 ? hal::Duration(750'000) : hal::Duration(c.char_time().count() * 3 / 2);
}

hal::Duration t3_5(const hal::SerialConfig& c) {
    return c.baud > 19200 ? hal::Duration(1'750'000) : hal::Duration(c.char_time().count() * 7 / 2);
}

hal::Duration wire_time(const hal::SerialConfig& c, std::size_t bytes) {
    return hal::Duration(static_cast<std::int64_t>(bytes) * c.char_time().count());
}

Framer::Framer(hal::Scheduler& scheduler, hal::SerialConfig config, std::function<void(Frame, hal::Time)> on_frame,
               Timing timing)
    : scheduler_(scheduler), config_(config), timing_(timing), on_frame_(std::move(on_frame)) {}

Framer::~Framer() { reset(); }

void Framer::reset() {
    if (timer_) scheduler_.cancel(*timer_);
    timer_.reset();
    buffer_.clear();
    broken_ = false;
}

void Framer::feed(std::span<const std::uint8_t> bytes, hal::Time last_byte_at) {
    if (bytes.empty()) return;
    if (timer_) {
        scheduler_.cancel(*timer_);
        timer_.reset();
        // The first byte of this chunk started one character before the chunk's last byte
        // minus the rest; a silence over 1.5 characters before it spoils the frame.
        const hal::Time first_byte_end = last_byte_at - config_.char_time() * static_cast<std::int64_t>(bytes.size() - 1);
        if (timing_.enforce_t1_5 && first_byte_end - config_.char_time() - last_byte_ > t1_5(config_)) broken_ = true;
    }
    if (buffer_.size() + bytes.size() > max_frame_size) {
        ++stats_.overruns;
        broken_ = true;
    } else {
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    }
    last_byte_ = last_byte_at;
    timer_ = scheduler_.at(last_byte_at + std::max(t3_5(config_), timing_.min_silence), [this] {
        timer_.reset();
        complete();
    });
}

void Framer::complete() {
    const bool broken = broken_;
    std::vector<std::uint8_t> bytes;
    bytes.swap(buffer_);
    broken_ = false;
    if (broken) {
        ++stats_.broken;
        if (on_error_) on_error_();
        return;
    }
    auto frame = decode_frame(bytes);
    if (!frame) {
        ++stats_.crc_errors;
        if (on_error_) on_error_();
        return;
    }
    ++stats_.frames;
    on_frame_(std::move(*frame), last_byte_);
}

}  // namespace modbus::rtu
