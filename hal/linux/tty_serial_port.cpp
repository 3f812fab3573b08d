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
        default:
            throw std::invalid_argument("baud " + std::to_string(baud) + " is out of range: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200");
    }
}

void apply_termios(int fd, const SerialConfig& c, const std::string& what) {
    termios t{};
    if (tcgetattr(fd, &t) != 0) throw sys_error("cannot read the settings of " + what);
    cfmakeraw(&t);
    const speed_t s = speed_of(c.baud);
    cfsetispeed(&t, s);
    cfsetospeed(&t, s);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~static_cast<tcflag_t>(PARENB | PARODD | CSTOPB);
    if (c.parity != Parity::none) t.c_cflag |= PARENB;
    if (c.parity == Parity::odd) t.c_cflag |= PARODD;
    if (c.stop_bits == 2) t.c_cflag |= CSTOPB;
    t.c_cc[VMIN] = 1;  // with 0, poll() reports a tty readable while it is empty: the loop would spin
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) != 0) throw sys_error("cannot configure " + what);
}

}  // namespace

TtySerialPort::TtySerialPort(boost::asio::io_context& io, const Clock& clock, const std::string& path, const SerialConfig& config)
    : clock_(clock), path_(path), stream_(io), config_(config) {
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw sys_error("cannot open RS-485 port " + path);
    stream_.assign(fd);
    configure(config);
    serial_rs485 rs{};
    rs.flags = SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND;
    rs485_ = ::ioctl(fd, TIOCSRS485, &rs) == 0;  // ENOTTY/EINVAL: the driver has no RS-485 mode
}

TtySerialPort::TtySerialPort(boost::asio::io_context& io, const Clock& clock, int fd)
    : clock_(clock), path_("pty"), stream_(io, fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

TtySerialPort::~TtySerialPort() {
    *alive_ = false;
    boost::system::error_code ec;
    stream_.close(ec);
}

void TtySerialPort::configure(const SerialConfig& config) {
    config_ = config;
    if (path_ != "pty") apply_termios(stream_.native_handle(), config, path_);
}

void TtySerialPort::on_receive(ReceiveHandler handler) {
    handler_ = std::move(handler);
    if (!reading_) start_read();
}

void TtySerialPort::start_read() {
    reading_ = true;
    std::weak_ptr<bool> alive = alive_;
    stream_.async_read_some(boost::asio::buffer(in_), [this, alive](boost::system::error_code ec, std::size_t n) {
        if (alive.expired() || !*alive.lock()) return;
        if (ec == boost::asio::error::operation_aborted) return;
        if (!ec && n > 0 && handler_) handler_(std::span<const std::uint8_t>(in_.data(), n), clock_.now());
        // EIO on a pty whose slave is closed: keep listening (Pty keeps the slave open, so rare).
        start_read();
    });
}

void TtySerialPort::write(std::span<const std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    if (!writing_) start_write();
}

void TtySerialPort::start_write() {
    if (out_.empty()) return;
    writing_ = true;
    sending_.swap(out_);
    out_.clear();
    std::weak_ptr<bool> alive = alive_;
    boost::asio::async_write(stream_, boost::asio::buffer(sending_), [this, alive](boost::system::error_code, std::size_t) {
        if (alive.expired() || !*alive.lock()) return;
        writing_ = false;
        sending_.clear();
        start_write();
    });
}

Pty::Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0) throw sys_error("cannot open a pseudo-terminal");
    if (::grantpt(master_) != 0 || ::unlockpt(master_) != 0) throw sys_error("cannot unlock the pseudo-terminal");
    char name[128];
    if (::ptsname_r(master_, name, sizeof name) != 0) throw sys_error("cannot name the pseudo-terminal");
    slave_path_ = name;
    slave_ = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_ < 0) throw sys_error("cannot open " + slave_path_);
    termios t{};
    if (tcgetattr(slave_, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(slave_, TCSANOW, &t);
    }
}

Pty::~Pty() {
    if (master_ >= 0) ::close(master_);
    if (slave_ >= 0) ::close(slave_);
}

Pty::Pty(Pty&& o) noexcept : master_(o.master_), slave_(o.slave_), slave_path_(std::move(o.slave_path_)) {
    o.master_ = o.slave_ = -1;
}

int Pty::release_master() {
    const int fd = master_;
    master_ = -1;
    return fd;
}

SerialEndpoint parse_serial_endpoint(const std::string& text) {
    const std::string prefix = "rs485:";
    if (text.rfind(prefix, 0) != 0) throw std::invalid_argument("serial endpoint '" + text + "' must start with rs485:");
    SerialEndpoint e;
    const auto q = text.find('?');
    e.path = text.substr(prefix.size(), q == std::string::npos ? std::string::npos : q - prefix.size());
    if (e.path.empty()) throw std::invalid_argument("serial endpoint '" + text + "' has no device path");
    std::string rest = q == std::string::npos ? "" : text.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string kv = rest.substr(0, amp);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
        const auto eq = kv.find('=');
        const std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
        if (k == "baud") {
            try {
                e.config.baud = static_cast<std::uint32_t>(std::stoul(v));
            } catch (const std::exception&) {
                throw std::invalid_argument("serial endpoint baud '" + v + "' is not a number");
            }
            speed_of(e.config.baud);
        } else if (k == "parity") {
            if (v == "none") e.config.parity = Parity::none;
            else if (v == "even") e.config.parity = Parity::even;
            else if (v == "odd") e.config.parity = Parity::odd;
            else throw std::invalid_argument("serial endpoint parity '" + v + "' is out of range: none, even, odd");
        } else if (k == "stop") {
            if (v != "1" && v != "2") throw std::invalid_argument("serial endpoint stop '" + v + "' is out of range: 1, 2");
            e.config.stop_bits = static_cast<std::uint8_t>(v == "2" ? 2 : 1);
        } else {
            throw std::invalid_argument("serial endpoint field '" + k + "' is unknown: baud, parity, stop");
        }
    }
    return e;
}

}  // namespace hal::linux_backend
