#include <catch2/catch.hpp>

#include <vector>

#include "modbus/mbap.hpp"

using namespace modbus;

TEST_CASE("MBAP: a whole frame is taken, a partial one waits, and the reply echoes the header") {
    // Transaction 0x1234, protocol 0, length 6, unit 1, FC03 0x2000 x 2; then the first byte of the next.
    const std::vector<std::uint8_t> bytes{0x12, 0x34, 0, 0, 0, 6, 1, 0x03, 0x20, 0x00, 0x00, 0x02, 0x00};
    auto p = mbap::parse(bytes);
    REQUIRE(std::holds_alternative<mbap::Taken>(p));
    const auto& t = std::get<mbap::Taken>(p);
    CHECK(t.consumed == 12);
    CHECK(t.frame.header.transaction == 0x1234);
    CHECK(t.frame.header.unit == 1);
    CHECK(t.frame.pdu == std::vector<std::uint8_t>{0x03, 0x20, 0x00, 0x00, 0x02});
    for (std::size_t n = 0; n < 12; ++n)
        CHECK(std::holds_alternative<mbap::Incomplete>(mbap::parse(std::span(bytes).first(n))));
    const std::vector<std::uint8_t> pdu{0x83, 0x02};
    CHECK(mbap::encode(t.frame.header, pdu) == std::vector<std::uint8_t>{0x12, 0x34, 0, 0, 0, 3, 1, 0x83, 0x02});
}

TEST_CASE("MBAP: a foreign protocol id or an impossible length is malformed, named") {
    const std::vector<std::uint8_t> foreign{0, 1, 0, 7, 0, 6, 1, 3, 0, 0, 0, 1};
    auto p = mbap::parse(foreign);
    REQUIRE(std::holds_alternative<mbap::Malformed>(p));
    CHECK(std::get<mbap::Malformed>(p).why == "protocol id 7 is not Modbus (0)");
    const std::vector<std::uint8_t> short_len{0, 1, 0, 0, 0, 1, 1};
    CHECK(std::get<mbap::Malformed>(mbap::parse(short_len)).why == "length 1 is out of range: 2-254");
    const std::vector<std::uint8_t> long_len{0, 1, 0, 0, 0x01, 0x00, 1};
    CHECK(std::get<mbap::Malformed>(mbap::parse(long_len)).why == "length 256 is out of range: 2-254");
}
