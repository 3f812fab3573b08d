#pragma once
// Where an external RTU master (libmodbus) reaches the virtual board in a scenario:
// - rtu-bus: a pty bridged onto the virtual RS-485 bus, so frames take their wire time and the
//   bus's fault knobs apply (the module's poller is not started then: one master per line);
// - rtu-pty: the board's own pty attachment, as `acurev-sim --pty` offers it.
#include <memory>
#include <string>

#include "bus/virtual_bus.hpp"
#include "linux/tty_serial_port.hpp"
#include "rig.hpp"

namespace harness {

class RtuTransport {
public:
    enum class Kind { bus, pty };
    RtuTransport(Rig& rig, Kind kind);
    const std::string& path() const { return pty_.slave_path(); }

private:
    hal::linux_backend::Pty pty_;
    std::unique_ptr<hal::linux_backend::TtySerialPort> tty_;
};

}  // namespace harness
