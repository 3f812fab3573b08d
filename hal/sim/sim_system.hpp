#pragma once
#include "hal/system.hpp"

namespace hal::sim {

class SimSystem final : public System {
public:
    explicit SimSystem(Identity identity) : identity_(std::move(identity)) {}
    Identity identity() const override { return identity_; }
    void request_reboot(const std::string& reason) override;
    void on_reboot_request(std::function<void(const std::string&)> handler) override { handler_ = std::move(handler); }
    int reboot_requests() const { return reboot_requests_; }

private:
    Identity identity_;
    std::function<void(const std::string&)> handler_;
    int reboot_requests_ = 0;
};

}  // namespace hal::sim
