#pragma once
// BACnet/IP encoding (ASHRAE 135 clauses 6, 20 and Annex J), our own: no BACnet library is packaged
// in Debian. Three layers, each a plain function pair over bytes:
//   BVLL (Annex J)   type 0x81, function, length; Forwarded-NPDU carries the originator's B/IP address
//   NPDU (6.2)       version 1, control, optional destination/source networks, hop count
//   APDU (20.1)      confirmed/unconfirmed requests, ACKs, Error, Reject, Abort, segment ACKs
// and the application/context tags of clause 20.2 (Writer encodes, Reader decodes with bounds checks).
// Every decoder throws DecodeError on truncated or malformed input; callers answer with the
// standard's Reject or drop the datagram.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace fw::bacnet {

using Bytes = std::vector<std::uint8_t>;

struct DecodeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// ---- enumerations used by the device (values from ASHRAE 135; names as Wireshark prints them) ----
enum class ObjectType : std::uint16_t { analog_input = 0, binary_input = 3, binary_output = 4, device = 8 };
namespace prop {
inline constexpr std::uint32_t all = 8, apdu_segment_timeout = 10, apdu_timeout = 11, application_software_version = 12,
                               cov_increment = 22, daylight_savings_status = 24, description = 28, device_address_binding = 30,
                               event_state = 36, firmware_revision = 44, local_date = 56, local_time = 57, location = 58,
                               max_apdu_length_accepted = 62, model_name = 70, number_of_apdu_retries = 73, object_identifier = 75,
                               object_list = 76, object_name = 77, object_type = 79, optional = 80, out_of_service = 81, polarity = 84,
                               present_value = 85, priority_array = 87, protocol_object_types_supported = 96,
                               protocol_services_supported = 97, protocol_version = 98, reliability = 103, relinquish_default = 104,
                               required = 105, segmentation_supported = 107, status_flags = 111, system_status = 112, units = 117,
                               utc_offset = 119, vendor_identifier = 120, vendor_name = 121, protocol_revision = 139,
                               active_cov_subscriptions = 152, database_revision = 155, max_segments_accepted = 167,
                               property_list = 371, serial_number = 372;
}
enum class ErrorClass : std::uint8_t { device = 0, object = 1, property = 2, resources = 3, security = 4, services = 5, communication = 7 };
enum class ErrorCode : std::uint16_t {
    other = 0, invalid_data_type = 9, missing_required_parameter = 16, password_failure = 26, service_request_denied = 29,
    unknown_object = 31, unknown_property = 32, value_out_of_range = 37, write_access_denied = 40, invalid_array_index = 42,
    cov_subscription_failed = 43, not_cov_property = 44, optional_functionality_not_supported = 45, property_is_not_an_array = 50,
};
enum class RejectReason : std::uint8_t {
    other = 0, buffer_overflow = 1, inconsistent_parameters = 2, invalid_parameter_data_type = 3, invalid_tag = 4,
    missing_required_parameter = 5, parameter_out_of_range = 6, too_many_arguments = 7, undefined_enumeration = 8, unrecognized_service = 9,
};
enum class AbortReason : std::uint8_t {
    other = 0, buffer_overflow = 1, invalid_apdu_in_this_state = 2, segmentation_not_supported = 4, window_size_out_of_range = 7,
    out_of_resources = 9, tsm_timeout = 10, apdu_too_long = 11,
};
namespace confirmed {
inline constexpr std::uint8_t cov_notification = 1, subscribe_cov = 5, read_property = 12, read_property_multiple = 14,
                              write_property = 15, device_communication_control = 17, reinitialize_device = 20;
}
namespace unconfirmed {
inline constexpr std::uint8_t i_am = 0, i_have = 1, cov_notification = 2, time_synchronization = 6, who_has = 7, who_is = 8,
                              utc_time_synchronization = 9;
}

struct ObjectId {
    ObjectType type = ObjectType::device;
    std::uint32_t instance = 0;  // 22 bits
    std::uint32_t encoded() const { return (static_cast<std::uint32_t>(type) << 22) | (instance & 0x3FFFFF); }
    static ObjectId decode(std::uint32_t v) { return {static_cast<ObjectType>(v >> 22), v & 0x3FFFFF}; }
    bool operator==(const ObjectId&) const = default;
    auto operator<=>(const ObjectId&) const = default;
};
inline constexpr std::uint32_t max_instance = 4194302;  // 4194303 is the wildcard

