#include "sim/sim_network.hpp"

#include <unistd.h>

#include <stdexcept>

namespace hal::sim {

SimNetwork::SimNetwork(std::string bind_address) : bind_address_(std::move(bind_address)) {
    // Factory defaults: web manual 7.1 (Ethernet 192.168.1.254/24) and 5.3 (WiFi AP 192.168.100.1).
    interfaces_ = {
        {"eth1", "192.168.1.254", "255.255.255.0", "192.168.1.1", "02:00:00:00:00:01", true},
        {"eth2", "192.168.2.254", "255.255.255.0", "192.168.2.1", "02:00:00:00:00:02", false},
        {"wlan", "192.168.100.1", "255.255.255.0", "", "02:00:00:00:00:03", true},
    };
}

NetInterfaceState SimNetwork::interface(const std::string& name) const {
    for (const auto& i : interfaces_)
        if (i.name == name) return i;
    throw std::invalid_argument("unknown network interface '" + name + "': eth1, eth2 or wlan");
}

std::uint16_t SimNetwork::host_port(std::uint16_t device_port) const {
    return host_port_for(device_port, ::geteuid() == 0);
}

void SimNetwork::set_link(const std::string& name, bool up) {
    for (auto& i : interfaces_)
        if (i.name == name) {
            i.link_up = up;
            return;
        }
    throw std::invalid_argument("unknown network interface '" + name + "': eth1, eth2 or wlan");
}

}  // namespace hal::sim
