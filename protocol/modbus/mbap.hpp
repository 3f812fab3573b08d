#pragma once
// Modbus TCP framing (Modbus Messaging on TCP/IP v1.0b §3.1.3): a 7-byte MBAP header — transaction
// id, protocol id 0, length of unit id + PDU, unit id — in front of the PDU.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "modbus/pdu.hpp"

namespace modbus::mbap {

constexpr std::size_t header_size = 7;

struct Header {
    std::uint16_t transaction = 0;
    std::uint16_t protocol = 0;
    std::uint16_t length = 0;  // unit id + PDU
    std::uint8_t unit = 0;
};

struct Frame {
    Header header;
    std::vector<std::uint8_t> pdu;
};

// What a byte stream holds at its start: not enough yet, a whole frame (and how many bytes it
// took), or bytes that are not Modbus TCP (the connection should be closed).
struct Incomplete {};
struct Malformed {
    std::string why;
};
struct Taken {
    Frame frame;
    std::size_t consumed = 0;
};
using Parse = std::variant<Incomplete, Malformed, Taken>;

Parse parse(std::span<const std::uint8_t> bytes);

// The reply frame to `request` carrying `pdu` (the same transaction id and unit id).
std::vector<std::uint8_t> encode(const Header& request, std::span<const std::uint8_t> pdu);

}  // namespace modbus::mbap
