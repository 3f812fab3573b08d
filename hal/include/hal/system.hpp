#pragma once
#include <functional>
#include <string>

namespace hal {

struct Identity {
    std::string module_serial;  // WEB2 module serial number
    std::string meter_serial;   // metering board serial number
    std::string mac_eth1, mac_eth2, mac_wlan;
    // Installed at the factory: the public key firmware packages must be signed with (PEM; empty: no
    // update is accepted) and the device family's key for encrypted packages (64 hex digits; may be empty).
    std::string update_public_key, family_key;
};

class System {
public:
    virtual ~System() = default;
    virtual Identity identity() const = 0;
    // The firmware asks; the backend decides how (a real reboot, or the rig restarting the module).
    virtual void request_reboot(const std::string& reason) = 0;
    virtual void on_reboot_request(std::function<void(const std::string& reason)> handler) = 0;
};

}  // namespace hal
