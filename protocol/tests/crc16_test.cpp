#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "modbus/crc16.hpp"

TEST_CASE("CRC-16/MODBUS check value and known frames") {
    const std::array<std::uint8_t, 9> check{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    CHECK(modbus::crc16(check) == 0x4B37);  // the catalogue check value of CRC-16/MODBUS
    // Read holding registers, slave 1, address 0, count 1: 01 03 00 00 00 01 | 84 0A
    const std::array<std::uint8_t, 6> read{0x01, 0x03, 0x00, 0x00, 0x00, 0x01};
    CHECK(modbus::crc16(read) == 0x0A84);
    // The manual's example read, as an RTU frame: 01 03 40 00 00 48 | 50 3C
    const std::array<std::uint8_t, 6> manual{0x01, 0x03, 0x40, 0x00, 0x00, 0x48};
    CHECK(modbus::crc16(manual) == 0x3C50);
    CHECK(modbus::crc16(std::span<const std::uint8_t>()) == 0xFFFF);
}
