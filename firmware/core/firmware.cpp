#include "core/firmware.hpp"

#include <stdexcept>

namespace fw {

Firmware::Firmware(hal::Hal& hal, FirmwareOptions options)
    : hal_(hal), settings_(hal.storage), model_(options.stale_after) {
    // The bootloader's step (hal::BootControl): which slot this start runs, a trial spent or fallen back from.
    hal_.boot.boot();
    link_ = std::make_unique<BoardLink>(hal_, model_, settings_, options.poller, options.rtu);
    link_->on_cycle_end([this] { hub_.end_of_cycle(hal_.scheduler.now()); });
    host_ = std::make_unique<ServiceHost>(ServiceContext{hal_, model_, hub_, settings_, *link_, *this, events_}, options.services);
}

Firmware::~Firmware() { stop(); }

void Firmware::start() {
    link_->start();
    host_->start();
}

void Firmware::stop() {
    if (host_) host_->stop();
    if (link_) link_->stop();
}

std::optional<std::uint16_t> Firmware::board_register(std::uint16_t address) const {
    const hal::Time now = hal_.scheduler.now();
    if (model_.quality(address, 1, now) == Quality::never_read) return std::nullopt;
    return model_.registers(address, 1).at(0);
}

ModuleControl::Errors Firmware::apply_module_settings(const nlohmann::json& normalised) {
    nlohmann::json module = nlohmann::json::object();
    std::vector<std::string> live;
    for (const auto& [k, v] : normalised.items()) {
        const auto* spec = SettingsSchema::instance().find(k);
        if (spec->board) continue;
        module[k] = v;
        if (spec->applies != Applies::reboot) live.push_back(k);  // the others wait for the reboot, listed as pending
    }
    auto errors = settings_.change(module);
    if (errors.empty()) host_->settings_changed(live);
    return errors;
}

std::vector<std::string> Firmware::change_settings(const nlohmann::json& changes) {
    const BoardRegisters board = [this](std::uint16_t a) { return board_register(a); };
    nlohmann::json normalised;
    auto errors = settings_.validate(changes, normalised, board);
    if (!errors.empty()) return errors;
    errors = apply_module_settings(normalised);
    if (!errors.empty()) return errors;
    // Board settings go to the board; the saved copy follows when it acknowledges.
    for (const auto& w : Settings::board_writes(normalised)) link_->write_registers(w.address, w.values, [](const TransactionResult&) {});
    return {};
}

void Firmware::change_settings(const nlohmann::json& changes, std::function<void(Errors)> done) {
    const BoardRegisters board = [this](std::uint16_t a) { return board_register(a); };
    nlohmann::json normalised;
    auto errors = settings_.validate(changes, normalised, board);
    if (errors.empty()) errors = apply_module_settings(normalised);
    const auto writes = Settings::board_writes(normalised);
    if (!errors.empty() || writes.empty()) return done(errors);
    struct Pending {
        std::size_t left;
        Errors errors;
        std::function<void(Errors)> done;
    };
    auto pending = std::make_shared<Pending>(Pending{writes.size(), {}, std::move(done)});
    for (const auto& w : writes)
        link_->write_registers(w.address, w.values, [pending, address = w.address](const TransactionResult& r) {
            const auto* spec = SettingsSchema::instance().find_board(address);
            const std::string what = spec ? spec->label : "register " + std::to_string(address);
            if (r.error)
                pending->errors.push_back("the meter did not answer the write of " + what);
            else if (r.response && r.response->exception)
                pending->errors.push_back("the meter refused " + what + " (Modbus exception " +
                                          std::to_string(static_cast<int>(*r.response->exception)) + ")");
            if (--pending->left == 0) pending->done(pending->errors);
        });
}

Service* Firmware::running_service(const std::string& name) {
    const auto s = host_->state(name);
    const bool started = s && (s->state == ServiceState::State::running || s->state == ServiceState::State::unhealthy);
    return started ? host_->find(name) : nullptr;
}

void Firmware::reboot(const std::string& reason) {
    // After the asking request has been answered.
    hal_.scheduler.after(hal_.scheduler.peer_time(std::chrono::milliseconds(500)), [this, reason] { hal_.system.request_reboot(reason); });
}

ModbusGateway& Firmware::modbus_tcp() {
    auto* s = dynamic_cast<ModbusGateway*>(host_->find("modbus_tcp"));
    if (!s) throw std::logic_error("the Modbus TCP gateway is not built yet (firmware not started)");
    return *s;
}


}  // namespace fw
