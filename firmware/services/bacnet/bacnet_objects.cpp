#include "services/bacnet/bacnet_objects.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "catalogue/catalogue.hpp"
#include "model/data_model.hpp"

namespace fw::bacnet {

namespace {

struct Named {
    std::uint32_t id;
    const char* name;
};
constexpr Named property_names[] = {
    {prop::apdu_segment_timeout, "apdu-segment-timeout"}, {prop::apdu_timeout, "apdu-timeout"},
    {prop::application_software_version, "application-software-version"}, {prop::cov_increment, "cov-increment"},
    {prop::daylight_savings_status, "daylight-savings-status"}, {prop::description, "description"},
    {prop::device_address_binding, "device-address-binding"}, {prop::event_state, "event-state"},
    {prop::firmware_revision, "firmware-revision"}, {prop::local_date, "local-date"}, {prop::local_time, "local-time"},
    {prop::location, "location"}, {prop::max_apdu_length_accepted, "max-apdu-length-accepted"}, {prop::model_name, "model-name"},
    {prop::number_of_apdu_retries, "number-of-apdu-retries"}, {prop::object_identifier, "object-identifier"},
    {prop::object_list, "object-list"}, {prop::object_name, "object-name"}, {prop::object_type, "object-type"},
    {prop::out_of_service, "out-of-service"}, {prop::polarity, "polarity"}, {prop::present_value, "present-value"},
    {prop::priority_array, "priority-array"}, {prop::protocol_object_types_supported, "protocol-object-types-supported"},
    {prop::protocol_services_supported, "protocol-services-supported"}, {prop::protocol_version, "protocol-version"},
    {prop::reliability, "reliability"}, {prop::relinquish_default, "relinquish-default"},
    {prop::segmentation_supported, "segmentation-supported"}, {prop::status_flags, "status-flags"}, {prop::system_status, "system-status"},
    {prop::units, "units"}, {prop::utc_offset, "utc-offset"}, {prop::vendor_identifier, "vendor-identifier"},
    {prop::vendor_name, "vendor-name"}, {prop::protocol_revision, "protocol-revision"}, {prop::database_revision, "database-revision"},
    {prop::max_segments_accepted, "max-segments-accepted"}, {prop::property_list, "property-list"},
};

constexpr Named unit_names[] = {
    {3, "amperes"}, {5, "volts"}, {9, "kilovolt-amperes"}, {12, "kilovolt-amperes-reactive"}, {19, "kilowatt-hours"}, {27, "hertz"},
    {48, "kilowatts"}, {72, "minutes"}, {73, "seconds"}, {90, "degrees-angular"}, {95, "no-units"}, {98, "percent"},
    {159, "milliseconds"}, {240, "kilovolt-ampere-hours"}, {243, "kilovolt-ampere-hours-reactive"},
};

constexpr std::uint32_t reliability_no_fault = 0, reliability_communication_failure = 12;
constexpr unsigned object_types_bits = 60, services_bits = 41;  // the bit strings' lengths at protocol revision 14

Date date_of(hal::Time t) {
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::sys_time<hal::Duration>(t));
    const std::chrono::year_month_day ymd{days};
    const std::chrono::weekday wd{days};
    return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())), static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(wd.iso_encoding())};
}

Time time_of(hal::Time t) {
    const auto in_day = t - std::chrono::floor<std::chrono::days>(t);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(in_day).count();
    return {static_cast<int>(ms / 3'600'000), static_cast<int>(ms / 60'000 % 60), static_cast<int>(ms / 1000 % 60),
            static_cast<int>(ms / 10 % 100)};
}

std::string csv_field(const std::string& s) {
    // EDE fields are ';'-separated; a field never holds one (names and descriptions are ours).
    std::string out = s;
    std::replace(out.begin(), out.end(), ';', ',');
    return out;
}

}  // namespace

const char* type_name(ObjectType t) {
    switch (t) {
        case ObjectType::analog_input: return "analog-input";
        case ObjectType::binary_input: return "binary-input";
        case ObjectType::binary_output: return "binary-output";
        case ObjectType::device: return "device";
    }
    return "unknown";
}

const char* property_name(std::uint32_t p) {
    for (const auto& n : property_names)
        if (n.id == p) return n.name;
    return "unknown";
}

