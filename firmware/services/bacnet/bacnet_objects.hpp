#pragma once
// The module's BACnet objects (web manual 7.8; docs/bacnet-pics.md is generated from this file's
// tables): one Device, an Analog Input per published catalogue parameter (instance = its module
// register, `AcuRev2100-<key>`, units and description from the catalogue), a Binary Input per
// digital input and a commandable Binary Output per relay. Values are read from the data model
// at the instant asked, as Modbus TCP serves them; a value the board has not answered for is
// flagged (status-flags fault, reliability communication-failure).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hal/clock.hpp"
#include "hal/device_clock.hpp"
#include "services/bacnet/bacnet_codec.hpp"

namespace fw {
struct Parameter;
class DataModel;
}  // namespace fw

namespace fw::bacnet {

inline constexpr std::uint16_t vendor_id = 631;  // Accuenergy (Canada) Inc. (ASHRAE's list, as Wireshark names it)
inline constexpr const char* vendor_name = "Accuenergy";
inline constexpr std::uint16_t our_max_apdu = 1476;  // B/IP's largest
inline constexpr unsigned max_segments = 64;         // segments of a response we send at most
inline constexpr std::uint8_t window_size = 16;      // the window we propose when sending a segmented response
inline constexpr int protocol_revision = 14;         // ASHRAE 135-2012
inline constexpr unsigned apdu_timeout_ms = 3000, apdu_retries = 3, segment_timeout_ms = 2000;

struct DeviceInfo {
    std::uint32_t instance = 100;
    std::string name, location, description;
    std::string model_name = "AcuRev 2100-WEB2";
    std::string firmware_revision, software_version, serial;
};

struct Failure {
    ErrorClass error_class;
    ErrorCode code;
};

// The properties an object type has (clause 12), with which are required.
struct PropertySpec {
    std::uint32_t id;
    bool required;
    bool writable = false;
};
const std::vector<PropertySpec>& properties_of(ObjectType t);
const char* type_name(ObjectType t);        // "analog-input"
const char* property_name(std::uint32_t p);  // "present-value"
// The protocol services we execute, by their bit in Protocol_Services_Supported (confirmed ones by
// their service choice, unconfirmed ones after them): for the Device object and the PICS.
struct ServiceClaim {
    unsigned bit;
    const char* name;
    const char* bibb;  // the building block it belongs to
};
const std::vector<ServiceClaim>& services_supported();
const char* unit_text(std::uint16_t code);  // BACnetEngineeringUnits name: "volts"

class ObjectDb {
public:
    ObjectDb(DeviceInfo device, const DataModel& model, const hal::Clock& clock, const hal::DeviceClock& device_clock);

    const DeviceInfo& device() const { return device_; }
    ObjectId device_id() const { return {ObjectType::device, device_.instance}; }
    bool exists(ObjectId id) const { return index_.count(id) != 0; }
    const std::vector<ObjectId>& objects() const { return ids_; }  // the Device first, then by type and instance
    std::optional<ObjectId> find_by_name(const std::string& name) const;
    std::string name_of(ObjectId id) const;

    // Encodes the value of `property` (one element when `index` is given; 0: the array's size).
    std::optional<Failure> read(ObjectId id, std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const;
    // The properties ALL, REQUIRED or OPTIONAL stand for (RPM), in property-list order.
    std::vector<std::uint32_t> expand(ObjectId id, std::uint32_t special) const;

    // WriteProperty. A relay command is handed back for the service to forward to the board.
    struct RelayCommand {
        unsigned relay;  // 0-based
        bool on;
    };
    struct WriteOutcome {
        std::optional<Failure> failure;
        std::optional<RelayCommand> relay;
    };
    WriteOutcome write(ObjectId id, std::uint32_t property, std::optional<std::uint32_t> index, std::span<const std::uint8_t> value,
                       std::optional<unsigned> priority, bool relay_writes_allowed);

    // COV (DS-COV-B): the monitored value and whether it is in fault; its increment (0 for binary).
    struct CovValue {
        double value = 0;
        bool fault = false;
    };
    std::optional<CovValue> cov_value(ObjectId id) const;
    double cov_increment(ObjectId id) const;
    void cov_values(ObjectId id, Writer& w) const;  // the notification's list of values: present-value, status-flags

    std::uint32_t database_revision() const { return 1; }  // the object list changes only with the catalogue

    // The EDE files (B.I.G.-EU Engineering Data Exchange 2.2, ';'-separated), from the same objects.
    std::string ede() const;
    static std::string ede_state_texts();
    static std::string ede_units();

private:
    enum class Kind { device, analog, binary_input, binary_output };
    struct Entry {
        ObjectId id;
        Kind kind;
        const Parameter* parameter = nullptr;
        unsigned index = 0;  // DI or RO number - 1
    };
    const Entry* entry(ObjectId id) const;
    std::optional<Failure> read_device(std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const;
    std::optional<Failure> read_point(const Entry& e, std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const;
    bool fault(const Entry& e) const;
    bool binary_value(const Entry& e) const;

    DeviceInfo device_;
    const DataModel& model_;
    const hal::Clock& clock_;
    const hal::DeviceClock& device_clock_;
    std::vector<Entry> entries_;
    std::vector<ObjectId> ids_;
    std::map<ObjectId, std::size_t> index_;
    std::map<std::string, ObjectId> by_name_;
    std::array<std::array<std::optional<bool>, 16>, 2> priority_{};  // the relays' priority arrays
};

// docs/bacnet-pics.md: the Protocol Implementation Conformance Statement, from the tables above.
std::string pics_markdown();

}  // namespace fw::bacnet
