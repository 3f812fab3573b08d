#pragma once
// Modbus RTU framing: address + PDU + CRC-16, frames delimited by 3.5 character times of silence.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "hal/clock.hpp"
#include "hal/serial.hpp"

namespace modbus::rtu {

constexpr std::size_t max_frame_size = 256;

std::vector<std::uint8_t> encode_frame(std::uint8_t address, std::span<const std::uint8_t> pdu);

struct Frame {
    std::uint8_t address = 0;
    std::vector<std::uint8_t> pdu;
};

// nullopt when the frame is too short, too long or its CRC is wrong (RTU answers nothing then).
std::optional<Frame> decode_frame(std::span<const std::uint8_t> bytes);

// Modbus over serial line v1.02 §2.5.1.1: 1.5 and 3.5 character times, fixed at 750 µs and
// 1750 µs above 19200 baud.
hal::Duration t1_5(const hal::SerialConfig& c);
hal::Duration t3_5(const hal::SerialConfig& c);
// Time the bytes take on the wire.
hal::Duration wire_time(const hal::SerialConfig& c, std::size_t bytes);

// Cuts a received byte stream into frames by silence, on the hal scheduler. A gap longer than
// 1.5 characters inside a frame spoils it (it is dropped whole, as the spec asks); a frame is
// complete 3.5 characters after its last byte.
class Framer {
public:
    struct Stats {
        std::uint64_t frames = 0, crc_errors = 0, broken = 0, overruns = 0;
    };
    // A real UART, USB adapter or pty hands bytes over in chunks at its own pace, so timing there
    // is loose: no 1.5-character rule and a longer end-of-frame silence.
    struct Timing {
        bool enforce_t1_5 = true;
        hal::Duration min_silence{0};
    };
    static Timing loose_timing() { return Timing{false, hal::Duration(5'000'000)}; }

    Framer(hal::Scheduler& scheduler, hal::SerialConfig config, std::function<void(Frame, hal::Time)> on_frame,
           Timing timing);
    Framer(hal::Scheduler& scheduler, hal::SerialConfig config, std::function<void(Frame, hal::Time)> on_frame)
        : Framer(scheduler, config, std::move(on_frame), Timing{true, hal::Duration(0)}) {}
    ~Framer();
    Framer(const Framer&) = delete;
    Framer& operator=(const Framer&) = delete;

    void set_config(const hal::SerialConfig& config) { config_ = config; }
    // Told when bytes arrived but made no valid frame (CRC error, broken or overlong frame).
    void on_error(std::function<void()> handler) { on_error_ = std::move(handler); }
    void feed(std::span<const std::uint8_t> bytes, hal::Time last_byte_at);
    void reset();
    const Stats& stats() const { return stats_; }

private:
    void complete();
    hal::Scheduler& scheduler_;
    hal::SerialConfig config_;
    Timing timing_;
    std::function<void(Frame, hal::Time)> on_frame_;
    std::function<void()> on_error_;
    std::vector<std::uint8_t> buffer_;
    hal::Time last_byte_{};
    bool broken_ = false;
    std::optional<hal::TimerId> timer_;
    Stats stats_;
};

}  // namespace modbus::rtu
