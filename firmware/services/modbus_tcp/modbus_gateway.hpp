#pragma once
// The Modbus TCP gateway service (web manual 5.4): serves the board's register map from the data
// model, checks writes against the board map and forwards good ones to the board.
#include <optional>

#include "core/board_link.hpp"
#include "services/modbus_tcp/modbus_tcp_server.hpp"
#include "services/service.hpp"

namespace fw {

class ModbusGateway final : public Service, public ModbusBackend {
public:
    explicit ModbusGateway(ServiceContext& context);
    ~ModbusGateway() override;

    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>& keys) override;

    std::uint16_t device_port() const;
    const ModbusTcpServer& server() const { return *server_; }

    bool accepts_unit(std::uint8_t unit) const override;
    void handle(const modbus::Request& request, std::function<void(modbus::Response)> reply) override;

private:
    std::optional<modbus::Exception> check_write(const modbus::Request& r) const;
    ModbusTcpOptions options() const;

    ServiceContext context_;
    std::unique_ptr<ModbusTcpServer> server_;
};

}  // namespace fw