const char* unit_text(std::uint16_t code) {
    for (const auto& n : unit_names)
        if (n.id == code) return n.name;
    return "unknown";
}

const std::vector<PropertySpec>& properties_of(ObjectType t) {
    static const std::vector<PropertySpec> device{
        {prop::object_identifier, true},  {prop::object_name, true},         {prop::object_type, true},
        {prop::system_status, true},      {prop::vendor_name, true},         {prop::vendor_identifier, true},
        {prop::model_name, true},         {prop::firmware_revision, true},   {prop::application_software_version, true},
        {prop::location, false},          {prop::description, false},        {prop::protocol_version, true},
        {prop::protocol_revision, true},  {prop::protocol_services_supported, true}, {prop::protocol_object_types_supported, true},
        {prop::object_list, true},        {prop::max_apdu_length_accepted, true}, {prop::segmentation_supported, true},
        {prop::max_segments_accepted, true}, {prop::apdu_segment_timeout, true}, {prop::apdu_timeout, true},
        {prop::number_of_apdu_retries, true}, {prop::device_address_binding, true}, {prop::database_revision, true},
        {prop::local_date, false},        {prop::local_time, false},         {prop::utc_offset, false},
        {prop::daylight_savings_status, false}, {prop::property_list, true},
    };
    static const std::vector<PropertySpec> analog{
        {prop::object_identifier, true}, {prop::object_name, true}, {prop::object_type, true}, {prop::present_value, true},
        {prop::description, false},      {prop::status_flags, true}, {prop::event_state, true}, {prop::reliability, false},
        {prop::out_of_service, true},    {prop::units, true},        {prop::cov_increment, false}, {prop::property_list, true},
    };
    static const std::vector<PropertySpec> binary_in{
        {prop::object_identifier, true}, {prop::object_name, true},    {prop::object_type, true}, {prop::present_value, true},
        {prop::description, false},      {prop::status_flags, true},   {prop::event_state, true}, {prop::reliability, false},
        {prop::out_of_service, true},    {prop::polarity, true},       {prop::property_list, true},
    };
    static const std::vector<PropertySpec> binary_out{
        {prop::object_identifier, true}, {prop::object_name, true},  {prop::object_type, true},       {prop::present_value, true, true},
        {prop::description, false},      {prop::status_flags, true}, {prop::event_state, true},       {prop::reliability, false},
        {prop::out_of_service, true},    {prop::polarity, true},     {prop::priority_array, true},    {prop::relinquish_default, true},
        {prop::property_list, true},
    };
    switch (t) {
        case ObjectType::analog_input: return analog;
        case ObjectType::binary_input: return binary_in;
        case ObjectType::binary_output: return binary_out;
        case ObjectType::device: break;
    }
    return device;
}

const std::vector<ServiceClaim>& services_supported() {
    static const std::vector<ServiceClaim> s{
        {confirmed::subscribe_cov, "SubscribeCOV", "DS-COV-B"},
        {confirmed::read_property, "ReadProperty", "DS-RP-B"},
        {confirmed::read_property_multiple, "ReadPropertyMultiple", "DS-RPM-B"},
        {confirmed::write_property, "WriteProperty", "DS-WP-B"},
        {confirmed::device_communication_control, "DeviceCommunicationControl", "DM-DCC-B"},
        {26 + unconfirmed::i_am, "I-Am", "DM-DDB-B"},                  // 26: i-Am, the first unconfirmed bit
        {26 + unconfirmed::i_have, "I-Have", "DM-DOB-B"},
        {32, "TimeSynchronization", "DM-TS-B"},
        {33, "Who-Has", "DM-DOB-B"},
        {34, "Who-Is", "DM-DDB-B"},
        {36, "UTCTimeSynchronization", "DM-UTC-B"},
    };
    return s;
}

