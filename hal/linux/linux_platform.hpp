#pragma once
// The rest of the Linux backend a real unit needs: its network interfaces and system face.
#include "hal/network.hpp"
#include "hal/system.hpp"

namespace hal::linux_backend {

class LinuxNetwork final : public Network {
public:
    // Services listen on `bind_address` (0.0.0.0: every interface), shown as interface "eth1".
    explicit LinuxNetwork(std::string bind_address) : bind_address_(std::move(bind_address)) {}
    std::vector<NetInterfaceState> interfaces() const override;  // from getifaddrs
    NetInterfaceState interface(const std::string& name) const override;
    // Link changes come from netlink on a unit (the hardware-backend issue); here links stay as they are.
    int add_link_listener(LinkListener) override { return 0; }
    void remove_link_listener(int) override {}
    // A real unit binds the device port; run unprivileged (a developer's laptop) it maps ports
    // below 1024 the way the simulator does, and says so.
    std::uint16_t host_port(std::uint16_t device_port) const override;
    std::string refused_destination(const std::string&) const override { return ""; }

private:
    std::string bind_address_;
};

class LinuxSystem final : public System {
public:
    explicit LinuxSystem(Identity identity) : identity_(std::move(identity)) {}
    Identity identity() const override { return identity_; }
    void request_reboot(const std::string& reason) override;
    void on_reboot_request(std::function<void(const std::string&)> handler) override { handler_ = std::move(handler); }

private:
    Identity identity_;
    std::function<void(const std::string&)> handler_;
};

}  // namespace hal::linux_backend
