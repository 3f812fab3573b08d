#include "bus/virtual_bus.hpp"

#include <algorithm>

namespace sim::bus {

void BusPort::write(std::span<const std::uint8_t> bytes) {
    bus_.transmit(*this, std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

VirtualBus::VirtualBus(hal::Scheduler& scheduler, std::uint64_t seed) : scheduler_(scheduler), rng_(seed) {}

BusPort& VirtualBus::attach(const std::string& name) {
    ports_.push_back(std::make_unique<BusPort>(*this, name));
    return *ports_.back();
}

bool VirtualBus::chance(double p) {
    if (p <= 0) return false;
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

void VirtualBus::transmit(BusPort& from, std::vector<std::uint8_t> bytes) {
    if (bytes.empty()) return;
    const hal::Time now = scheduler_.now();
    // Half duplex: a sender waits for the line; talking over another sender is a collision
    // that garbles both on a real line, which the master's timeouts must cope with.
    if (line_free_at_ > now) ++stats_.collisions;
    const hal::Time start = std::max(now, line_free_at_);
    const hal::Time end = start + from.config().char_time() * static_cast<std::int64_t>(bytes.size());
    line_free_at_ = end;
    ++stats_.frames_sent;
    deliver(from, std::move(bytes), end);
}

void VirtualBus::deliver(BusPort& from, std::vector<std::uint8_t> bytes, hal::Time end) {
    if (faults_.disconnected || chance(faults_.drop_frame_rate)) {
        ++stats_.frames_dropped;
        return;
    }
    if (faults_.corrupt_byte_rate > 0) {
        for (auto& b : bytes)
            if (chance(faults_.corrupt_byte_rate)) {
                b = static_cast<std::uint8_t>(b ^ (1U << std::uniform_int_distribution<int>(0, 7)(rng_)));
                ++stats_.bytes_corrupted;
            }
    }
    const hal::Time arrival = end + faults_.added_delay;
    const hal::SerialConfig sender = from.config();
    // Pieces: the whole frame, or with dribbling two or three pieces separated by gaps of
    // 2 characters (over the 1.5-character limit, under 3.5).
    std::vector<std::pair<std::vector<std::uint8_t>, hal::Time>> pieces;
    if (bytes.size() > 2 && chance(faults_.dribble_rate)) {
        ++stats_.frames_dribbled;
        const std::size_t cut = 1 + std::uniform_int_distribution<std::size_t>(0, bytes.size() - 2)(rng_);
        const auto gap = sender.char_time() * 2;
        const auto tail_time = sender.char_time() * static_cast<std::int64_t>(bytes.size() - cut);
        pieces.emplace_back(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)), arrival - tail_time);
        pieces.emplace_back(std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(cut), bytes.end()), arrival + gap);
    } else {
        pieces.emplace_back(std::move(bytes), arrival);
    }
    for (auto& port : ports_) {
        if (port.get() == &from || !port->handler_) continue;
        const bool same_format = port->config().baud == sender.baud && port->config().parity == sender.parity &&
                                 port->config().stop_bits == sender.stop_bits;
        for (const auto& [piece, at] : pieces) {
            auto data = piece;
            // A receiver at another baud rate or parity sees noise, never the sender's bytes.
            if (!same_format)
                for (auto& b : data) b = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng_));
            BusPort* to = port.get();
            scheduler_.at(at, [to, data = std::move(data), at] {
                if (to->handler_) to->handler_(data, at);
            });
        }
    }
}

}  // namespace sim::bus
