#include <catch2/catch.hpp>

#include <vector>

#include "services/ntp/sntp_packet.hpp"

using namespace fw;

namespace {

// A server's reply as RFC 4330 section 4 lays it out.
std::vector<std::uint8_t> reply(std::uint64_t originate, std::uint64_t receive, std::uint64_t transmit, int li = 0, int vn = 4, int mode = 4,
                                int stratum = 8) {
    std::vector<std::uint8_t> b(48, 0);
    b[0] = static_cast<std::uint8_t>((li << 6) | (vn << 3) | mode);
    b[1] = static_cast<std::uint8_t>(stratum);
    auto put = [&b](std::size_t at, std::uint64_t v) {
        for (int i = 0; i < 8; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    };
    put(24, originate);
    put(32, receive);
    put(40, transmit);
    return b;
}

const hal::Time t0 = std::chrono::seconds(1767225600);  // 2026-01-01T00:00:00Z

}  // namespace

TEST_CASE("NTP timestamps: 1900 epoch, binary fraction, era 1 after 2036") {
    CHECK(sntp::to_ntp(hal::Time{0}) == (std::uint64_t{2208988800} << 32));
    CHECK(sntp::from_ntp(sntp::to_ntp(t0 + std::chrono::milliseconds(500))) - (t0 + std::chrono::milliseconds(500)) < std::chrono::nanoseconds(2));
    CHECK((sntp::to_ntp(hal::Time{std::chrono::milliseconds(500)}) & 0xffffffffu) == 0x80000000u);
    const hal::Time y2040 = std::chrono::seconds(2208988800);  // 2040-01-01: seconds wrapped past 2^32
    CHECK(sntp::from_ntp(sntp::to_ntp(y2040)) == y2040);
}

TEST_CASE("a request is 48 bytes: version 4, mode 3, our transmit timestamp") {
    const auto p = sntp::request(0x0102030405060708u);
    CHECK(p[0] == 0x23);
    CHECK(p[40] == 1);
    CHECK(p[47] == 8);
}

TEST_CASE("a good reply gives the offset and delay of RFC 4330 section 5") {
    const auto sent = sntp::to_ntp(t0);
    const auto t2 = t0 + std::chrono::seconds(3600) + std::chrono::milliseconds(10);
    const auto t3 = t2 + std::chrono::milliseconds(1);
    const auto r = sntp::decode_reply(reply(sent, sntp::to_ntp(t2), sntp::to_ntp(t3)), sent);
    REQUIRE(std::holds_alternative<sntp::Reply>(r));
    const auto& rep = std::get<sntp::Reply>(r);
    CHECK(rep.stratum == 8);
    const auto s = sntp::sample(sntp::from_ntp(sent), rep.receive, rep.transmit, t0 + std::chrono::milliseconds(20));
    // t2 - t1 = 3600.010, t3 - t4 = 3599.991: offset 3600.0005 s; delay 20 - 1 = 19 ms.
    CHECK(std::abs(hal::to_seconds(s.offset) - 3600.0005) < 1e-6);
    CHECK(std::abs(hal::to_seconds(s.delay) - 0.019) < 1e-6);
    // A MAC after the header is allowed.
    auto with_mac = reply(sent, sntp::to_ntp(t2), sntp::to_ntp(t3));
    with_mac.resize(sntp::max_reply_size, 0xaa);
    CHECK(std::holds_alternative<sntp::Reply>(sntp::decode_reply(with_mac, sent)));
}

TEST_CASE("malformed, truncated, oversized and unbelievable replies are refused with what is wrong") {
    const auto sent = sntp::to_ntp(t0);
    const auto good = reply(sent, sntp::to_ntp(t0), sntp::to_ntp(t0));
    auto why = [sent](const std::vector<std::uint8_t>& b) {
        const auto r = sntp::decode_reply(b, sent);
        return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string("accepted");
    };
    for (std::size_t n = 0; n < 48; ++n) CHECK_THAT(why({good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)}), Catch::Contains("truncated"));
    auto big = good;
    big.resize(sntp::max_reply_size + 1);
    CHECK_THAT(why(big), Catch::Contains("oversized"));
    CHECK_THAT(why(reply(sent, 1, 1, 0, 4, 3)), Catch::Contains("mode 3"));
    CHECK_THAT(why(reply(sent, 1, 1, 0, 0)), Catch::Contains("version 0"));
    CHECK_THAT(why(reply(sent + 1, 1, 1)), Catch::Contains("not to our request"));
    CHECK_THAT(why(reply(sent, 1, 1, 3)), Catch::Contains("not synchronised"));
    CHECK_THAT(why(reply(sent, 1, 1, 0, 4, 4, 16)), Catch::Contains("stratum 16"));
    CHECK_THAT(why(reply(sent, 1, 0)), Catch::Contains("transmit timestamp is zero"));
    auto kod = reply(sent, 1, 1, 0, 4, 4, 0);
    kod[12] = 'R', kod[13] = 'A', kod[14] = 'T', kod[15] = 'E';
    CHECK_THAT(why(kod), Catch::Contains("kiss-o'-death RATE"));
    CHECK(why(good) == "accepted");
}
