#include "services/ntp/sntp_packet.hpp"

#include <algorithm>

namespace fw::sntp {

namespace {

constexpr std::int64_t unix_minus_ntp_s = 2208988800;  // 1900-01-01 to 1970-01-01

std::uint64_t be(std::span<const std::uint8_t> b, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
    return v;
}

}  // namespace

std::uint64_t to_ntp(hal::Time t) {
    const auto ns = t.count();
    const std::int64_t s = (ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
    const std::int64_t frac_ns = ns - s * 1000000000;
    const auto seconds = static_cast<std::uint64_t>(s + unix_minus_ntp_s) & 0xffffffffu;  // era wraps
    const auto fraction = (static_cast<std::uint64_t>(frac_ns) << 32) / 1000000000u;
    return (seconds << 32) | fraction;
}

hal::Time from_ntp(std::uint64_t ntp) {
    const auto seconds = static_cast<std::int64_t>(ntp >> 32);
    const std::int64_t era = (seconds & 0x80000000) ? 0 : (std::int64_t{1} << 32);
    const auto frac_ns = static_cast<std::int64_t>(((ntp & 0xffffffffu) * 1000000000u) >> 32);
    return hal::Time((seconds + era - unix_minus_ntp_s) * 1000000000 + frac_ns);
}

std::array<std::uint8_t, header_size> request(std::uint64_t transmit) {
    std::array<std::uint8_t, header_size> p{};
    p[0] = (0 << 6) | (4 << 3) | 3;  // LI 0, VN 4, mode 3 (client)
    for (int i = 0; i < 8; ++i) p[40 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(transmit >> (56 - 8 * i));
    return p;
}

std::variant<Reply, std::string> decode_reply(std::span<const std::uint8_t> b, std::uint64_t sent_transmit) {
    if (b.size() < header_size)
        return "reply truncated: " + std::to_string(b.size()) + " bytes, an NTP header is " + std::to_string(header_size);
    if (b.size() > max_reply_size)
        return "reply oversized: " + std::to_string(b.size()) + " bytes, at most " + std::to_string(max_reply_size) +
               " (a header and a MAC; this client asks for no extension fields)";
    Reply r;
    r.leap = b[0] >> 6;
    r.version = (b[0] >> 3) & 7;
    const int mode = b[0] & 7;
    r.stratum = b[1];
    r.reference_id = static_cast<std::uint32_t>(be(b, 12, 4));
    if (mode != 4) return "not a server's reply: mode " + std::to_string(mode) + ", 4 expected";
    if (r.version < 1 || r.version > 4) return "NTP version " + std::to_string(r.version) + " unknown (1-4)";
    const std::uint64_t originate = be(b, 24, 8);
    // Section 5: the Originate Timestamp must be the request's Transmit Timestamp, or the reply
    // answers someone else (or an old request).
    if (originate != sent_transmit) return "reply not to our request (its originate timestamp differs)";
    if (r.stratum == 0) {
        std::string code;
        for (std::size_t i = 12; i < 16; ++i)
            if (b[i] >= 0x20 && b[i] < 0x7f) code += static_cast<char>(b[i]);
        return "kiss-o'-death " + code + " (the server refuses to serve now)";
    }
    if (r.stratum > 15) return "stratum " + std::to_string(r.stratum) + " out of range 1-15";
    if (r.leap == 3) return "server not synchronised (leap indicator 3)";
    const std::uint64_t transmit = be(b, 40, 8);
    if (transmit == 0) return "transmit timestamp is zero";
    r.receive = from_ntp(be(b, 32, 8));
    r.transmit = from_ntp(transmit);
    return r;
}

Sample sample(hal::Time t1, hal::Time t2, hal::Time t3, hal::Time t4) {
    // Halves before summing keep the sum within range for any clock; the error is 1 ns.
    const hal::Duration offset = (t2 - t1) / 2 + (t3 - t4) / 2;
    const hal::Duration delay = std::max(hal::Duration{0}, (t4 - t1) - (t3 - t2));
    return {offset, delay};
}

}  // namespace fw::sntp
