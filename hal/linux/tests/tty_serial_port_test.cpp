// TtySerialPort and Pty on real pseudo-terminals: bytes both ways through the Asio loop, line
// settings, clear errors, and a slave side that closes and reopens.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>

#include "linux/tty_serial_port.hpp"

using namespace hal::linux_backend;
using Bytes = std::vector<std::uint8_t>;

namespace {

// The board's clock: arrival stamps must come from the clock the port was given.
struct SetClock final : hal::Clock {
    hal::Time t{};
    hal::Time now() const override { return t; }
};

// Runs the loop until `done`; the deadline only keeps a broken port from hanging the test run.
template <class Done>
void pump(boost::asio::io_context& io, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(5));
}

// The program on the slave side (libmodbus, pymodbus), reduced to the POSIX calls they make.
struct SlaveProgram {
    int fd;
    explicit SlaveProgram(const std::string& path, bool make_raw = false) : fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK)) {
        REQUIRE(fd >= 0);
        if (make_raw) {
            termios t{};
            REQUIRE(::tcgetattr(fd, &t) == 0);
            ::cfmakeraw(&t);
            REQUIRE(::tcsetattr(fd, TCSANOW, &t) == 0);
        }
    }
    ~SlaveProgram() { close(); }
    void close() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    void send(const Bytes& b) const { REQUIRE(::write(fd, b.data(), b.size()) == static_cast<ssize_t>(b.size())); }
    void collect(Bytes& into) const {  // whatever has arrived, without blocking
        std::uint8_t buf[256];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) into.insert(into.end(), buf, buf + n);
    }
};

termios settings_of(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    REQUIRE(fd >= 0);
    termios t{};
    REQUIRE(::tcgetattr(fd, &t) == 0);
    ::close(fd);
    return t;
}

// FC03, 72 registers at 0x4000, unit 1, CRC 0x3C50 (low byte first).
const Bytes kRequest{0x01, 0x03, 0x40, 0x00, 0x00, 0x48, 0x50, 0x3C};

Bytes pattern(std::size_t n, unsigned step) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * step);
    return b;
}

}  // namespace

TEST_CASE("a program on the pty slave and the board on the master exchange a frame each way") {
    boost::asio::io_context io;
    SetClock clock;
    clock.t = std::chrono::seconds(1'700'000'000);
    Pty pty;
    TtySerialPort board(io, clock, pty.release_master());
    SlaveProgram program(pty.slave_path());
    Bytes heard;
    std::vector<hal::Time> stamps;
    board.on_receive([&](std::span<const std::uint8_t> b, hal::Time at) {
        heard.insert(heard.end(), b.begin(), b.end());
        stamps.push_back(at);
    });

    program.send(kRequest);
    pump(io, [&] { return heard.size() >= kRequest.size(); });
    CHECK(heard == kRequest);
    REQUIRE_FALSE(stamps.empty());
    for (auto at : stamps) CHECK(at == clock.t);

    // The answer in three writes queued back to back: header, 144 data bytes, CRC position.
    const Bytes header{0x01, 0x03, 0x90}, data = pattern(144, 7), crc{0xAB, 0xCD};
    board.write(header);
    board.write(data);
    board.write(crc);
    Bytes reply, expected = header;
    expected.insert(expected.end(), data.begin(), data.end());
    expected.insert(expected.end(), crc.begin(), crc.end());
    pump(io, [&] {
        program.collect(reply);
        return reply.size() >= expected.size();
    });
    CHECK(reply == expected);
    CHECK_FALSE(board.last_error());
}

TEST_CASE("two ports on one pty: many small writes arrive whole and in order both ways") {
    boost::asio::io_context io;
    SetClock clock;
    Pty pty;
    TtySerialPort board(io, clock, pty.release_master());
    TtySerialPort master(io, clock, pty.slave_path(), hal::SerialConfig{19200, hal::Parity::even, 1});
    CHECK_FALSE(master.rs485_mode());  // a pty has no RS-485 driver mode; the port carries on
    Bytes at_board, at_master, sent_down, sent_up;
    board.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { at_board.insert(at_board.end(), b.begin(), b.end()); });
    master.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { at_master.insert(at_master.end(), b.begin(), b.end()); });
    for (unsigned i = 1; i <= 100; ++i) {
        const Bytes down = pattern(i % 17 + 1, i), up = pattern(i % 29 + 1, i + 3);
        master.write(down);
        board.write(up);
        sent_down.insert(sent_down.end(), down.begin(), down.end());
        sent_up.insert(sent_up.end(), up.begin(), up.end());
    }
    pump(io, [&] { return at_board.size() >= sent_down.size() && at_master.size() >= sent_up.size(); });
    CHECK(at_board == sent_down);
    CHECK(at_master == sent_up);
}

TEST_CASE("configure() sets baud and parity and stop bits on a tty (a pty keeps all but PARENB)") {
    boost::asio::io_context io;
    SetClock clock;
    Pty pty;
    TtySerialPort port(io, clock, pty.slave_path());
    const std::pair<std::uint32_t, speed_t> rates[] = {{1200, B1200},   {2400, B2400},   {4800, B4800},   {9600, B9600},
                                                       {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200}};
    for (const auto& [baud, speed] : rates)
        for (auto parity : {hal::Parity::none, hal::Parity::even, hal::Parity::odd})
            for (std::uint8_t stop : {1, 2}) {
                const hal::SerialConfig want{baud, parity, stop};
                INFO(want.describe());
                REQUIRE_NOTHROW(port.configure(want));
                CHECK(port.config().describe() == want.describe());
                const termios t = settings_of(pty.slave_path());
                CHECK(::cfgetospeed(&t) == speed);
                CHECK((t.c_cflag & CSIZE) == CS8);
                // The pty driver clears PARENB whatever is asked (drivers/tty/pty.c, pty_set_termios);
                // PARODD stays, so odd against even still shows.
                CHECK(((t.c_cflag & PARODD) != 0) == (parity == hal::Parity::odd));
                CHECK(((t.c_cflag & CSTOPB) != 0) == (stop == 2));
                CHECK((t.c_lflag & (ICANON | ECHO)) == 0);  // raw
                CHECK(t.c_cc[VMIN] == 1);
            }
}

