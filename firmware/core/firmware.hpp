#pragma once
// The WEB2 module application: polls the board over RS-485 into the data model and serves it.
// It sees the world only through hal::Hal and runs on one Asio loop whose timers are the hal
// scheduler's (ARCHITECTURE "Time is virtual").
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "hal/hal.hpp"
#include "model/data_model.hpp"
#include "poller/poller.hpp"
#include "poller/rtu_master.hpp"
#include "services/modbus_tcp/modbus_tcp_server.hpp"
#include "settings/settings.hpp"

namespace fw {

struct FirmwareOptions {
    hal::Duration stale_after{30'000'000'000};  // README "Faults": readings stale 30 s after the last good read
    PollerOptions poller;
    RtuMasterOptions rtu;
};

class Firmware final : public ModbusBackend {
public:
    Firmware(hal::Hal& hal, boost::asio::io_context& io, FirmwareOptions options = {});
    ~Firmware() override;

    void start();  // throws std::runtime_error naming what could not start
    void stop();

    DataModel& model() { return model_; }
    const Poller& poller() const { return *poller_; }
    const RtuMaster& rtu_master() const { return *master_; }
    Settings& settings() { return settings_; }
    ModbusTcpServer& modbus_tcp() { return *modbus_tcp_; }
    std::uint16_t modbus_tcp_device_port() const;
    // Client requests waiting on the board (forwarded writes). The rig lets virtual time run
    // while this is not zero so an in-process client gets its answer.
    int pending_forwards() const { return pending_forwards_; }

    // ModbusBackend: the module's Modbus TCP map is the board's map, served from the data model.
    bool accepts_unit(std::uint8_t unit) const override;
    void handle(const modbus::Request& request, std::function<void(modbus::Response)> reply) override;

private:
    std::optional<modbus::Exception> check_write(const modbus::Request& r) const;
    void after_board_write(const modbus::Request& r);
    hal::SerialConfig serial_config() const;

    hal::Hal& hal_;
    boost::asio::io_context& io_;
    FirmwareOptions options_;
    Settings settings_;
    DataModel model_;
    std::unique_ptr<RtuMaster> master_;
    std::unique_ptr<Poller> poller_;
    std::unique_ptr<ModbusTcpServer> modbus_tcp_;
    int pending_forwards_ = 0;
};

}  // namespace fw
