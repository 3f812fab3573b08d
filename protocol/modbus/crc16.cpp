#include "modbus/crc16.hpp"

#include <array>

namespace modbus {

namespace {
constexpr std::array<std::uint16_t, 256> make_table() {
    std::array<std::uint16_t, 256> t{};
    for (unsigned i = 0; i < 256; ++i) {
        std::uint16_t c = static_cast<std::uint16_t>(i);
        for (int k = 0; k < 8; ++k) c = (c & 1U) ? static_cast<std::uint16_t>((c >> 1) ^ 0xA001U) : static_cast<std::uint16_t>(c >> 1);
        t[i] = c;
    }
    return t;
}
constexpr auto table = make_table();
}  // namespace

std::uint16_t crc16(std::span<const std::uint8_t> bytes) {
    std::uint16_t crc = 0xFFFF;
    for (const std::uint8_t b : bytes) crc = static_cast<std::uint16_t>((crc >> 8) ^ table[(crc ^ b) & 0xFFU]);
    return crc;
}

}  // namespace modbus
