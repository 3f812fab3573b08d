#pragma once
// Where an external RTU master reaches the virtual board in a scenario:
// - rtu-bus: an RTU master in the rig's process on the virtual RS-485 bus, on the rig's clock (no
//   thread, no wall time: the same seed gives the same run), so frames take their wire time and
//   the bus's fault knobs apply (the module's poller is not started then: one master per line);
// - rtu-pty: the board's own pty attachment, as `acurev-sim --pty` offers it, for libmodbus
//   (real device I/O: its times follow the wall clock).
#include <memory>
#include <string>

#include "bus/virtual_bus.hpp"
#include "linux/tty_serial_port.hpp"
#include "poller/rtu_master.hpp"
#include "rig.hpp"

namespace harness {

// A client's answer: code 0, a Modbus exception code (> 0), or a transport error (< 0, -errno).
struct ClientReply {
    int code = 0;
    std::vector<std::uint16_t> registers;
    std::vector<bool> bits;
};

class RtuTransport {
public:
    enum class Kind { bus, pty };
    RtuTransport(Rig& rig, Kind kind);
    Kind kind() const { return kind_; }
    const std::string& path() const { return pty_->slave_path(); }  // rtu-pty
    // rtu-bus: one transaction on the virtual line, virtual time running until it ends.
    ClientReply exchange(const modbus::Request& request);

private:
    Rig& rig_;
    Kind kind_;
    std::unique_ptr<hal::linux_backend::Pty> pty_;
    std::unique_ptr<hal::linux_backend::TtySerialPort> tty_;
    std::unique_ptr<fw::RtuMaster> master_;
};

}  // namespace harness
