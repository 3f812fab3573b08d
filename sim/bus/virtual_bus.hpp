#pragma once
// A virtual RS-485 line: half duplex, every byte takes its character time at the sender's baud
// rate, a whole frame arrives as one event at the instant its last byte ends. Fault knobs are
// named, seeded and per bus (STYLE "Virtual devices"); they act only while set.
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "hal/clock.hpp"
#include "hal/serial.hpp"

namespace sim::bus {

struct FaultKnobs {
    double corrupt_byte_rate = 0;  // probability that a byte has one bit flipped
    double drop_frame_rate = 0;    // probability that a frame vanishes
    hal::Duration added_delay{0};  // extra latency before a frame reaches the others
    double dribble_rate = 0;       // probability that a frame arrives in pieces with gaps over 1.5 chars
    bool disconnected = false;     // the line is cut: nothing reaches anyone

    bool any() const {
        return corrupt_byte_rate > 0 || drop_frame_rate > 0 || added_delay.count() > 0 || dribble_rate > 0 || disconnected;
    }
};

struct BusStats {
    std::uint64_t frames_sent = 0, frames_dropped = 0, bytes_corrupted = 0, frames_dribbled = 0, collisions = 0;
};

class VirtualBus;

// One device's connection to the line.
class BusPort final : public hal::SerialPort {
public:
    BusPort(VirtualBus& bus, std::string name) : bus_(bus), name_(std::move(name)) {}
    void configure(const hal::SerialConfig& config) override { config_ = config; }
    const hal::SerialConfig& config() const override { return config_; }
    void write(std::span<const std::uint8_t> bytes) override;
    void on_receive(ReceiveHandler handler) override { handler_ = std::move(handler); }
    const std::string& name() const { return name_; }

private:
    friend class VirtualBus;
    VirtualBus& bus_;
    std::string name_;
    hal::SerialConfig config_;
    ReceiveHandler handler_;
};

class VirtualBus {
public:
    VirtualBus(hal::Scheduler& scheduler, std::uint64_t seed);
    BusPort& attach(const std::string& name);

    // Control face.
    FaultKnobs& faults() { return faults_; }
    void reset_faults() { faults_ = FaultKnobs{}; }
    const BusStats& stats() const { return stats_; }

private:
    friend class BusPort;
    void transmit(BusPort& from, std::vector<std::uint8_t> bytes);
    void deliver(BusPort& from, std::vector<std::uint8_t> bytes, hal::Time end);
    bool chance(double p);

    hal::Scheduler& scheduler_;
    std::vector<std::unique_ptr<BusPort>> ports_;
    FaultKnobs faults_;
    BusStats stats_;
    std::mt19937_64 rng_;
    hal::Time line_free_at_{};
};

}  // namespace sim::bus
