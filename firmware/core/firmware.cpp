#include "core/firmware.hpp"

#include <stdexcept>

namespace fw {

Firmware::Firmware(hal::Hal& hal, boost::asio::io_context& io, FirmwareOptions options)
    : hal_(hal), settings_(hal.storage), model_(options.stale_after) {
    link_ = std::make_unique<BoardLink>(hal_, model_, settings_, options.poller, options.rtu);
    host_ = std::make_unique<ServiceHost>(ServiceContext{hal_, io, model_, settings_, *link_}, options.services);
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

std::vector<std::string> Firmware::change_settings(const nlohmann::json& changes) {
    auto errors = settings_.change(changes);
    if (!errors.empty() || !changes.is_object()) return errors;
    std::vector<std::string> keys;
    for (const auto& [k, v] : changes.items()) keys.push_back(k);
    host_->settings_changed(keys);
    return {};
}

ModbusGateway& Firmware::modbus_tcp() {
    auto* s = dynamic_cast<ModbusGateway*>(host_->find("modbus_tcp"));
    if (!s) throw std::logic_error("the Modbus TCP gateway is not built yet (firmware not started)");
    return *s;
}

std::uint16_t Firmware::modbus_tcp_device_port() const { return static_cast<std::uint16_t>(settings_.number("modbus_tcp_port")); }

}  // namespace fw
