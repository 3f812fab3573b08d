#pragma once
// Run-time wiring of the RS-485 port by endpoint string, ArduPilot style (STYLE.md "The HAL
// seam"): "rs485:/dev/ttyS1?baud=19200&parity=none&stop=1" → device path and line settings.
#include <string>

#include "hal/serial.hpp"

namespace hal::linux_backend {

struct SerialEndpoint {
    std::string path;
    SerialConfig config;  // fields the string leaves out keep SerialConfig's defaults (19200 8N1)
};

// Throws std::invalid_argument naming the endpoint, the bad field, its value and what is allowed.
SerialEndpoint parse_serial_endpoint(const std::string& text);

// The line settings a Linux tty takes: baud 1200–115200 (the standard rates), 7 or 8 data bits,
// parity none/even/odd, 1 or 2 stop bits. Throws std::invalid_argument naming the field, the value
// and what is allowed; the endpoint parser and TtySerialPort::configure() share it.
void check_line_settings(const SerialConfig& config);

}  // namespace hal::linux_backend
