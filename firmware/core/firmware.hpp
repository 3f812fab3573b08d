#pragma once
// The WEB2 module application. It only composes: the settings, the data model, the board link
// (RTU master and poller) and the service host with every registered service. It sees the world
// only through hal::Hal and runs on one Asio loop whose timers are the hal scheduler's
// (ARCHITECTURE "Time is virtual").
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/board_link.hpp"
#include "hal/hal.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"
#include "services/modbus_tcp/modbus_gateway.hpp"
#include "services/service_host.hpp"
#include "settings/settings.hpp"

namespace fw {

struct FirmwareOptions {
    hal::Duration stale_after{30'000'000'000};  // README "Faults": readings stale 30 s after the last good read
    PollerOptions poller;
    RtuMasterOptions rtu;
    // The services to run; the module's registry unless a test or a variant builds another.
    std::vector<ServiceDescriptor> services = service_registry();
};

class Firmware final : public ModuleControl {
public:
    explicit Firmware(hal::Hal& hal, FirmwareOptions options = {});
    ~Firmware();

    void start();  // the board link, then every service (a service that cannot start is retried)
    void stop();

    // Validates and saves `changes` (refused whole on any bad value), then hands each changed key
    // to the service that owns it. Returns the errors, each naming the field and its range.
    std::vector<std::string> change_settings(const nlohmann::json& changes);
    // The same, and `done` once the board acknowledged its settings (or refused them).
    void change_settings(const nlohmann::json& changes, std::function<void(Errors)> done) override;
    std::vector<ServiceState> service_states() const override { return host_->states(); }
    Service* running_service(const std::string& name) override;
    void reboot(const std::string& reason) override;

    DataModel& model() { return model_; }
    DataHub& hub() { return hub_; }
    const Poller& poller() const { return link_->poller(); }
    const RtuMaster& rtu_master() const { return link_->master(); }
    Settings& settings() { return settings_; }
    ServiceHost& services() { return *host_; }
    ModbusGateway& modbus_tcp();
    int pending_forwards() const { return link_->pending(); }

private:
    std::optional<std::uint16_t> board_register(std::uint16_t address) const;
    // Saves the module's keys among `normalised` and hands the live ones to their services.
    Errors apply_module_settings(const nlohmann::json& normalised);
    hal::Hal& hal_;
    Settings settings_;
    ModuleEvents events_{hal_.storage, hal_.clock};
    DataModel model_;
    DataHub hub_{model_};
    std::unique_ptr<BoardLink> link_;
    std::unique_ptr<ServiceHost> host_;
};

}  // namespace fw
