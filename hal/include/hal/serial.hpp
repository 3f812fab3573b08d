#pragma once
// RS-485 serial port as the firmware (and the virtual board) see it.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "hal/time.hpp"

namespace hal {

enum class Parity { none, even, odd };

struct SerialConfig {
    std::uint32_t baud = 19200;
    Parity parity = Parity::none;
    std::uint8_t stop_bits = 1;
    std::uint8_t data_bits = 8;

    // Bits on the wire per character: start + data + parity + stop.
    int bits_per_char() const { return 1 + data_bits + (parity == Parity::none ? 0 : 1) + stop_bits; }
    Duration char_time() const { return Duration(static_cast<std::int64_t>(bits_per_char() * 1e9 / baud)); }
    std::string describe() const;
};

class SerialPort {
public:
    using ReceiveHandler = std::function<void(std::span<const std::uint8_t> bytes, Time arrived)>;

    virtual ~SerialPort() = default;
    virtual void configure(const SerialConfig& config) = 0;
    virtual const SerialConfig& config() const = 0;
    // Queues bytes for transmission; they leave at the configured baud rate.
    virtual void write(std::span<const std::uint8_t> bytes) = 0;
    // Called on the firmware loop with every chunk of bytes as it arrives.
    virtual void on_receive(ReceiveHandler handler) = 0;
};

}  // namespace hal