TEST_CASE("configure() refuses what a tty cannot do and keeps the settings it had") {
    boost::asio::io_context io;
    SetClock clock;
    Pty pty;
    TtySerialPort port(io, clock, pty.slave_path(), hal::SerialConfig{9600, hal::Parity::none, 1});
    CHECK_THROWS_WITH(port.configure(hal::SerialConfig{12345, hal::Parity::none, 1}),
                      "baud 12345 is out of range: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200");
    CHECK_THROWS_WITH(port.configure(hal::SerialConfig{9600, hal::Parity::none, 3}), "stop bits 3 is out of range: 1, 2");
    CHECK_THROWS_WITH(port.configure(hal::SerialConfig{9600, hal::Parity::none, 1, 5}), "data bits 5 is out of range: 7, 8");
    CHECK(port.config().describe() == "9600 8N1");
    const termios t = settings_of(pty.slave_path());
    CHECK(::cfgetospeed(&t) == B9600);
    CHECK_THROWS_AS(TtySerialPort(io, clock, pty.slave_path(), hal::SerialConfig{300}), std::invalid_argument);
}

TEST_CASE("on a pty master configure() checks and records the settings but leaves the line to the slave side") {
    boost::asio::io_context io;
    SetClock clock;
    Pty pty;
    TtySerialPort board(io, clock, pty.release_master());
    CHECK_FALSE(board.rs485_mode());
    const termios before = settings_of(pty.slave_path());
    board.configure(hal::SerialConfig{9600, hal::Parity::odd, 2});
    CHECK(board.config().describe() == "9600 8O2");
    const termios after = settings_of(pty.slave_path());
    CHECK(after.c_cflag == before.c_cflag);
    CHECK(::cfgetospeed(&after) == ::cfgetospeed(&before));
    CHECK_THROWS_WITH(board.configure(hal::SerialConfig{12345}), Catch::StartsWith("baud 12345 is out of range"));
    CHECK(board.config().describe() == "9600 8O2");
}

TEST_CASE("a missing device or a file that is no tty gives a clear error") {
    boost::asio::io_context io;
    SetClock clock;
    CHECK_THROWS_WITH(TtySerialPort(io, clock, "/dev/ttyNOPE9"), "cannot open RS-485 port /dev/ttyNOPE9: No such file or directory");
    CHECK_THROWS_WITH(TtySerialPort(io, clock, "/dev/null"), "cannot configure RS-485 port /dev/null: Inappropriate ioctl for device");
    CHECK_THROWS_WITH(TtySerialPort(io, clock, -1), Catch::Contains("got -1"));
}

TEST_CASE("the board keeps hearing a program that closes and reopens the pty slave") {
    boost::asio::io_context io;
    SetClock clock;
    Pty pty;
    TtySerialPort board(io, clock, pty.release_master());
    Bytes heard;
    board.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { heard.insert(heard.end(), b.begin(), b.end()); });
    {
        SlaveProgram first(pty.slave_path());
        first.send(kRequest);
    }
    pump(io, [&] { return heard.size() >= kRequest.size(); });
    io.run_one_for(std::chrono::milliseconds(20));  // a hang-up, were there one, would show now
    CHECK_FALSE(board.last_error());
    SlaveProgram second(pty.slave_path());
    second.send(kRequest);
    pump(io, [&] { return heard.size() >= 2 * kRequest.size(); });
    Bytes twice = kRequest;
    twice.insert(twice.end(), kRequest.begin(), kRequest.end());
    CHECK(heard == twice);
}

TEST_CASE("after a hang-up the port reports EIO without spinning and hears the slave once reopened") {
    // A bare pty (no Pty object holding the slave): closing the only slave descriptor hangs up.
    const int master_fd = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(master_fd >= 0);
    REQUIRE(::grantpt(master_fd) == 0);
    REQUIRE(::unlockpt(master_fd) == 0);
    char name[128];
    REQUIRE(::ptsname_r(master_fd, name, sizeof name) == 0);
    const std::string slave_path = name;

    boost::asio::io_context io;
    SetClock clock;
    auto first = std::make_unique<SlaveProgram>(slave_path, true);
    TtySerialPort board(io, clock, master_fd);
    Bytes heard;
    board.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { heard.insert(heard.end(), b.begin(), b.end()); });
    first.reset();
    pump(io, [&] { return static_cast<bool>(board.last_error()); });
    CHECK(board.last_error() == boost::system::errc::io_error);
    // A port that read again at once would run a handler on every poll.
    std::size_t handlers = 0;
    for (int i = 0; i < 200; ++i) handlers += io.poll_one();
    CHECK(handlers < 20);

    SlaveProgram second(slave_path, true);  // the pty reset its settings on the last close
    second.send(kRequest);
    pump(io, [&] { return heard.size() >= kRequest.size(); });
    CHECK(heard == kRequest);
    CHECK_FALSE(board.last_error());
}
