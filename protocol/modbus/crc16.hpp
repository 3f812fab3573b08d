#pragma once
#include <cstdint>
#include <span>

namespace modbus {

// CRC-16/MODBUS: polynomial 0xA001 (reflected 0x8005), initial value 0xFFFF; sent low byte first.
std::uint16_t crc16(std::span<const std::uint8_t> bytes);

}  // namespace modbus
