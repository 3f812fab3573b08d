#pragma once
// The MQTT payload (web manual 7.10; docs/mqtt.md): the WEB2 family's gateway/device envelope
// (web2-formats.md §3, the AXM-WEB2 shape) with the 2100's WEB2 keys — values as strings with 3
// decimals, a reading the board has not answered freshly left out, "online" false when none is
// fresh. A large selection is split over several messages of at most `per_message` readings, each a
// whole envelope, as the family does (receivers merge them by device serial).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fw::mqtt_payload {

struct Reading {
    std::string key, unit;
    double value = 0;
    bool fresh = false;
};

struct Source {
    std::int64_t timestamp = 0;  // device UTC seconds
    std::string module_serial, meter_serial, facility_id;
};

inline constexpr std::size_t per_message = 100;

std::vector<std::string> messages(const Source& source, const std::vector<Reading>& readings, std::size_t per = per_message);
std::string value_text(double v);  // "230.000"

// Home Assistant MQTT discovery (designed, beyond the family; docs/mqtt.md): one retained config
// message per parameter at `<prefix>/sensor/<module serial>/<key>/config`.
struct Discovery {
    std::string topic, payload;
};
struct Sensor {
    std::string key, name, unit;
};
std::vector<Discovery> discovery(const std::string& prefix, const std::string& state_topic, const std::string& availability_topic,
                                 const Source& source, const std::vector<Sensor>& sensors);

}  // namespace fw::mqtt_payload