ObjectDb::ObjectDb(DeviceInfo device, const DataModel& model, const hal::Clock& clock, const hal::DeviceClock& device_clock)
    : device_(std::move(device)), model_(model), clock_(clock), device_clock_(device_clock) {
    entries_.push_back({device_id(), Kind::device});
    for (const auto& p : Catalogue::instance().all())
        if (p.published()) entries_.push_back({{ObjectType::analog_input, p.bacnet().instance}, Kind::analog, &p});
    for (const auto& b : Catalogue::instance().binary_points())
        entries_.push_back({{static_cast<ObjectType>(b.object.type), b.object.instance},
                            b.object.type == BacnetObject::Type::binary_input ? Kind::binary_input : Kind::binary_output, nullptr, b.index});
    std::stable_sort(entries_.begin() + 1, entries_.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        ids_.push_back(entries_[i].id);
        index_[entries_[i].id] = i;
        by_name_[name_of(entries_[i].id)] = entries_[i].id;
    }
}

const ObjectDb::Entry* ObjectDb::entry(ObjectId id) const {
    const auto it = index_.find(id);
    return it == index_.end() ? nullptr : &entries_[it->second];
}

std::optional<ObjectId> ObjectDb::find_by_name(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? std::nullopt : std::optional(it->second);
}

std::string ObjectDb::name_of(ObjectId id) const {
    const Entry* e = entry(id);
    if (!e) return {};
    switch (e->kind) {
        case Kind::device: return device_.name;
        case Kind::analog: return e->parameter->bacnet().name;
        case Kind::binary_input:
        case Kind::binary_output:
            for (const auto& b : Catalogue::instance().binary_points())
                if (b.object.instance == id.instance && static_cast<ObjectType>(b.object.type) == id.type) return b.object.name;
    }
    return {};
}

bool ObjectDb::fault(const Entry& e) const {
    const hal::Time now = clock_.now();
    switch (e.kind) {
        case Kind::analog: return model_.reading(*e.parameter, now).quality != Quality::fresh;
        case Kind::binary_input: return model_.input_quality(now) != Quality::fresh;
        case Kind::binary_output: return model_.coil_quality(now) != Quality::fresh;
        case Kind::device: break;
    }
    return false;
}

bool ObjectDb::binary_value(const Entry& e) const {
    return e.kind == Kind::binary_input ? model_.inputs()[e.index] : model_.coils()[e.index];
}

std::vector<std::uint32_t> ObjectDb::expand(ObjectId id, std::uint32_t special) const {
    std::vector<std::uint32_t> out;
    for (const auto& p : properties_of(id.type))
        if (special == prop::all || (special == prop::required) == p.required) out.push_back(p.id);
    return out;
}

