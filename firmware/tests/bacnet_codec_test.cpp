// BACnet encoding (services/bacnet/bacnet_codec.hpp) against ASHRAE 135's own example octets
// (Annex F: ReadProperty of analog-input 5's present value and its ACK), round trips of every tag
// type, and seeded random and truncated input: a DecodeError or a value, never anything else.
#include <catch2/catch.hpp>

#include <random>

#include "services/bacnet/bacnet_codec.hpp"

using namespace fw::bacnet;

TEST_CASE("bacnet codec: the standard's ReadProperty example, request and ACK") {
    const Bytes request{0x00, 0x04, 0x01, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x05, 0x19, 0x55};
    const Apdu a = parse_apdu(request);
    CHECK(a.type == PduType::confirmed_request);
    CHECK(a.max_apdu == 1024);
    CHECK(a.invoke_id == 1);
    CHECK(a.service == confirmed::read_property);
    Reader r(a.data);
    CHECK(r.ctx_object_id(0) == ObjectId{ObjectType::analog_input, 5});
    CHECK(r.ctx_enumerated(1) == prop::present_value);
    CHECK(r.done());

    Writer w;
    w.ctx_object_id(0, {ObjectType::analog_input, 5});
    w.ctx_enumerated(1, prop::present_value);
    w.open(3);
    w.real(72.0f);
    w.close(3);
    CHECK(complex_ack(1, confirmed::read_property, w.bytes()) ==
          Bytes{0x30, 0x01, 0x0C, 0x0C, 0x00, 0x00, 0x00, 0x05, 0x19, 0x55, 0x3E, 0x44, 0x42, 0x90, 0x00, 0x00, 0x3F});
}

TEST_CASE("bacnet codec: application values round trip, with minimal widths and long lengths") {
    Writer w;
    w.null();
    w.boolean(true);
    w.unsigned_int(0);
    w.unsigned_int(4194302);
    w.signed_int(-300);
    w.real(-1.5f);
    w.text("AcuRev2100-Va_V");
    w.text(std::string(300, 'x'));  // a 2-octet extended length
    w.enumerated(12);
    w.date({2026, 12, 3, 4});
    w.time({23, 59, 58, 99});
    w.object_id({ObjectType::device, 100});
    w.bits({false, true, false, false});
    const auto& b = w.bytes();
    CHECK(b[2] == 0x21);  // unsigned 0 in one octet
    Reader r(b);
    CHECK(r.tag().number == 0);
    CHECK(r.app_boolean());
    CHECK(r.app_unsigned() == 0);
    CHECK(r.app_unsigned() == 4194302);
    CHECK(r.app_signed() == -300);
    CHECK(r.app_real() == -1.5f);
    CHECK(r.app_text() == "AcuRev2100-Va_V");
    CHECK(r.app_text() == std::string(300, 'x'));
    CHECK(r.app_enumerated() == 12);
    const Date d = r.app_date();
    CHECK((d.year == 2026 && d.month == 12 && d.day == 3 && d.weekday == 4));
    const Time t = r.app_time();
    CHECK((t.hour == 23 && t.minute == 59 && t.second == 58 && t.hundredths == 99));
    CHECK(r.app_object_id() == ObjectId{ObjectType::device, 100});
    const auto bits = r.element();
    CHECK(Bytes(bits.begin(), bits.end()) == Bytes{0x82, 0x04, 0x40});  // 4 unused bits, fault set
    CHECK(r.done());
}

TEST_CASE("bacnet codec: BVLL and NPDU with a routed source; malformed headers refused") {
    const Bytes apdu = unconfirmed_request(unconfirmed::who_is, {});
    const Bytes d = bvll(bvlc::original_unicast, npdu(apdu, false, NetAddress{5, {0x0A}}));
    const Bvll b = parse_bvll(d);
    CHECK(b.function == bvlc::original_unicast);
    const Npdu n = parse_npdu(b.payload);
    REQUIRE(n.destination);
    CHECK(n.destination->net == 5);
    CHECK(n.destination->mac == Bytes{0x0A});
    CHECK(Bytes(n.apdu.begin(), n.apdu.end()) == apdu);

    Bytes wrong_length = d;
    wrong_length[3] += 1;
    CHECK_THROWS_AS(parse_bvll(wrong_length), DecodeError);
    CHECK_THROWS_AS(parse_bvll(Bytes{0x82, 0x0A, 0x00, 0x04}), DecodeError);  // BACnet/IPv6 or another protocol
    CHECK_THROWS_AS(parse_npdu(Bytes{0x02, 0x00}), DecodeError);              // NPDU version 2
    CHECK_THROWS_AS(parse_npdu(Bytes{0x01, 0x20, 0x00, 0x05, 0x06, 0x01}), DecodeError);  // a DADR longer than the data
}

TEST_CASE("bacnet codec: nested groups are copied whole; a closing tag of another number is refused") {
    Writer w;
    w.open(3);
    w.open(15);  // extended tag number
    w.real(1);
    w.close(15);
    w.close(3);
    w.unsigned_int(7);
    Reader r(w.bytes());
    CHECK(r.element().size() == w.size() - 2);
    CHECK(r.app_unsigned() == 7);

    const Bytes mismatched{0x3E, 0x21, 0x01, 0x4F};
    Reader bad(mismatched);
    CHECK_THROWS_AS(bad.element(), DecodeError);
}

TEST_CASE("bacnet codec: seeded random and truncated datagrams decode or throw DecodeError, nothing else") {
    std::mt19937 rng(2100);
    std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
    Writer w;
    w.ctx_object_id(0, {ObjectType::analog_input, 8192});
    w.open(1);
    w.ctx_enumerated(0, prop::present_value);
    w.ctx_unsigned(1, 3);
    w.close(1);
    const Bytes valid = bvll(bvlc::original_unicast, npdu(confirmed_request(7, confirmed::read_property_multiple, w.bytes()), true));
    auto decode_all = [](std::span<const std::uint8_t> data) {
        try {
            const auto b = parse_bvll(data);
            const auto n = parse_npdu(b.payload);
            const auto a = parse_apdu(n.apdu);
            Reader r(a.data);
            while (!r.done()) r.element();
        } catch (const DecodeError&) {
        }
    };
    for (std::size_t cut = 0; cut <= valid.size(); ++cut) decode_all(std::span(valid).first(cut));
    for (int i = 0; i < 20000; ++i) {
        Bytes d = valid;
        if (i % 2) {
            d.resize(static_cast<std::size_t>(len(rng)));
            for (auto& x : d) x = static_cast<std::uint8_t>(byte(rng));
        } else {
            for (int k = 0; k < 3; ++k) d[static_cast<std::size_t>(byte(rng)) % d.size()] = static_cast<std::uint8_t>(byte(rng));
        }
        decode_all(d);
    }
    SUCCEED("20,000 random datagrams decoded or refused");
}
