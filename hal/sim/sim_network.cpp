#include "sim/sim_network.hpp"

#include <unistd.h>

#include <stdexcept>
#include <utility>

namespace hal::sim {

SimNetwork::SimNetwork(const std::map<std::string, std::string>& listen) {
    // Factory defaults: web manual 7.1 (Ethernet 192.168.1.254/24) and 5.3 (WiFi AP 192.168.100.1).
    interfaces_ = {
        {"eth1", "192.168.1.254", "255.255.255.0", "192.168.1.1", "02:00:00:00:00:01", true, ""},
        {"eth2", "192.168.2.254", "255.255.255.0", "192.168.2.1", "02:00:00:00:00:02", true, ""},
        {"wlan", "192.168.100.1", "255.255.255.0", "", "02:00:00:00:00:03", true, ""},
    };
    for (const auto& [name, address] : listen) find(name).listen_address = address;
}

const NetInterfaceState& SimNetwork::find(const std::string& name) const {
    for (const auto& i : interfaces_)
        if (i.name == name) return i;
    throw std::invalid_argument("unknown network interface '" + name + "': eth1, eth2 or wlan");
}

NetInterfaceState& SimNetwork::find(const std::string& name) {
    return const_cast<NetInterfaceState&>(std::as_const(*this).find(name));
}

NetInterfaceState SimNetwork::interface(const std::string& name) const { return find(name); }

std::uint16_t SimNetwork::host_port(std::uint16_t device_port) const {
    return host_port_for(device_port, ::geteuid() == 0);
}

int SimNetwork::add_link_listener(LinkListener listener) {
    listeners_.emplace(next_listener_, std::move(listener));
    return next_listener_++;
}

void SimNetwork::remove_link_listener(int id) { listeners_.erase(id); }

void SimNetwork::set_link(const std::string& name, bool up) {
    auto& i = find(name);
    if (i.link_up == up) return;
    i.link_up = up;
    const auto listeners = listeners_;  // a listener may remove itself
    for (const auto& [id, l] : listeners) l(name, up);
}

}  // namespace hal::sim
