#pragma once
#include <map>

#include "hal/network.hpp"

namespace hal::sim {

// Virtual NICs: eth1, eth2 and wlan with the manual's factory addresses. Services listen on
// each interface's own loopback address (127.0.0.0/8), or on 0.0.0.0 when the user exposes the
// simulator to the network on purpose. The link knob really closes that interface's listeners
// and connections (the services hear of it through the link listeners).
class SimNetwork final : public Network {
public:
    // `listen`: interface name -> listen address; interfaces not named do not serve.
    // `allow_outside`: destinations beyond loopback and the listen addresses may be contacted
    // (acurev-sim --allow-outside); otherwise refused_destination() refuses them.
    explicit SimNetwork(const std::map<std::string, std::string>& listen, bool allow_outside = false);
    std::vector<NetInterfaceState> interfaces() const override { return interfaces_; }
    NetInterfaceState interface(const std::string& name) const override;
    std::uint16_t host_port(std::uint16_t device_port) const override;
    int add_link_listener(LinkListener listener) override;
    void remove_link_listener(int id) override;
    std::string refused_destination(const std::string& host) const override;

    // Control face: pull or put back the cable.
    void set_link(const std::string& name, bool up);

private:
    NetInterfaceState& find(const std::string& name);
    const NetInterfaceState& find(const std::string& name) const;
    std::vector<NetInterfaceState> interfaces_;
    std::map<int, LinkListener> listeners_;
    int next_listener_ = 1;
    bool allow_outside_ = false;
};

}  // namespace hal::sim
