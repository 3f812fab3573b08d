#pragma once
#include <cstdint>
#include <functional>
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
    // Where services listen on this interface: the interface address on a unit, its own
    // loopback address in the simulator; empty when services do not listen there.
    std::string listen_address;
};

// Ports below 1024 need root; run without it, a service's device port p is served on p + 10000.
inline std::uint16_t host_port_for(std::uint16_t device_port, bool privileged) {
    return device_port >= 1024 || privileged ? device_port : static_cast<std::uint16_t>(device_port + 10000);
}

struct ListenAddress {
    std::string interface;  // "eth1"
    std::string address;    // "127.0.0.1"
};

class Network {
public:
    using LinkListener = std::function<void(const std::string& interface, bool up)>;
    virtual ~Network() = default;
    virtual std::vector<NetInterfaceState> interfaces() const = 0;
    virtual NetInterfaceState interface(const std::string& name) const = 0;  // throws for an unknown name
    // Where services listen now: one entry per interface whose link is up and that has a listen address.
    std::vector<ListenAddress> listen_addresses() const {
        std::vector<ListenAddress> out;
        for (const auto& i : interfaces())
            if (i.link_up && !i.listen_address.empty()) out.push_back({i.name, i.listen_address});
        return out;
    }
    // The host port a service's device port lands on. A real unit binds the device port; the
    // simulator, not being root, maps ports below 1024 (502 -> 10502) and says so.
    virtual std::uint16_t host_port(std::uint16_t device_port) const = 0;
    // Told on the loop when an interface's link goes down or up: a service closes that
    // interface's listeners and connections, and listens again when it is back.
    virtual int add_link_listener(LinkListener listener) = 0;
    // Whether the module may send to `host` (an NTP server, a broker, a mail server: an IP literal
    // or a name): "" when it may, else why not, for the service's status. The simulator reaches only
    // loopback and its own addresses unless the user allows more (acurev-sim --allow-outside), so a
    // default naming an Internet host (pool.ntp.org) is kept and shown but never contacted; a
    // unit reaches what its network routes.
    virtual std::string refused_destination(const std::string& host) const = 0;
    virtual void remove_link_listener(int id) = 0;
};

}  // namespace hal
