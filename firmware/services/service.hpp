#pragma once
// One lifecycle for every firmware service (ARCHITECTURE "Services"): a descriptor in the one
// registry (name, factory), built from a ServiceContext; start, stop, health, and reconfigure
// that applies a settings change live or asks for a restart of this service alone.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "hal/hal.hpp"
#include "services/module_events.hpp"
#include "settings/setting_spec.hpp"

namespace fw {

class BoardLink;
class DataHub;
class DataModel;
class Settings;

struct Health {
    bool running = false;
    std::string detail;  // why it is not running, or what it serves
};

struct ServiceState {
    std::string name, label;
    // unhealthy: started, but its health says it is not serving now (a link down, a child server gone).
    enum class State { stopped, running, unhealthy, failed } state = State::stopped;
    std::string detail;  // the health detail, or why it failed
    int failures = 0;    // start attempts that failed in a row
};
const char* to_string(ServiceState::State s);

// What the module as a whole offers its services (the web pages' settings, health and reboot).
class ModuleControl {
public:
    virtual ~ModuleControl() = default;
    using Errors = std::vector<std::string>;
    // Validates `changes` ({key: value}) as a whole and saves it (nothing changes on any error);
    // board settings are written to the board. `done` runs once the board acknowledged them, with
    // the errors (each naming the field and its range, or the board's refusal).
    virtual void change_settings(const nlohmann::json& changes, std::function<void(Errors)> done) = 0;
    virtual std::vector<ServiceState> service_states() const = 0;
    // A running service by its registry name (the web pages reach the data loggers' files), or null.
    virtual class Service* running_service(const std::string& name) = 0;
    // The module restarts shortly (after the asking request is answered); pending settings apply.
    virtual void reboot(const std::string& reason) = 0;
};

// What a service is given; it reaches the world through nothing else.
struct ServiceContext {
    hal::Hal& hal;  // the loop (hal.io), timers, the device clock, storage, network, workers
    DataModel& model;             // the board's registers as last polled, with quality
    DataHub& hub;                 // snapshots per group at the end of each poll cycle: subscribe, never poll
    Settings& settings;           // read with the service's own keys
    BoardLink& board;             // writes forwarded to the board
    ModuleControl& module;        // settings changes through the one validator, service health, reboot
    ModuleEvents& events;         // the module's event log: what a user must hear about
};

enum class Reconfigured { live, restart_service, reboot_module };

class Service {
public:
    virtual ~Service() = default;
    virtual void start() = 0;  // throws std::runtime_error with a clear message when it cannot
    virtual void stop() = 0;
    virtual Health health() const = 0;
    // `keys` of this service changed (the new values are in the settings): apply them now, or
    // say the service must restart (the host restarts it) or the module must reboot.
    virtual Reconfigured reconfigure(const std::vector<std::string>& keys) = 0;
};

struct ServiceDescriptor {
    std::string name;   // "modbus_tcp": the settings schema's `services` names it
    std::string label;  // "Modbus TCP", for the endpoint table and the web pages
    std::function<std::unique_ptr<Service>(ServiceContext&)> make;
    // Its part of the settings schema, declared beside its code (the host hands it their changes).
    std::vector<SettingSpec> settings = {};
    std::vector<SettingsRule> rules = {};  // its cross-field rules
};

// Every service of the module, in start order (services/registry.cpp).
const std::vector<ServiceDescriptor>& service_registry();

}  // namespace fw
