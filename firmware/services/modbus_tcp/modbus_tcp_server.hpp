#pragma once
// Modbus TCP server (web manual 5.4): MBAP framing, many clients at once on the firmware's Asio
// loop. A slow or half-sent frame from one client never stalls the others (every read is
// asynchronous); idle connections are closed after the idle timeout, measured on the hal clock.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "hal/clock.hpp"
#include "modbus/pdu.hpp"
#include "services/service.hpp"

namespace fw {

// What the server serves. handle() may answer later (a write forwarded to the board).
class ModbusBackend {
public:
    virtual ~ModbusBackend() = default;
    virtual bool accepts_unit(std::uint8_t unit) const = 0;
    virtual void handle(const modbus::Request& request, std::function<void(modbus::Response)> reply) = 0;
};

struct ModbusTcpOptions {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 502;
    hal::Duration idle_timeout{60'000'000'000};
    std::size_t max_connections = 32;
};

class ModbusTcpServer final : public Service {
public:
    struct Stats {
        std::uint64_t connections = 0, requests = 0, exceptions = 0, idle_closed = 0, protocol_errors = 0, refused = 0;
    };
    ModbusTcpServer(boost::asio::io_context& io, hal::Scheduler& scheduler, ModbusBackend& backend, ModbusTcpOptions options);
    ~ModbusTcpServer() override;

    std::string name() const override { return "modbus_tcp"; }
    void start() override;
    void stop() override;
    Health health() const override;
    std::uint16_t bound_port() const { return bound_port_; }
    void set_idle_timeout(hal::Duration d) { options_.idle_timeout = d; }
    std::size_t open_connections() const { return connections_.size(); }
    const Stats& stats() const { return stats_; }

private:
    class Connection;
    void accept();

    boost::asio::io_context& io_;
    hal::Scheduler& scheduler_;
    ModbusBackend& backend_;
    ModbusTcpOptions options_;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
    std::set<std::shared_ptr<Connection>> connections_;
    std::uint16_t bound_port_ = 0;
    std::string failure_;
    Stats stats_;
};

}  // namespace fw
