#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "linux/realtime_pacer.hpp"
#include "linux/tty_serial_port.hpp"
#include "modbus/rtu.hpp"

using namespace hal::linux_backend;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("bytes cross a pty both ways through the Asio loop; in order") {
    boost::asio::io_context io;
    WallClock clock;
    Pty pty;
    TtySerialPort master(io, clock, pty.release_master());
    TtySerialPort slave(io, clock, pty.slave_path(), hal::SerialConfig{19200, hal::Parity::even, 1});
    CHECK_FALSE(slave.rs485_mode());  // a pty has no RS-485 driver mode
    Bytes at_master, at_slave;
    master.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { at_master.insert(at_master.end(), b.begin(), b.end()); });
    slave.on_receive([&](std::span<const std::uint8_t> b, hal::Time) { at_slave.insert(at_slave.end(), b.begin(), b.end()); });
    const auto request = modbus::rtu::encode_frame(1, Bytes{0x03, 0x20, 0x00, 0x00, 0x42});
    Bytes reply(300);
    for (std::size_t i = 0; i < reply.size(); ++i) reply[i] = static_cast<std::uint8_t>(i * 7);
    slave.write(request);
    master.write(reply);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while ((at_master.size() < request.size() || at_slave.size() < reply.size()) && std::chrono::steady_clock::now() < deadline)
        io.run_one_for(std::chrono::milliseconds(10));
    CHECK(at_master == request);
    CHECK(at_slave == reply);
    for (auto cfg : {hal::SerialConfig{9600, hal::Parity::none, 2}, hal::SerialConfig{38400, hal::Parity::odd, 1}})
        CHECK_NOTHROW(slave.configure(cfg));
    CHECK_THROWS_WITH(slave.configure(hal::SerialConfig{12345, hal::Parity::none, 1}), Catch::Contains("baud 12345 is out of range"));
}

TEST_CASE("a missing device gives a clear error") {
    boost::asio::io_context io;
    WallClock clock;
    CHECK_THROWS_WITH(TtySerialPort(io, clock, "/dev/ttyNOPE9", {}), "cannot open RS-485 port /dev/ttyNOPE9: No such file or directory");
}

TEST_CASE("serial endpoint strings") {
    const auto e = parse_serial_endpoint("rs485:/dev/ttyS1?baud=9600&parity=even&stop=2");
    CHECK(e.path == "/dev/ttyS1");
    CHECK(e.config.baud == 9600);
    CHECK(e.config.parity == hal::Parity::even);
    CHECK(e.config.stop_bits == 2);
    CHECK(parse_serial_endpoint("rs485:/dev/ttyUSB0").config.baud == 19200);
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?parity=mark"), Catch::Contains("none, even, odd"));
    CHECK_THROWS_WITH(parse_serial_endpoint("tcp:1.2.3.4"), Catch::Contains("rs485:"));
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?speed=1"), Catch::Contains("unknown"));
}

TEST_CASE("the pacer runs virtual timers in order and stops at the end or on the flag") {
    boost::asio::io_context io;
    hal::EventScheduler sched(hal::Time(std::chrono::seconds(1000)));
    std::vector<int> ran;
    sched.after(std::chrono::seconds(1), [&] { ran.push_back(1); });
    sched.after(std::chrono::seconds(2), [&] { ran.push_back(2); });
    std::atomic<bool> stop{false};
    RealTimePacer pacer(io, sched, 200.0);  // 2 virtual seconds in about 10 ms
    pacer.run(stop, sched.now() + std::chrono::seconds(3));
    CHECK(ran == std::vector<int>{1, 2});
    CHECK(sched.now() == hal::Time(std::chrono::seconds(1003)));
    stop = true;
    sched.after(std::chrono::seconds(1), [&] { ran.push_back(3); });
    pacer.run(stop);
    CHECK(ran.size() == 2);
}
