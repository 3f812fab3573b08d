#include "linux/tty_serial_port.hpp"

#include <fcntl.h>
#include <linux/serial.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <boost/asio/write.hpp>

namespace hal::linux_backend {

namespace {

// After a read error, try again this much later (wall time: only a broken line gets here).
constexpr auto kReadRetry = std::chrono::milliseconds(100);

std::runtime_error sys_error(const std::string& what) { return std::runtime_error(what + ": " + std::strerror(errno)); }

speed_t speed_of(std::uint32_t baud) {
    switch (baud) {
        case 1200: return B1200;
        case 2400: return B2400;
        case 4800: return B4800;
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 115200: return B115200;
        default: throw std::logic_error("baud " + std::to_string(baud) + " passed check_line_settings but has no termios speed");
    }
}

void apply_termios(int fd, const SerialConfig& c, const std::string& path) {
    termios t{};
    if (::tcgetattr(fd, &t) != 0) throw sys_error("cannot configure RS-485 port " + path);
    ::cfmakeraw(&t);
    const speed_t s = speed_of(c.baud);
    ::cfsetispeed(&t, s);
    ::cfsetospeed(&t, s);
    // No modem control and no RTS/CTS flow control: on RS-485 the driver uses RTS for direction.
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    t.c_cflag |= CLOCAL | CREAD | (c.data_bits == 7 ? CS7 : CS8);
    if (c.parity != Parity::none) t.c_cflag |= PARENB;
    if (c.parity == Parity::odd) t.c_cflag |= PARODD;
    if (c.stop_bits == 2) t.c_cflag |= CSTOPB;
    t.c_cc[VMIN] = 1;  // with 0, poll() reports a tty readable while it is empty: the loop would spin
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &t) != 0) throw sys_error("cannot configure RS-485 port " + path + " as " + c.describe());
}

}  // namespace

TtySerialPort::TtySerialPort(boost::asio::io_context& io, const Clock& clock, const std::string& path, const SerialConfig& config)
    : clock_(clock), path_(path), stream_(io), retry_(io), config_(config) {
    check_line_settings(config);
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw sys_error("cannot open RS-485 port " + path);
    stream_.assign(fd);  // owned from here: a throw below closes it with the member
    configure(config);
    serial_rs485 rs{};
    rs.flags = SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND;
    if (::ioctl(fd, TIOCSRS485, &rs) == 0) {
        rs485_ = true;
    } else if (errno != ENOTTY && errno != EINVAL && errno != EOPNOTSUPP) {
        // The driver has RS-485 mode but refused it: a half-duplex line would never turn around.
        throw sys_error("cannot put " + path + " in RS-485 mode (TIOCSRS485)");
    }
}

TtySerialPort::TtySerialPort(boost::asio::io_context& io, const Clock& clock, int pty_master_fd)
    : clock_(clock), path_("pty master"), owns_line_(false), stream_(io), retry_(io) {
    if (pty_master_fd < 0)
        throw std::invalid_argument("TtySerialPort needs an open pty master descriptor, got " + std::to_string(pty_master_fd) +
                                    " (Pty::release_master() called twice?)");
    const int flags = ::fcntl(pty_master_fd, F_GETFL);
    if (flags < 0 || ::fcntl(pty_master_fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        const auto error = sys_error("cannot use descriptor " + std::to_string(pty_master_fd) + " as a pty master");
        ::close(pty_master_fd);
        throw error;
    }
    stream_.assign(pty_master_fd);
}

TtySerialPort::~TtySerialPort() {
    boost::system::error_code ignored;
    retry_.cancel();
    stream_.close(ignored);
}

void TtySerialPort::configure(const SerialConfig& config) {
    check_line_settings(config);
    if (owns_line_) apply_termios(stream_.native_handle(), config, path_);
    config_ = config;
}

void TtySerialPort::on_receive(ReceiveHandler handler) {
    handler_ = std::move(handler);
    if (!reading_) start_read();
}

void TtySerialPort::start_read() {
    reading_ = true;
    std::weak_ptr<bool> alive = alive_;
    stream_.async_read_some(boost::asio::buffer(in_), [this, alive](boost::system::error_code ec, std::size_t n) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
        if (ec) {
            last_error_ = ec;
            retry_.expires_after(kReadRetry);
            retry_.async_wait([this, alive](boost::system::error_code wait_ec) {
                if (!alive.expired() && !wait_ec) start_read();
            });
            return;
        }
        last_error_.clear();
        if (n > 0 && handler_) handler_(std::span<const std::uint8_t>(in_.data(), n), clock_.now());
        if (!alive.expired()) start_read();  // the handler may have closed the port
    });
}

void TtySerialPort::write(std::span<const std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    if (!writing_) start_write();
}

void TtySerialPort::start_write() {
    writing_ = !out_.empty();
    if (!writing_) return;
    sending_.swap(out_);
    out_.clear();
    std::weak_ptr<bool> alive = alive_;
    boost::asio::async_write(stream_, boost::asio::buffer(sending_), [this, alive](boost::system::error_code ec, std::size_t) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
        if (ec) last_error_ = ec;  // the chunk is lost, as on a line nobody listens to
        sending_.clear();
        start_write();
    });
}

}  // namespace hal::linux_backend
