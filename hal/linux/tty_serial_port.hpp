#pragma once
// The Linux backend's RS-485 port: a tty (or a pty master) in raw mode, driven by the firmware's
// Asio loop. RS-485 direction control through TIOCSRS485 where the driver has it.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hal/clock.hpp"
#include "hal/serial.hpp"
#include "linux/pty.hpp"              // the port's companions: users of the port get them from here
#include "linux/serial_endpoint.hpp"

namespace hal::linux_backend {

class TtySerialPort final : public SerialPort {
public:
    // Opens a tty device, e.g. /dev/ttyS1 (O_RDWR|O_NOCTTY|O_NONBLOCK), sets raw mode and `config`,
    // and asks the driver for RS-485 mode (RTS on send). Throws std::runtime_error naming the path
    // and the errno text ("cannot open RS-485 port /dev/ttyS9: No such file or directory"), or
    // std::invalid_argument for settings a tty does not take (check_line_settings).
    TtySerialPort(boost::asio::io_context& io, const Clock& clock, const std::string& path, const SerialConfig& config = {});
    // Takes an open pty master descriptor (Pty::release_master()); the port owns it from now on.
    // The line settings belong to the program on the slave side (it sets its own termios), so
    // configure() checks and records them but does not touch the pty; there is no RS-485 mode.
    TtySerialPort(boost::asio::io_context& io, const Clock& clock, int pty_master_fd);
    ~TtySerialPort() override;
    TtySerialPort(const TtySerialPort&) = delete;
    TtySerialPort& operator=(const TtySerialPort&) = delete;

    // Applies baud, parity and stop bits (termios). A pty carries them without enforcing them.
    // On a rejected setting the previous one stays.
    void configure(const SerialConfig& config) override;
    const SerialConfig& config() const override { return config_; }
    // Queued; chunks leave in the order written, one asynchronous write at a time.
    void write(std::span<const std::uint8_t> bytes) override;
    // Each chunk read goes to `handler` with clock.now() as its arrival time.
    void on_receive(ReceiveHandler handler) override;

    // True when the driver took TIOCSRS485 (SER_RS485_ENABLED|SER_RS485_RTS_ON_SEND); false on
    // drivers without it (ENOTTY/EINVAL/EOPNOTSUPP: ptys, most USB adapters), which carry on.
    bool rs485_mode() const { return rs485_; }
    // The last read or write failure (EIO when a pty's slave has no one holding it, ENODEV for an
    // unplugged adapter); cleared by the next successful read. Bytes written meanwhile are lost,
    // as on a line with no one listening.
    boost::system::error_code last_error() const { return last_error_; }

private:
    void start_read();
    void start_write();

    const Clock& clock_;
    std::string path_;
    bool owns_line_ = true;  // false for a pty master: the slave side's program sets the line
    boost::asio::posix::stream_descriptor stream_;
    // After a read error the next read waits a while: a hung-up pty or a vanished device stays
    // readable-with-error, and reading again at once would spin the loop.
    boost::asio::steady_timer retry_;
    SerialConfig config_;
    ReceiveHandler handler_;
    std::array<std::uint8_t, 512> in_{};
    std::vector<std::uint8_t> out_, sending_;
    bool reading_ = false, writing_ = false, rs485_ = false;
    boost::system::error_code last_error_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // handlers outliving the port see it gone
};

}  // namespace hal::linux_backend
