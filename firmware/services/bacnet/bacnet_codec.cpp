#include "services/bacnet/bacnet_codec.hpp"

#include <bit>
#include <cstring>

namespace fw::bacnet {

namespace {

unsigned unsigned_width(std::uint64_t v) {
    unsigned n = 1;
    while (n < 8 && (v >> (8 * n)) != 0) ++n;
    return n;
}

unsigned signed_width(std::int64_t v) {
    unsigned n = 1;
    while (n < 8) {
        const std::int64_t lo = -(std::int64_t{1} << (8 * n - 1)), hi = (std::int64_t{1} << (8 * n - 1)) - 1;
        if (v >= lo && v <= hi) break;
        ++n;
    }
    return n;
}

void put_be(Bytes& out, std::uint64_t v, unsigned width) {
    for (unsigned i = width; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint32_t be32(std::span<const std::uint8_t> b) {
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

}  // namespace

// ---- Writer ----

void Writer::header(std::uint8_t number, bool context, std::size_t length) {
    std::uint8_t first = static_cast<std::uint8_t>((number < 15 ? number : 15) << 4) | (context ? 0x08 : 0x00);
    const bool extended = length >= 5;
    first |= extended ? 5 : static_cast<std::uint8_t>(length);
    raw(first);
    if (number >= 15) raw(number);
    if (!extended) return;
    if (length < 254) {
        raw(static_cast<std::uint8_t>(length));
    } else if (length < 65536) {
        raw(254);
        u16(static_cast<std::uint16_t>(length));
    } else {
        raw(255);
        put_be(out_, length, 4);
    }
}

void Writer::null() { header(static_cast<std::uint8_t>(App::null), false, 0); }
void Writer::boolean(bool v) { raw(static_cast<std::uint8_t>((static_cast<unsigned>(App::boolean) << 4) | (v ? 1 : 0))); }
void Writer::unsigned_int(std::uint64_t v) {
    const unsigned n = unsigned_width(v);
    header(static_cast<std::uint8_t>(App::unsigned_int), false, n);
    put_be(out_, v, n);
}
void Writer::signed_int(std::int64_t v) {
    const unsigned n = signed_width(v);
    header(static_cast<std::uint8_t>(App::signed_int), false, n);
    put_be(out_, static_cast<std::uint64_t>(v), n);
}
void Writer::real(float v) {
    header(static_cast<std::uint8_t>(App::real), false, 4);
    put_be(out_, std::bit_cast<std::uint32_t>(v), 4);
}
void Writer::double_real(double v) {
    header(static_cast<std::uint8_t>(App::double_real), false, 8);
    put_be(out_, std::bit_cast<std::uint64_t>(v), 8);
}
void Writer::octets(std::span<const std::uint8_t> v) {
    header(static_cast<std::uint8_t>(App::octet_string), false, v.size());
    raw(v);
}
void Writer::text(const std::string& utf8) {
    header(static_cast<std::uint8_t>(App::character_string), false, utf8.size() + 1);
    raw(0);  // ISO 10646 (UTF-8)
    out_.insert(out_.end(), utf8.begin(), utf8.end());
}
void Writer::bits(const std::vector<bool>& v) {
    const std::size_t octets = (v.size() + 7) / 8;
    header(static_cast<std::uint8_t>(App::bit_string), false, octets + 1);
    raw(static_cast<std::uint8_t>(octets * 8 - v.size()));
    for (std::size_t o = 0; o < octets; ++o) {
        std::uint8_t b = 0;
        for (std::size_t i = 0; i < 8 && o * 8 + i < v.size(); ++i)
            if (v[o * 8 + i]) b |= static_cast<std::uint8_t>(0x80 >> i);
        raw(b);
    }
}
void Writer::enumerated(std::uint32_t v) {
    const unsigned n = unsigned_width(v);
    header(static_cast<std::uint8_t>(App::enumerated), false, n);
    put_be(out_, v, n);
}
void Writer::date(const Date& d) {
    header(static_cast<std::uint8_t>(App::date), false, 4);
    raw(static_cast<std::uint8_t>(d.year - 1900)), raw(static_cast<std::uint8_t>(d.month)), raw(static_cast<std::uint8_t>(d.day)),
        raw(static_cast<std::uint8_t>(d.weekday));
}
void Writer::time(const Time& t) {
    header(static_cast<std::uint8_t>(App::time), false, 4);
    raw(static_cast<std::uint8_t>(t.hour)), raw(static_cast<std::uint8_t>(t.minute)), raw(static_cast<std::uint8_t>(t.second)),
        raw(static_cast<std::uint8_t>(t.hundredths));
}
void Writer::object_id(ObjectId id) {
    header(static_cast<std::uint8_t>(App::object_id), false, 4);
    put_be(out_, id.encoded(), 4);
}
void Writer::ctx_unsigned(std::uint8_t tag, std::uint64_t v) {
    const unsigned n = unsigned_width(v);
    header(tag, true, n);
    put_be(out_, v, n);
}
void Writer::ctx_enumerated(std::uint8_t tag, std::uint32_t v) { ctx_unsigned(tag, v); }
void Writer::ctx_boolean(std::uint8_t tag, bool v) {
    header(tag, true, 1);
    raw(v ? 1 : 0);
}
void Writer::ctx_object_id(std::uint8_t tag, ObjectId id) {
    header(tag, true, 4);
    put_be(out_, id.encoded(), 4);
}
void Writer::open(std::uint8_t tag) {
    raw(static_cast<std::uint8_t>(((tag < 15 ? tag : 15) << 4) | 0x0E));
    if (tag >= 15) raw(tag);
}
void Writer::close(std::uint8_t tag) {
    raw(static_cast<std::uint8_t>(((tag < 15 ? tag : 15) << 4) | 0x0F));
    if (tag >= 15) raw(tag);
}

// ---- Reader ----

std::optional<Tag> Reader::peek() const {
    if (done()) return std::nullopt;
    Reader copy = *this;
    return copy.tag();
}

Tag Reader::tag() {
    auto need = [&](std::size_t n) {
        if (pos_ + n > data_.size()) throw DecodeError("truncated tag");
    };
    need(1);
    const std::uint8_t first = data_[pos_++];
    Tag t;
    t.number = first >> 4;
    t.context = (first & 0x08) != 0;
    if (t.number == 15) {
        need(1);
        t.number = data_[pos_++];
    }
    const std::uint8_t lvt = first & 0x07;
    if (t.context && lvt == 6) {
        t.opening = true;
        return t;
    }
    if (t.context && lvt == 7) {
        t.closing = true;
        return t;
    }
    if (!t.context && lvt > 5) throw DecodeError("an application tag with an opening or closing length");
    if (!t.context && t.number == static_cast<std::uint8_t>(App::boolean)) {
        if (lvt > 1) throw DecodeError("a boolean other than 0 or 1");
        t.length = lvt;
        return t;
    }
    if (lvt < 5) {
        t.length = lvt;
    } else {
        need(1);
        const std::uint8_t l = data_[pos_++];
        if (l < 254) {
            t.length = l;
        } else if (l == 254) {
            need(2);
            t.length = (std::uint32_t{data_[pos_]} << 8) | data_[pos_ + 1];
            pos_ += 2;
        } else {
            need(4);
            t.length = be32(data_.subspan(pos_, 4));
            pos_ += 4;
        }
    }
    if (t.length > data_.size() - pos_) throw DecodeError("a tag longer than the data");
    return t;
}

bool Reader::next_is_context(std::uint8_t number) const {
    const auto t = peek();
    return t && t->context && !t->opening && !t->closing && t->number == number;
}
bool Reader::next_is_opening(std::uint8_t number) const {
    const auto t = peek();
    return t && t->opening && t->number == number;
}
bool Reader::next_is_closing(std::uint8_t number) const {
    const auto t = peek();
    return t && t->closing && t->number == number;
}
void Reader::expect_opening(std::uint8_t number) {
    const Tag t = tag();
    if (!t.opening || t.number != number) throw DecodeError("expected opening tag " + std::to_string(number));
}
void Reader::expect_closing(std::uint8_t number) {
    const Tag t = tag();
    if (!t.closing || t.number != number) throw DecodeError("expected closing tag " + std::to_string(number));
}

std::span<const std::uint8_t> Reader::content(const Tag& t) {
    auto c = data_.subspan(pos_, t.length);
    pos_ += t.length;
    return c;
}

std::uint64_t Reader::unsigned_content(const Tag& t) {
    if (t.length < 1 || t.length > 8) throw DecodeError("an unsigned of " + std::to_string(t.length) + " octets");
    std::uint64_t v = 0;
    for (auto b : content(t)) v = (v << 8) | b;
    return v;
}

namespace {
Tag expect_app(Reader& r, App type) {
    const Tag t = r.tag();
    if (t.context || t.opening || t.closing || t.number != static_cast<std::uint8_t>(type))
        throw DecodeError("expected application tag " + std::to_string(static_cast<int>(type)));
    return t;
}
}  // namespace

bool Reader::app_boolean() { return expect_app(*this, App::boolean).length == 1; }
std::uint64_t Reader::app_unsigned() { return unsigned_content(expect_app(*this, App::unsigned_int)); }
std::int64_t Reader::app_signed() {
    const Tag t = expect_app(*this, App::signed_int);
    if (t.length < 1 || t.length > 8) throw DecodeError("a signed of " + std::to_string(t.length) + " octets");
    const auto c = content(t);
    std::int64_t v = (c[0] & 0x80) ? -1 : 0;
    for (auto b : c) v = static_cast<std::int64_t>((static_cast<std::uint64_t>(v) << 8) | b);
    return v;
}
float Reader::app_real() {
    const Tag t = expect_app(*this, App::real);
    if (t.length != 4) throw DecodeError("a REAL of " + std::to_string(t.length) + " octets");
    return std::bit_cast<float>(be32(content(t)));
}
std::string Reader::app_text() {
    const Tag t = expect_app(*this, App::character_string);
    if (t.length < 1) throw DecodeError("a character string without its character set");
    const auto c = content(t);
    if (c[0] != 0) throw DecodeError("a character set other than UTF-8");
    return std::string(c.begin() + 1, c.end());
}
std::uint32_t Reader::app_enumerated() {
    const Tag t = expect_app(*this, App::enumerated);
    if (t.length > 4) throw DecodeError("an enumeration of " + std::to_string(t.length) + " octets");
    return static_cast<std::uint32_t>(unsigned_content(t));
}
Date Reader::app_date() {
    const Tag t = expect_app(*this, App::date);
    if (t.length != 4) throw DecodeError("a date of " + std::to_string(t.length) + " octets");
    const auto c = content(t);
    return {c[0] + 1900, c[1], c[2], c[3]};
}
Time Reader::app_time() {
    const Tag t = expect_app(*this, App::time);
    if (t.length != 4) throw DecodeError("a time of " + std::to_string(t.length) + " octets");
    const auto c = content(t);
    return {c[0], c[1], c[2], c[3]};
}
ObjectId Reader::app_object_id() {
    const Tag t = expect_app(*this, App::object_id);
    if (t.length != 4) throw DecodeError("an object identifier of " + std::to_string(t.length) + " octets");
    return ObjectId::decode(be32(content(t)));
}

namespace {
Tag expect_ctx(Reader& r, std::uint8_t number) {
    const Tag t = r.tag();
    if (!t.context || t.opening || t.closing || t.number != number) throw DecodeError("expected context tag " + std::to_string(number));
    return t;
}
}  // namespace

std::uint64_t Reader::ctx_unsigned(std::uint8_t number) { return unsigned_content(expect_ctx(*this, number)); }
bool Reader::ctx_boolean(std::uint8_t number) {
    const Tag t = expect_ctx(*this, number);
    if (t.length != 1) throw DecodeError("a context boolean of " + std::to_string(t.length) + " octets");
    const auto c = content(t);
    if (c[0] > 1) throw DecodeError("a boolean other than 0 or 1");
    return c[0] == 1;
}
ObjectId Reader::ctx_object_id(std::uint8_t number) {
    const Tag t = expect_ctx(*this, number);
    if (t.length != 4) throw DecodeError("an object identifier of " + std::to_string(t.length) + " octets");
    return ObjectId::decode(be32(content(t)));
}
std::string Reader::ctx_text(std::uint8_t number) {
    const Tag t = expect_ctx(*this, number);
    if (t.length < 1) throw DecodeError("a character string without its character set");
    const auto c = content(t);
    if (c[0] != 0) throw DecodeError("a character set other than UTF-8");
    return std::string(c.begin() + 1, c.end());
}

std::span<const std::uint8_t> Reader::element() {
    const std::size_t start = pos_;
    const Tag first = tag();
    if (first.closing) throw DecodeError("a closing tag where a value was expected");
    if (first.opening) {
        // Nesting is bounded by the datagram: each level takes at least one octet.
        int depth = 1;
        while (depth > 0) {
            const Tag t = tag();
            if (t.opening) {
                ++depth;
            } else if (t.closing) {
                if (--depth == 0 && t.number != first.number) throw DecodeError("a closing tag of another number");
            } else if (!(!t.context && t.number == static_cast<std::uint8_t>(App::boolean))) {
                pos_ += t.length;
            }
        }
    } else if (!(!first.context && first.number == static_cast<std::uint8_t>(App::boolean))) {
        pos_ += first.length;
    }
    return data_.subspan(start, pos_ - start);
}

// ---- BVLL ----

std::string IpAddress::text() const {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) + "." +
           std::to_string(ip & 255) + ":" + std::to_string(port);
}

Bvll parse_bvll(std::span<const std::uint8_t> d) {
    if (d.size() < 4) throw DecodeError("a BVLL shorter than its header");
    if (d[0] != bvlc::type) throw DecodeError("not BACnet/IP (BVLC type " + std::to_string(d[0]) + ")");
    const std::size_t length = (std::size_t{d[2]} << 8) | d[3];
    if (length != d.size()) throw DecodeError("a BVLL length of " + std::to_string(length) + " in a datagram of " + std::to_string(d.size()));
    Bvll b;
    b.function = d[1];
    b.payload = d.subspan(4);
    if (b.function == bvlc::forwarded_npdu) {
        if (b.payload.size() < 6) throw DecodeError("a Forwarded-NPDU without its originator");
        b.originator = IpAddress{be32(b.payload), static_cast<std::uint16_t>((b.payload[4] << 8) | b.payload[5])};
        b.payload = b.payload.subspan(6);
    }
    return b;
}

Bytes bvll(std::uint8_t function, std::span<const std::uint8_t> payload) {
    Bytes out{bvlc::type, function};
    put_be(out, payload.size() + 4, 2);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Bytes bvlc_result(std::uint16_t code) {
    const std::uint8_t p[2] = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
    return bvll(bvlc::result, p);
}

Bytes register_foreign_device(std::uint16_t ttl_seconds) {
    const std::uint8_t p[2] = {static_cast<std::uint8_t>(ttl_seconds >> 8), static_cast<std::uint8_t>(ttl_seconds)};
    return bvll(bvlc::register_foreign_device, p);
}

// ---- NPDU ----

Npdu parse_npdu(std::span<const std::uint8_t> d) {
    std::size_t p = 0;
    auto need = [&](std::size_t n) {
        if (p + n > d.size()) throw DecodeError("a truncated NPDU");
    };
    need(2);
    if (d[0] != 1) throw DecodeError("NPDU version " + std::to_string(d[0]));
    const std::uint8_t control = d[1];
    p = 2;
    Npdu n;
    n.network_message = control & 0x80;
    n.expecting_reply = control & 0x04;
    n.priority = control & 0x03;
    auto address = [&]() {
        need(3);
        NetAddress a;
        a.net = static_cast<std::uint16_t>((d[p] << 8) | d[p + 1]);
        const std::uint8_t len = d[p + 2];
        p += 3;
        need(len);
        a.mac.assign(d.begin() + static_cast<std::ptrdiff_t>(p), d.begin() + static_cast<std::ptrdiff_t>(p + len));
        p += len;
        return a;
    };
    if (control & 0x20) n.destination = address();
    if (control & 0x08) {
        n.source = address();
        if (n.source->net == 0xFFFF || n.source->mac.empty()) throw DecodeError("an NPDU source that is a broadcast");
    }
    if (n.destination) {
        need(1);
        n.hop_count = d[p++];
    }
    if (n.network_message) {
        need(1);
        n.message_type = d[p++];
        if (n.message_type >= 0x80) {
            need(2);
            p += 2;  // vendor id
        }
    }
    n.apdu = d.subspan(p);
    return n;
}

Bytes npdu(std::span<const std::uint8_t> apdu, bool expecting_reply, const std::optional<NetAddress>& destination) {
    Bytes out{1, static_cast<std::uint8_t>((expecting_reply ? 0x04 : 0x00) | (destination ? 0x20 : 0x00))};
    if (destination) {
        put_be(out, destination->net, 2);
        out.push_back(static_cast<std::uint8_t>(destination->mac.size()));
        out.insert(out.end(), destination->mac.begin(), destination->mac.end());
        out.push_back(255);  // hop count
    }
    out.insert(out.end(), apdu.begin(), apdu.end());
    return out;
}

// ---- APDU ----

std::uint16_t max_apdu_octets(std::uint8_t code) {
    static constexpr std::uint16_t sizes[] = {50, 128, 206, 480, 1024, 1476};
    return code < 6 ? sizes[code] : 50;
}
std::uint8_t max_apdu_code(std::uint16_t octets) {
    std::uint8_t c = 0;
    while (c < 5 && max_apdu_octets(static_cast<std::uint8_t>(c + 1)) <= octets) ++c;
    return c;
}
unsigned max_segments_count(std::uint8_t code) {
    static constexpr unsigned counts[] = {64, 2, 4, 8, 16, 32, 64, 255};
    return counts[code & 7];
}

Apdu parse_apdu(std::span<const std::uint8_t> d) {
    if (d.empty()) throw DecodeError("an empty APDU");
    Apdu a;
    a.type = static_cast<PduType>(d[0] >> 4);
    auto need = [&](std::size_t n) {
        if (d.size() < n) throw DecodeError("a truncated APDU");
    };
    std::size_t p = 0;
    switch (a.type) {
        case PduType::confirmed_request:
            need(4);
            a.segmented = d[0] & 0x08;
            a.more_follows = d[0] & 0x04;
            a.segmented_response_accepted = d[0] & 0x02;
            a.max_segments = (d[1] >> 4) & 0x07;
            a.max_apdu = max_apdu_octets(d[1] & 0x0F);
            a.invoke_id = d[2];
            p = 3;
            if (a.segmented) {
                need(6);
                a.sequence = d[3];
                a.window = d[4];
                p = 5;
            }
            a.service = d[p++];
            break;
        case PduType::unconfirmed_request:
            need(2);
            a.service = d[1];
            p = 2;
            break;
        case PduType::simple_ack:
            need(3);
            a.invoke_id = d[1];
            a.service = d[2];
            p = 3;
            break;
        case PduType::complex_ack:
            need(3);
            a.segmented = d[0] & 0x08;
            a.more_follows = d[0] & 0x04;
            a.invoke_id = d[1];
            p = 2;
            if (a.segmented) {
                need(5);
                a.sequence = d[2];
                a.window = d[3];
                p = 4;
            }
            a.service = d[p++];
            break;
        case PduType::segment_ack:
            need(4);
            a.negative = d[0] & 0x02;
            a.from_server = d[0] & 0x01;
            a.invoke_id = d[1];
            a.sequence = d[2];
            a.window = d[3];
            p = 4;
            break;
        case PduType::error:
            need(3);
            a.invoke_id = d[1];
            a.service = d[2];
            p = 3;
            break;
        case PduType::reject:
        case PduType::abort:
            need(3);
            a.from_server = d[0] & 0x01;
            a.invoke_id = d[1];
            a.service = d[2];
            p = 3;
            break;
        default:
            throw DecodeError("APDU type " + std::to_string(d[0] >> 4));
    }
    a.data = d.subspan(p);
    return a;
}

Bytes unconfirmed_request(std::uint8_t service, std::span<const std::uint8_t> data) {
    Bytes out{0x10, service};
    out.insert(out.end(), data.begin(), data.end());
    return out;
}
Bytes simple_ack(std::uint8_t invoke_id, std::uint8_t service) { return {0x20, invoke_id, service}; }
Bytes complex_ack(std::uint8_t invoke_id, std::uint8_t service, std::span<const std::uint8_t> data) {
    Bytes out{0x30, invoke_id, service};
    out.insert(out.end(), data.begin(), data.end());
    return out;
}
Bytes complex_ack_segment(std::uint8_t invoke_id, std::uint8_t service, std::uint8_t sequence, std::uint8_t window, bool more,
                          std::span<const std::uint8_t> data) {
    Bytes out{static_cast<std::uint8_t>(0x38 | (more ? 0x04 : 0x00)), invoke_id, sequence, window, service};
    out.insert(out.end(), data.begin(), data.end());
    return out;
}
Bytes error_pdu(std::uint8_t invoke_id, std::uint8_t service, ErrorClass c, ErrorCode code) {
    Writer w;
    w.raw(0x50), w.raw(invoke_id), w.raw(service);
    w.enumerated(static_cast<std::uint32_t>(c));
    w.enumerated(static_cast<std::uint32_t>(code));
    return std::move(w.bytes());
}
Bytes reject_pdu(std::uint8_t invoke_id, RejectReason r) { return {0x60, invoke_id, static_cast<std::uint8_t>(r)}; }
Bytes abort_pdu(std::uint8_t invoke_id, AbortReason r) { return {0x71, invoke_id, static_cast<std::uint8_t>(r)}; }
Bytes confirmed_request(std::uint8_t invoke_id, std::uint8_t service, std::span<const std::uint8_t> data) {
    // Not segmented, segmented response not accepted, max APDU 1476.
    Bytes out{0x00, 0x05, invoke_id, service};
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

}  // namespace fw::bacnet
