#include "linux/serial_endpoint.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace hal::linux_backend {

namespace {

constexpr std::array<std::uint32_t, 8> kBauds{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
constexpr const char* kBaudList = "1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200";

std::invalid_argument bad_field(const std::string& text, const std::string& field, const std::string& value,
                                const std::string& allowed) {
    return std::invalid_argument("serial endpoint '" + text + "': " + field + " '" + value + "' is out of range: " + allowed);
}

}  // namespace

void check_line_settings(const SerialConfig& c) {
    if (std::find(kBauds.begin(), kBauds.end(), c.baud) == kBauds.end())
        throw std::invalid_argument("baud " + std::to_string(c.baud) + " is out of range: " + kBaudList);
    if (c.data_bits != 7 && c.data_bits != 8)
        throw std::invalid_argument("data bits " + std::to_string(c.data_bits) + " is out of range: 7, 8");
    if (c.stop_bits != 1 && c.stop_bits != 2)
        throw std::invalid_argument("stop bits " + std::to_string(c.stop_bits) + " is out of range: 1, 2");
    if (c.parity != Parity::none && c.parity != Parity::even && c.parity != Parity::odd)
        throw std::invalid_argument("parity " + std::to_string(static_cast<int>(c.parity)) + " is out of range: none, even, odd");
}

SerialEndpoint parse_serial_endpoint(const std::string& text) {
    const std::string scheme = "rs485:";
    if (text.rfind(scheme, 0) != 0)
        throw std::invalid_argument("serial endpoint '" + text + "' must start with rs485: (e.g. rs485:/dev/ttyS1?baud=19200&parity=none&stop=1)");
    SerialEndpoint e;
    const auto q = text.find('?');
    e.path = text.substr(scheme.size(), q == std::string::npos ? std::string::npos : q - scheme.size());
    if (e.path.empty()) throw std::invalid_argument("serial endpoint '" + text + "' has no device path (e.g. rs485:/dev/ttyS1)");
    std::string rest = q == std::string::npos ? "" : text.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string kv = rest.substr(0, amp);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
        const auto eq = kv.find('=');
        const std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
        if (key == "baud") {
            // The whole value must be the number: "19200x" or 2^32+9600 must not read as a rate.
            std::uint64_t baud = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), baud);
            if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
                std::find(kBauds.begin(), kBauds.end(), baud) == kBauds.end())
                throw bad_field(text, "baud", value, kBaudList);
            e.config.baud = static_cast<std::uint32_t>(baud);
        } else if (key == "parity") {
            if (value == "none") e.config.parity = Parity::none;
            else if (value == "even") e.config.parity = Parity::even;
            else if (value == "odd") e.config.parity = Parity::odd;
            else throw bad_field(text, "parity", value, "none, even, odd");
        } else if (key == "stop") {
            if (value != "1" && value != "2") throw bad_field(text, "stop", value, "1, 2");
            e.config.stop_bits = static_cast<std::uint8_t>(value == "2" ? 2 : 1);
        } else {
            throw std::invalid_argument("serial endpoint '" + text + "': field '" + key + "' is unknown: baud, parity, stop");
        }
    }
    return e;
}

}  // namespace hal::linux_backend
