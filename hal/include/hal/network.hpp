#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hal {

// The module's interfaces (eth1, eth2, wlan): what the web pages and services show and bind to.
struct NetInterfaceState {
    std::string name;     // "eth1", "eth2", "wlan"
    std::string address;  // IPv4 dotted quad, empty when down
    std::string netmask;
    std::string gateway;
    std::string mac;
    bool link_up = false;
};

// Ports below 1024 need root; run without it, a service's device port p is served on p + 10000.
inline std::uint16_t host_port_for(std::uint16_t device_port, bool privileged) {
    return device_port >= 1024 || privileged ? device_port : static_cast<std::uint16_t>(device_port + 10000);
}

class Network {
public:
    virtual ~Network() = default;
    virtual std::vector<NetInterfaceState> interfaces() const = 0;
    virtual NetInterfaceState interface(const std::string& name) const = 0;  // throws for an unknown name
    // Address services bind to (127.0.0.1 in the simulator, the interface address on a unit).
    virtual std::string bind_address() const = 0;
    // The host port a service's device port lands on. A real unit binds the device port; the
    // simulator, not being root, maps ports below 1024 (502 -> 10502) and says so.
    virtual std::uint16_t host_port(std::uint16_t device_port) const = 0;
};

}  // namespace hal
