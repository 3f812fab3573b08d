#include "rtu_transports.hpp"

namespace harness {

RtuTransport::RtuTransport(Rig& rig, Kind kind) {
    tty_ = std::make_unique<hal::linux_backend::TtySerialPort>(rig.io(), rig.scheduler(), pty_.release_master());
    if (kind == Kind::pty) {
        rig.board().attach(*tty_, true);
        return;
    }
    auto& port = rig.bus().attach("external master");
    port.configure(rig.board().serial_config());
    auto* tty = tty_.get();
    // Bytes from the external master go onto the line (timed at the baud rate); what the line
    // carries back goes out on the pty.
    tty_->on_receive([&port](std::span<const std::uint8_t> bytes, hal::Time) { port.write(bytes); });
    port.on_receive([tty](std::span<const std::uint8_t> bytes, hal::Time) { tty->write(bytes); });
}

}  // namespace harness
