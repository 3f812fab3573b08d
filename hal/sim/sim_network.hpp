#pragma once
#include "hal/network.hpp"

namespace hal::sim {

// Virtual NICs: eth1, eth2 and wlan with the manual's factory addresses; services bind to a
// loopback address chosen by the rig (127.0.0.0/8 only).
class SimNetwork final : public Network {
public:
    explicit SimNetwork(std::string bind_address);
    std::vector<NetInterfaceState> interfaces() const override { return interfaces_; }
    NetInterfaceState interface(const std::string& name) const override;
    std::string bind_address() const override { return bind_address_; }
    std::uint16_t host_port(std::uint16_t device_port) const override;
    void set_link(const std::string& name, bool up);

private:
    std::string bind_address_;
    std::vector<NetInterfaceState> interfaces_;
};

}  // namespace hal::sim
