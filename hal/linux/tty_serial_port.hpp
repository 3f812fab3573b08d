#pragma once
// The Linux backend's RS-485 port: a tty (or a pty master) in raw mode, driven by the firmware's
// Asio loop. RS-485 direction control through TIOCSRS485 where the driver has it.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "hal/clock.hpp"
#include "hal/serial.hpp"

namespace hal::linux_backend {

class TtySerialPort final : public SerialPort {
public:
    // Opens a tty device path, e.g. /dev/ttyS1.
    TtySerialPort(boost::asio::io_context& io, const Clock& clock, const std::string& path, const SerialConfig& config);
    // Takes an open descriptor (the master side of a pty); the port owns it from now on.
    TtySerialPort(boost::asio::io_context& io, const Clock& clock, int fd);
    ~TtySerialPort() override;

    void configure(const SerialConfig& config) override;
    const SerialConfig& config() const override { return config_; }
    void write(std::span<const std::uint8_t> bytes) override;
    void on_receive(ReceiveHandler handler) override;
    bool rs485_mode() const { return rs485_; }

private:
    void start_read();
    void start_write();

    const Clock& clock_;
    std::string path_;
    boost::asio::posix::stream_descriptor stream_;
    SerialConfig config_;
    ReceiveHandler handler_;
    std::array<std::uint8_t, 512> in_{};
    std::vector<std::uint8_t> out_, sending_;
    bool reading_ = false, writing_ = false, rs485_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// A pseudo-terminal for external RTU masters: the board sits on the master side, a program
// opens slave_path(). The slave stays open here too, so the master never sees a hang-up when the
// program closes and reopens it.
class Pty {
public:
    Pty();
    ~Pty();
    Pty(Pty&& other) noexcept;
    Pty(const Pty&) = delete;
    int release_master();  // hands the master descriptor over (to a TtySerialPort)
    const std::string& slave_path() const { return slave_path_; }

private:
    int master_ = -1, slave_ = -1;
    std::string slave_path_;
};

// "rs485:/dev/ttyS1?baud=19200&parity=none&stop=1" → path and settings.
struct SerialEndpoint {
    std::string path;
    SerialConfig config;
};
SerialEndpoint parse_serial_endpoint(const std::string& text);

}  // namespace hal::linux_backend
