#include "sim/sim_network.hpp"

#include <unistd.h>

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <utility>

namespace hal::sim {

SimNetwork::SimNetwork(const std::map<std::string, std::string>& listen, bool allow_outside) : allow_outside_(allow_outside) {
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

std::string SimNetwork::refused_destination(const std::string& host) const {
    if (allow_outside_) return "";
    if (host == "localhost") return "";
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (!ec && address.is_loopback()) return "";
    for (const auto& i : interfaces_)
        if (!i.listen_address.empty() && i.listen_address != "0.0.0.0" && i.listen_address == host) return "";
    // A name is not resolved either: asking DNS would already leave the machine.
    return "destination " + host.substr(0, 80) +
           " refused: the simulator contacts only 127.0.0.0/8, ::1 and its own addresses unless acurev-sim is run with --allow-outside";
}

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
