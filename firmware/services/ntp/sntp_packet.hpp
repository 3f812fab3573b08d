#pragma once
// SNTP (RFC 4330, client side): the 48-byte request the module sends and the checks a server's
// reply must pass before its time is believed (section 5), with the offset and round-trip delay
// from the four timestamps. Time is an input: nothing here reads a clock.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "hal/time.hpp"

namespace fw::sntp {

inline constexpr std::size_t header_size = 48;
// A reply may carry a MAC after the header (key id + a digest of up to 20 bytes, RFC 5905 7.3);
// this client asks for no extension fields, so anything longer is refused as oversized.
inline constexpr std::size_t max_reply_size = header_size + 4 + 20;

// NTP's 64-bit timestamp (seconds since 1900 and a binary fraction) of a Unix-epoch time, and
// back; era 1 (from 2036-02-07) is taken for seconds below 2^31 (RFC 4330 section 3).
std::uint64_t to_ntp(hal::Time t);
hal::Time from_ntp(std::uint64_t ntp);

// A client request (LI 0, version 4, mode 3) whose Transmit Timestamp is `transmit`.
std::array<std::uint8_t, header_size> request(std::uint64_t transmit);

struct Reply {
    int leap = 0, version = 0, stratum = 0;
    std::uint32_t reference_id = 0;
    hal::Time receive{}, transmit{};  // T2 and T3, the server's
};

// The reply to the request sent with `sent_transmit`, or why it is not believed (the text says what
// was wrong: truncated, oversized, not a server's, kiss-o'-death code, unsynchronised, not ours).
std::variant<Reply, std::string> decode_reply(std::span<const std::uint8_t> bytes, std::uint64_t sent_transmit);

struct Sample {
    hal::Duration offset;  // add to the device clock
    hal::Duration delay;   // round trip less the server's processing (at least 0)
};
// RFC 4330 section 5: t1 sent, t2 server received, t3 server sent, t4 received (t1, t4 device time).
Sample sample(hal::Time t1, hal::Time t2, hal::Time t3, hal::Time t4);

}  // namespace fw::sntp
