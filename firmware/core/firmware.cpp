#include "core/firmware.hpp"

#include <stdexcept>

namespace fw {

Firmware::Firmware(hal::Hal& hal, FirmwareOptions options)
    : hal_(hal), settings_(hal.storage), model_(options.stale_after) {
    link_ = std::make_unique<BoardLink>(hal_, model_, settings_, options.poller, options.rtu);
    link_->on_cycle_end([this] { hub_.end_of_cycle(hal_.scheduler.now()); });
    host_ = std::make_unique<ServiceHost>(ServiceContext{hal_, model_, hub_, settings_, *link_}, options.services);
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

std::vector<std::string> Firmware::change_settings(const nlohmann::json& changes) {
    const BoardRegisters board = [this](std::uint16_t a) { return board_register(a); };
    nlohmann::json normalised;
    auto errors = settings_.validate(changes, normalised, board);
    if (!errors.empty()) return errors;
    nlohmann::json module = nlohmann::json::object();
    std::vector<std::string> keys;
    for (const auto& [k, v] : normalised.items())
        if (!SettingsSchema::instance().find(k)->board) {
            module[k] = v;
            keys.push_back(k);
        }
    errors = settings_.change(module);
    if (!errors.empty()) return errors;
    host_->settings_changed(keys);
    // Board settings go to the board; the saved copy follows when it acknowledges.
    for (const auto& w : Settings::board_writes(normalised)) link_->write_registers(w.address, w.values, [](const TransactionResult&) {});
    return {};
}

ModbusGateway& Firmware::modbus_tcp() {
    auto* s = dynamic_cast<ModbusGateway*>(host_->find("modbus_tcp"));
    if (!s) throw std::logic_error("the Modbus TCP gateway is not built yet (firmware not started)");
    return *s;
}


}  // namespace fw
