#include "modbus/mbap.hpp"

namespace modbus::mbap {

namespace {
std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
}  // namespace

Parse parse(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < header_size) return Incomplete{};
    Header h{be16(bytes, 0), be16(bytes, 2), be16(bytes, 4), bytes[6]};
    if (h.protocol != 0) return Malformed{"protocol id " + std::to_string(h.protocol) + " is not Modbus (0)"};
    // The length counts the unit id and the PDU: 2..254 (1 + 253).
    if (h.length < 2 || h.length > 1 + max_pdu_size)
        return Malformed{"length " + std::to_string(h.length) + " is out of range: 2-" + std::to_string(1 + max_pdu_size)};
    const std::size_t total = 6U + h.length;
    if (bytes.size() < total) return Incomplete{};
    Taken t;
    t.frame.header = h;
    t.frame.pdu.assign(bytes.begin() + header_size, bytes.begin() + static_cast<std::ptrdiff_t>(total));
    t.consumed = total;
    return t;
}

std::vector<std::uint8_t> encode(const Header& request, std::span<const std::uint8_t> pdu) {
    const auto length = static_cast<std::uint16_t>(pdu.size() + 1);
    std::vector<std::uint8_t> out(header_size + pdu.size());
    out[0] = static_cast<std::uint8_t>(request.transaction >> 8);
    out[1] = static_cast<std::uint8_t>(request.transaction & 0xFF);
    out[4] = static_cast<std::uint8_t>(length >> 8);
    out[5] = static_cast<std::uint8_t>(length & 0xFF);
    out[6] = request.unit;
    for (std::size_t i = 0; i < pdu.size(); ++i) out[header_size + i] = pdu[i];
    return out;
}

}  // namespace modbus::mbap