std::optional<Failure> ObjectDb::read(ObjectId id, std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const {
    const Entry* e = entry(id);
    if (!e) return Failure{ErrorClass::object, ErrorCode::unknown_object};
    const auto& props = properties_of(id.type);
    if (std::none_of(props.begin(), props.end(), [&](const PropertySpec& p) { return p.id == property; }))
        return Failure{ErrorClass::property, ErrorCode::unknown_property};
    if (property == prop::property_list) {
        std::vector<std::uint32_t> list;
        for (const auto& p : props)
            if (p.id != prop::object_identifier && p.id != prop::object_name && p.id != prop::object_type && p.id != prop::property_list)
                list.push_back(p.id);
        if (index) {
            if (*index == 0) {
                w.unsigned_int(list.size());
            } else if (*index > list.size()) {
                return Failure{ErrorClass::property, ErrorCode::invalid_array_index};
            } else {
                w.enumerated(list[*index - 1]);
            }
            return std::nullopt;
        }
        for (auto p : list) w.enumerated(p);
        return std::nullopt;
    }
    const bool array = property == prop::object_list || property == prop::priority_array;
    if (index && !array) return Failure{ErrorClass::property, ErrorCode::property_is_not_an_array};
    switch (property) {
        case prop::object_identifier: w.object_id(id); return std::nullopt;
        case prop::object_name: w.text(name_of(id)); return std::nullopt;
        case prop::object_type: w.enumerated(static_cast<std::uint32_t>(id.type)); return std::nullopt;
        default: break;
    }
    return e->kind == Kind::device ? read_device(property, index, w) : read_point(*e, property, index, w);
}

std::optional<Failure> ObjectDb::read_device(std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const {
    switch (property) {
        case prop::system_status: w.enumerated(0); break;  // operational
        case prop::vendor_name: w.text(vendor_name); break;
        case prop::vendor_identifier: w.unsigned_int(vendor_id); break;
        case prop::model_name: w.text(device_.model_name); break;
        case prop::firmware_revision: w.text(device_.firmware_revision); break;
        case prop::application_software_version: w.text(device_.software_version); break;
        case prop::location: w.text(device_.location); break;
        case prop::description: w.text(device_.description); break;
        case prop::protocol_version: w.unsigned_int(1); break;
        case prop::protocol_revision: w.unsigned_int(protocol_revision); break;
        case prop::protocol_services_supported: {
            std::vector<bool> bits(services_bits);
            for (const auto& s : services_supported()) bits[s.bit] = true;
            w.bits(bits);
            break;
        }
        case prop::protocol_object_types_supported: {
            std::vector<bool> bits(object_types_bits);
            for (auto t : {ObjectType::analog_input, ObjectType::binary_input, ObjectType::binary_output, ObjectType::device})
                bits[static_cast<std::size_t>(t)] = true;
            w.bits(bits);
            break;
        }
        case prop::object_list:
            if (index) {
                if (*index == 0) {
                    w.unsigned_int(ids_.size());
                } else if (*index > ids_.size()) {
                    return Failure{ErrorClass::property, ErrorCode::invalid_array_index};
                } else {
                    w.object_id(ids_[*index - 1]);
                }
            } else {
                for (const auto& id : ids_) w.object_id(id);
            }
            break;
        case prop::max_apdu_length_accepted: w.unsigned_int(our_max_apdu); break;
        case prop::segmentation_supported: w.enumerated(1); break;  // segmented-transmit
        case prop::max_segments_accepted: w.unsigned_int(max_segments); break;
        case prop::apdu_segment_timeout: w.unsigned_int(segment_timeout_ms); break;
        case prop::apdu_timeout: w.unsigned_int(apdu_timeout_ms); break;
        case prop::number_of_apdu_retries: w.unsigned_int(apdu_retries); break;
        case prop::device_address_binding: break;  // an empty list: we bind no device addresses
        case prop::database_revision: w.unsigned_int(database_revision()); break;
        case prop::local_date: w.date(date_of(device_clock_.local())); break;
        case prop::local_time: w.time(time_of(device_clock_.local())); break;
        // minutes, west of UTC positive (12.11.21): our zone offset is east positive
        case prop::utc_offset: w.signed_int(-device_clock_.zone_offset().count()); break;
        case prop::daylight_savings_status: w.boolean(device_clock_.dst()); break;
        default: return Failure{ErrorClass::property, ErrorCode::unknown_property};
    }
    return std::nullopt;
}

std::optional<Failure> ObjectDb::read_point(const Entry& e, std::uint32_t property, std::optional<std::uint32_t> index, Writer& w) const {
    const bool bad = fault(e);
    switch (property) {
        case prop::present_value:
            if (e.kind == Kind::analog)
                w.real(static_cast<float>(model_.reading(*e.parameter, clock_.now()).value));
            else
                w.enumerated(binary_value(e) ? 1 : 0);
            break;
        case prop::description:
            if (e.kind == Kind::analog) {
                w.text(e.parameter->name);
            } else {
                for (const auto& b : Catalogue::instance().binary_points())
                    if (b.index == e.index && static_cast<ObjectType>(b.object.type) == e.id.type) w.text(b.description);
            }
            break;
        case prop::status_flags: w.bits({false, bad, false, false}); break;  // in-alarm, fault, overridden, out-of-service
        case prop::event_state: w.enumerated(0); break;                      // normal
        case prop::reliability: w.enumerated(bad ? reliability_communication_failure : reliability_no_fault); break;
        case prop::out_of_service: w.boolean(false); break;
        case prop::units: w.enumerated(e.parameter->bacnet().units); break;
        case prop::cov_increment: w.real(static_cast<float>(e.parameter->bacnet().cov_increment)); break;
        case prop::polarity: w.enumerated(0); break;  // normal
        case prop::relinquish_default: w.enumerated(0); break;  // inactive
        case prop::priority_array: {
            const auto& pa = priority_[e.index];
            auto one = [&](std::size_t i) {
                if (pa[i])
                    w.enumerated(*pa[i] ? 1 : 0);
                else
                    w.null();
            };
            if (index) {
                if (*index == 0)
                    w.unsigned_int(pa.size());
                else if (*index > pa.size())
                    return Failure{ErrorClass::property, ErrorCode::invalid_array_index};
                else
                    one(*index - 1);
            } else {
                for (std::size_t i = 0; i < pa.size(); ++i) one(i);
            }
            break;
        }
        default: return Failure{ErrorClass::property, ErrorCode::unknown_property};
    }
    return std::nullopt;
}

ObjectDb::WriteOutcome ObjectDb::write(ObjectId id, std::uint32_t property, std::optional<std::uint32_t> index,
                                       std::span<const std::uint8_t> value, std::optional<unsigned> priority, bool relay_writes_allowed) {
    const Entry* e = entry(id);
    if (!e) return {Failure{ErrorClass::object, ErrorCode::unknown_object}, {}};
    const auto& props = properties_of(id.type);
    const auto spec = std::find_if(props.begin(), props.end(), [&](const PropertySpec& p) { return p.id == property; });
    if (spec == props.end()) return {Failure{ErrorClass::property, ErrorCode::unknown_property}, {}};
    if (!spec->writable) return {Failure{ErrorClass::property, ErrorCode::write_access_denied}, {}};
    if (index) return {Failure{ErrorClass::property, ErrorCode::property_is_not_an_array}, {}};
    // Only a relay's present value is writable, and only when the Admin allowed it (bacnet.relay_control).
    if (!relay_writes_allowed) return {Failure{ErrorClass::property, ErrorCode::write_access_denied}, {}};
    const unsigned level = priority.value_or(16);
    if (level < 1 || level > 16) return {Failure{ErrorClass::property, ErrorCode::value_out_of_range}, {}};
    if (level == 6) return {Failure{ErrorClass::property, ErrorCode::write_access_denied}, {}};  // minimum on/off (19.2.1.2)
    Reader r(value);
    std::optional<bool> command;
    try {
        const Tag t = *r.peek();
        if (!t.context && t.number == static_cast<std::uint8_t>(App::null)) {
            r.tag();
        } else {
            const std::uint32_t v = r.app_enumerated();
            if (v > 1) return {Failure{ErrorClass::property, ErrorCode::value_out_of_range}, {}};
            command = v == 1;
        }
        if (!r.done()) return {Failure{ErrorClass::property, ErrorCode::invalid_data_type}, {}};
    } catch (const DecodeError&) {
        return {Failure{ErrorClass::property, ErrorCode::invalid_data_type}, {}};
    }
    auto& pa = priority_[e->index];
    pa[level - 1] = command;
    bool effective = false;  // relinquish-default: inactive
    for (const auto& slot : pa)
        if (slot) {
            effective = *slot;
            break;
        }
    return {std::nullopt, RelayCommand{e->index, effective}};
}

std::optional<ObjectDb::CovValue> ObjectDb::cov_value(ObjectId id) const {
    const Entry* e = entry(id);
    if (!e || e->kind == Kind::device) return std::nullopt;
    if (e->kind == Kind::analog) return CovValue{model_.reading(*e->parameter, clock_.now()).value, fault(*e)};
    return CovValue{binary_value(*e) ? 1.0 : 0.0, fault(*e)};
}

double ObjectDb::cov_increment(ObjectId id) const {
    const Entry* e = entry(id);
    return e && e->kind == Kind::analog ? e->parameter->bacnet().cov_increment : 0.0;
}

void ObjectDb::cov_values(ObjectId id, Writer& w) const {
    for (const auto property : {prop::present_value, prop::status_flags}) {
        w.ctx_enumerated(0, property);
        w.open(2);
        read(id, property, std::nullopt, w);
        w.close(2);
    }
}

std::string ObjectDb::ede() const {
    std::ostringstream o;
    const auto date = date_of(device_clock_.local());
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02d", date.year, date.month, date.day);
    o << "#Engineering-Data-Exchange - B.I.G.-EU\n"
      << "PROJECT_NAME;" << csv_field(device_.name) << "\n"
      << "VERSION_OF_REFERENCEFILE;1\n"
      << "TIMESTAMP_OF_LAST_CHANGE;" << stamp << "\n"
      << "AUTHOR_OF_LAST_CHANGE;" << csv_field(device_.model_name + " " + device_.serial) << "\n"
      << "VERSION_OF_LAYOUT;2.2\n"
      << "#mandatory;mandatory;mandatory;mandatory;mandatory;optional;optional;optional;optional;optional;optional;optional;optional;optional;"
         "optional;optional\n"
      << "# keyname;device obj.-instance;object-name;object-type;object-instance;description;present-value-default;min-present-value;"
         "max-present-value;settable;supports COV;hi-limit;low-limit;state-text-reference;unit-code;vendor-specific-address\n";
    for (const auto& e : entries_) {
        std::string key, description, unit, state, address;
        bool settable = false, cov = true;
        switch (e.kind) {
            case Kind::device:
                key = "DEVICE";
                description = device_.description;
                cov = false;
                break;
            case Kind::analog: {
                key = e.parameter->key;
                description = e.parameter->name;
                unit = std::to_string(e.parameter->bacnet().units);
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%04X", e.parameter->module_register);
                address = hex;
                break;
            }
            case Kind::binary_input:
            case Kind::binary_output:
                for (const auto& b : Catalogue::instance().binary_points())
                    if (b.index == e.index && static_cast<ObjectType>(b.object.type) == e.id.type) {
                        key = b.key;
                        description = b.description;
                    }
                settable = e.kind == Kind::binary_output;
                state = e.kind == Kind::binary_input ? "1" : "2";
                break;
        }
        o << csv_field(key) << ';' << device_.instance << ';' << csv_field(name_of(e.id)) << ';' << static_cast<unsigned>(e.id.type) << ';'
          << e.id.instance << ';' << csv_field(description) << ";;;;" << (settable ? 'Y' : 'N') << ';' << (cov ? 'Y' : 'N') << ";;;" << state
          << ';' << unit << ';' << address << '\n';
    }
    return o.str();
}

std::string ObjectDb::ede_state_texts() {
    return "#State-Text-Table - B.I.G.-EU\n"
           "# Reference Number;Text 1;Text 2\n"
           "1;Open;Closed\n"
           "2;Off;On\n";
}

std::string ObjectDb::ede_units() {
    std::ostringstream o;
    o << "#Unit-Text-Table - B.I.G.-EU\n# Unit Code;Unit Text\n";
    for (const auto& u : unit_names) o << u.id << ';' << u.name << '\n';
    return o.str();
}

std::string pics_markdown() {
    std::ostringstream o;
    o << "# BACnet Protocol Implementation Conformance Statement (PICS)\n\n"
      << "Generated from the catalogue and the firmware's object tables (`build/bin/acurev-catalogue --bacnet-pics`); "
         "`tests/web/test_bacnet.py` checks each claim against the running device with `@bacnet-js/client` and raw datagrams.\n\n"
      << "| | |\n|---|---|\n"
      << "| Vendor Name | " << vendor_name << " |\n"
      << "| Vendor Identifier | " << vendor_id << " |\n"
      << "| Product Name | AcuRev 2100 WEB2 module |\n"
      << "| Product Model Number | AcuRev 2100-WEB2 |\n"
      << "| Application Software Version, Firmware Revision | the firmware's version (the Device object reports it) |\n"
      << "| BACnet Protocol Revision | " << protocol_revision << " |\n"
      << "| Product Description | AcuRev 2100 multi-circuit energy meter's communication module, serving the meter's readings |\n"
      << "| BACnet Standardized Device Profile (Annex L) | BACnet Application Specific Controller (B-ASC) |\n\n"
      << "## BACnet Interoperability Building Blocks supported (Annex K)\n\n";
    std::vector<std::string> bibbs;
    for (const auto& s : services_supported())
        if (std::find(bibbs.begin(), bibbs.end(), s.bibb) == bibbs.end()) bibbs.push_back(s.bibb);
    for (const auto& b : bibbs) {
        o << "- " << b << ":";
        for (const auto& s : services_supported())
            if (s.bibb == b) o << ' ' << s.name;
        o << '\n';
    }
    o << "\n## Standard object types supported\n\n"
      << "No object is created or deleted dynamically. Properties marked W are writable; all others are read-only.\n\n";
    const auto& cat = Catalogue::instance();
    std::size_t analog = 0, binary_in = 0, binary_out = 0;
    for (const auto& p : cat.all()) analog += p.published() ? 1 : 0;
    for (const auto& b : cat.binary_points()) (b.object.type == BacnetObject::Type::binary_input ? binary_in : binary_out) += 1;
    struct Row {
        ObjectType type;
        std::string count;
    };
    const Row rows[] = {{ObjectType::device, "1 (instance from `bacnet.device_instance`)"},
                        {ObjectType::analog_input, std::to_string(analog) + " (one per published parameter; instance = its module register)"},
                        {ObjectType::binary_input, std::to_string(binary_in) + " (DI1-DI18; instance = the input's number)"},
                        {ObjectType::binary_output, std::to_string(binary_out) + " (RO1-RO2; instance = the relay's number; commandable)"}};
    for (const auto& r : rows) {
        o << "### " << type_name(r.type) << " (" << static_cast<unsigned>(r.type) << ")\n\n" << "Objects: " << r.count << ".\n\n"
          << "| property | id | required | writable |\n|---|---|---|---|\n";
        for (const auto& p : properties_of(r.type))
            o << "| " << property_name(p.id) << " | " << p.id << " | " << (p.required ? "yes" : "optional") << " | "
              << (p.writable ? "W (with `bacnet.relay_control`)" : "") << " |\n";
        o << '\n';
    }
    o << "## Data link layer\n\n"
      << "BACnet/IP (Annex J), UDP port `bacnet.port` (47808; 47800-48000), on each interface whose link is up. "
         "Foreign device: registers with the BBMD at `bacnet.bbmd_ip`:`bacnet.bbmd_port` for `bacnet.ttl` minutes (5-1440) and "
         "registers again at half the time to live, and every 30 s while the BBMD does not acknowledge. The device is not a BBMD: "
         "BBMD functions are answered with their BVLC-Result NAK.\n\n"
      << "## Segmentation\n\n"
      << "Segmented responses: yes, window size " << static_cast<unsigned>(window_size) << " proposed, at most " << max_segments
      << " segments. Segmented requests: no (Abort segmentation-not-supported). Max APDU length accepted: " << our_max_apdu << ".\n\n"
      << "## Device address binding\n\nStatic device binding is not supported (the device initiates confirmed requests only as "
         "confirmed COV notifications, to the subscriber's address).\n\n"
      << "## Networking options\n\nNot a router, not a BBMD. Registers as a foreign device (above).\n\n"
      << "## Character sets\n\nISO 10646 (UTF-8).\n\n"
      << "## Behaviour the standard leaves to the vendor\n\n"
      << "- Values are read from the module's copy of the board's registers at the instant asked, as Modbus TCP serves them; "
         "an Analog Input's Present_Value is that value as REAL. A value the board has not answered for within its stale time "
         "sets Status_Flags FAULT and Reliability communication-failure (12).\n"
      << "- COV: subscriptions (at most 64, lifetime 0 = indefinite) notify when Present_Value moved by COV_Increment since the "
         "last notification, or Status_Flags changed; binary objects on any change. Confirmed notifications are retried "
         << apdu_retries << " times " << apdu_timeout_ms << " ms apart.\n"
      << "- Binary Output present values command the meter's relays through the board (Modbus FC05) only when the Admin enabled "
         "`bacnet.relay_control`; otherwise writes get write-access-denied. The present value read back is the relay's state "
         "as the board reports it. Priority 6 (minimum on/off, 19.2.1.2) is refused with write-access-denied: the relays keep no minimum on/off time.\n"
      << "- DeviceCommunicationControl takes the password `bacnet.dcc_password` (none when empty); disable and "
         "disable-initiation last the given minutes or until enabled.\n"
      << "- TimeSynchronization sets the device clock from local time (the zone and DST set on the module); "
         "UTCTimeSynchronization sets it from UTC. Both are noted in the module's event log.\n"
      << "- ReinitializeDevice is not supported (Reject unrecognized-service).\n";
    return o.str();
}

}  // namespace fw::bacnet