struct Date { int year = 2000, month = 1, day = 1, weekday = 6; };  // weekday 1 = Monday
struct Time { int hour = 0, minute = 0, second = 0, hundredths = 0; };

// ---- tags (20.2.1) ----
enum class App : std::uint8_t {
    null = 0, boolean = 1, unsigned_int = 2, signed_int = 3, real = 4, double_real = 5, octet_string = 6, character_string = 7,
    bit_string = 8, enumerated = 9, date = 10, time = 11, object_id = 12,
};

class Writer {
public:
    Bytes& bytes() { return out_; }
    std::size_t size() const { return out_.size(); }
    void raw(std::uint8_t b) { out_.push_back(b); }
    void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void u16(std::uint16_t v) { raw(static_cast<std::uint8_t>(v >> 8)), raw(static_cast<std::uint8_t>(v)); }

    void null();
    void boolean(bool v);
    void unsigned_int(std::uint64_t v);
    void signed_int(std::int64_t v);
    void real(float v);
    void double_real(double v);
    void octets(std::span<const std::uint8_t> v);
    void text(const std::string& utf8);          // character set 0: ISO 10646 UTF-8
    void bits(const std::vector<bool>& v);
    void enumerated(std::uint32_t v);
    void date(const Date& d);
    void time(const Time& t);
    void object_id(ObjectId id);

    void ctx_unsigned(std::uint8_t tag, std::uint64_t v);
    void ctx_enumerated(std::uint8_t tag, std::uint32_t v);
    void ctx_boolean(std::uint8_t tag, bool v);
    void ctx_object_id(std::uint8_t tag, ObjectId id);
    void open(std::uint8_t tag);
    void close(std::uint8_t tag);

private:
    void header(std::uint8_t number, bool context, std::size_t length);
    Bytes out_;
};

struct Tag {
    std::uint8_t number = 0;
    bool context = false;
    bool opening = false, closing = false;
    std::uint32_t length = 0;  // content octets; for an application boolean the value itself
};

class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
    bool done() const { return pos_ >= data_.size(); }
    std::size_t position() const { return pos_; }
    std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }

    std::optional<Tag> peek() const;  // nullopt at the end
    Tag tag();                         // throws at the end or on a malformed header
    bool next_is_context(std::uint8_t number) const;
    bool next_is_opening(std::uint8_t number) const;
    bool next_is_closing(std::uint8_t number) const;
    void expect_opening(std::uint8_t number);
    void expect_closing(std::uint8_t number);

    // Application-tagged values; throw DecodeError when the next tag is of another type.
    bool app_boolean();
    std::uint64_t app_unsigned();
    std::int64_t app_signed();
    float app_real();
    std::string app_text();
    std::uint32_t app_enumerated();
    Date app_date();
    Time app_time();
    ObjectId app_object_id();
    // Context-tagged values, with their content decoded as the service defines.
    std::uint64_t ctx_unsigned(std::uint8_t number);
    std::uint32_t ctx_enumerated(std::uint8_t number) { return static_cast<std::uint32_t>(ctx_unsigned(number)); }
    bool ctx_boolean(std::uint8_t number);
    ObjectId ctx_object_id(std::uint8_t number);
    std::string ctx_text(std::uint8_t number);
    // The next application- or context-tagged element whole, or an opening..closing group with
    // everything in it (an abstract-syntax value copied without understanding it).
    std::span<const std::uint8_t> element();

private:
    std::span<const std::uint8_t> content(const Tag& t);
    std::uint64_t unsigned_content(const Tag& t);
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
};

// ---- BVLL (Annex J) ----
namespace bvlc {
inline constexpr std::uint8_t type = 0x81;
inline constexpr std::uint8_t result = 0x00, write_bdt = 0x01, read_bdt = 0x02, read_bdt_ack = 0x03, forwarded_npdu = 0x04,
                              register_foreign_device = 0x05, read_fdt = 0x06, read_fdt_ack = 0x07, delete_fdt_entry = 0x08,
                              distribute_broadcast = 0x09, original_unicast = 0x0A, original_broadcast = 0x0B, secure_bvll = 0x0C;
// BVLC-Result codes (J.2.1.1)
inline constexpr std::uint16_t successful = 0x0000, write_bdt_nak = 0x0010, read_bdt_nak = 0x0020, register_fd_nak = 0x0030,
                               read_fdt_nak = 0x0040, delete_fdt_nak = 0x0050, distribute_broadcast_nak = 0x0060;
}  // namespace bvlc

