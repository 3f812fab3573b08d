// Serial endpoint strings ("rs485:/dev/ttyS1?baud=19200&parity=none&stop=1"): what they set, and
// errors that name the field, the value and what is allowed.
#include <catch2/catch.hpp>

#include "linux/serial_endpoint.hpp"

using hal::Parity;
using hal::linux_backend::check_line_settings;
using hal::linux_backend::parse_serial_endpoint;

TEST_CASE("an endpoint string sets the path and every field it names") {
    const auto e = parse_serial_endpoint("rs485:/dev/ttyS1?baud=9600&parity=even&stop=2");
    CHECK(e.path == "/dev/ttyS1");
    CHECK(e.config.baud == 9600);
    CHECK(e.config.parity == Parity::even);
    CHECK(e.config.stop_bits == 2);
    CHECK(e.config.data_bits == 8);
    CHECK(parse_serial_endpoint("rs485:/dev/ttyUSB0?parity=odd").config.describe() == "19200 8O1");
    CHECK(parse_serial_endpoint("rs485:/dev/ttyS2?stop=1&baud=115200&parity=none").config.describe() == "115200 8N1");
    for (std::uint32_t baud : {1200u, 2400u, 4800u, 9600u, 19200u, 38400u, 57600u, 115200u})
        CHECK(parse_serial_endpoint("rs485:/dev/x?baud=" + std::to_string(baud)).config.baud == baud);
}

TEST_CASE("fields an endpoint leaves out keep 19200 8N1") {
    for (const char* text : {"rs485:/dev/ttyUSB0", "rs485:/dev/ttyUSB0?"}) {
        const auto e = parse_serial_endpoint(text);
        CHECK(e.path == "/dev/ttyUSB0");
        CHECK(e.config.describe() == "19200 8N1");
    }
}

TEST_CASE("a bad endpoint names the field and value and what is allowed") {
    const std::string bauds = "1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200";
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?baud=12345"),
                      "serial endpoint 'rs485:/dev/x?baud=12345': baud '12345' is out of range: " + bauds);
    // Not a number, trailing letters, a rate that wraps to 9600 in 32 bits, nothing: all refused.
    for (const char* v : {"fast", "19200x", "4294976896", "", "-9600"})
        CHECK_THROWS_WITH(parse_serial_endpoint(std::string("rs485:/dev/x?baud=") + v),
                          Catch::Contains(std::string("baud '") + v + "' is out of range: " + bauds));
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?parity=mark"),
                      Catch::EndsWith("parity 'mark' is out of range: none, even, odd"));
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?stop=3"), Catch::EndsWith("stop '3' is out of range: 1, 2"));
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:/dev/x?speed=9600"),
                      Catch::EndsWith("field 'speed' is unknown: baud, parity, stop"));
    CHECK_THROWS_WITH(parse_serial_endpoint("tcp:127.0.0.1:502"), Catch::Contains("must start with rs485:"));
    CHECK_THROWS_WITH(parse_serial_endpoint("rs485:?baud=9600"), Catch::Contains("has no device path"));
}

TEST_CASE("line settings a tty cannot take are named with what is allowed") {
    CHECK_NOTHROW(check_line_settings(hal::SerialConfig{}));
    CHECK_NOTHROW(check_line_settings(hal::SerialConfig{9600, Parity::odd, 2, 7}));
    CHECK_THROWS_WITH(check_line_settings(hal::SerialConfig{300}), Catch::StartsWith("baud 300 is out of range: 1200,"));
    CHECK_THROWS_WITH(check_line_settings(hal::SerialConfig{9600, Parity::none, 0}), "stop bits 0 is out of range: 1, 2");
    CHECK_THROWS_WITH(check_line_settings(hal::SerialConfig{9600, Parity::none, 1, 9}), "data bits 9 is out of range: 7, 8");
}