struct IpAddress {  // a B/IP address: IPv4 and UDP port, in host order
    std::uint32_t ip = 0;
    std::uint16_t port = 0;
    bool operator==(const IpAddress&) const = default;
    auto operator<=>(const IpAddress&) const = default;
    std::string text() const;  // "127.0.0.1:47808"
};

struct Bvll {
    std::uint8_t function = 0;
    std::optional<IpAddress> originator;  // Forwarded-NPDU
    std::span<const std::uint8_t> payload;  // the NPDU, or the function's own data
};
Bvll parse_bvll(std::span<const std::uint8_t> datagram);
Bytes bvll(std::uint8_t function, std::span<const std::uint8_t> payload);
Bytes bvlc_result(std::uint16_t code);
Bytes register_foreign_device(std::uint16_t ttl_seconds);

// ---- NPDU (6.2) ----
struct NetAddress {  // a network number and a MAC on it (empty MAC: broadcast on that network)
    std::uint16_t net = 0;
    Bytes mac;
    bool operator==(const NetAddress&) const = default;
};
struct Npdu {
    bool network_message = false;
    bool expecting_reply = false;
    std::uint8_t priority = 0;
    std::optional<NetAddress> destination, source;
    std::uint8_t hop_count = 255;
    std::uint8_t message_type = 0;        // a network layer message
    std::span<const std::uint8_t> apdu;   // or the message's data
};
Npdu parse_npdu(std::span<const std::uint8_t> data);
// An NPDU carrying an APDU; `destination` set when the reply goes back through a router.
Bytes npdu(std::span<const std::uint8_t> apdu, bool expecting_reply, const std::optional<NetAddress>& destination = std::nullopt);

// ---- APDU (20.1) ----
enum class PduType : std::uint8_t {
    confirmed_request = 0, unconfirmed_request = 1, simple_ack = 2, complex_ack = 3, segment_ack = 4, error = 5, reject = 6, abort = 7,
};
struct Apdu {
    PduType type = PduType::unconfirmed_request;
    bool segmented = false, more_follows = false, segmented_response_accepted = false;
    bool negative = false, from_server = false;  // SegmentACK, Abort
    std::uint8_t max_segments = 0;               // the encoded 3 bits (0: unspecified)
    std::uint16_t max_apdu = 50;                 // decoded octets
    std::uint8_t invoke_id = 0;
    std::uint8_t sequence = 0, window = 0;       // segmented PDUs and SegmentACK
    std::uint8_t service = 0;                    // service choice; Reject/Abort reason
    std::span<const std::uint8_t> data;          // the service request or ACK
};
Apdu parse_apdu(std::span<const std::uint8_t> data);
std::uint16_t max_apdu_octets(std::uint8_t code);  // 0..5 -> 50..1476
std::uint8_t max_apdu_code(std::uint16_t octets);
unsigned max_segments_count(std::uint8_t code);    // 0: unspecified (taken as 64 by us), 7: more than 64

Bytes unconfirmed_request(std::uint8_t service, std::span<const std::uint8_t> data);
Bytes simple_ack(std::uint8_t invoke_id, std::uint8_t service);
Bytes complex_ack(std::uint8_t invoke_id, std::uint8_t service, std::span<const std::uint8_t> data);
Bytes complex_ack_segment(std::uint8_t invoke_id, std::uint8_t service, std::uint8_t sequence, std::uint8_t window, bool more,
                          std::span<const std::uint8_t> data);
Bytes error_pdu(std::uint8_t invoke_id, std::uint8_t service, ErrorClass c, ErrorCode code);
Bytes reject_pdu(std::uint8_t invoke_id, RejectReason r);
Bytes abort_pdu(std::uint8_t invoke_id, AbortReason r);
Bytes confirmed_request(std::uint8_t invoke_id, std::uint8_t service, std::span<const std::uint8_t> data);

}  // namespace fw::bacnet
