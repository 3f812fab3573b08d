#pragma once
// Modbus TCP server (web manual 5.4): MBAP framing, many clients at once on the firmware's Asio
// loop, listening on every interface whose link is up. A slow or half-sent frame from one client
// never stalls the others (every read is asynchronous). Hardened against clients that hold
// slots: a frame must complete within the frame timeout after its first byte; a connection
// with no complete request for the idle timeout is closed; when every slot is taken, the
// connection idle longest makes room, so a fresh client is always served. Both timeouts are
// peer time (ARCHITECTURE "Time is virtual").
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "hal/clock.hpp"
#include "hal/network.hpp"
#include "modbus/pdu.hpp"
#include "services/net/tcp_listeners.hpp"

namespace fw {

// What the server serves. handle() may answer later (a write forwarded to the board).
class ModbusBackend {
public:
    virtual ~ModbusBackend() = default;
    virtual bool accepts_unit(std::uint8_t unit) const = 0;
    virtual void handle(const modbus::Request& request, std::function<void(modbus::Response)> reply) = 0;
};

struct ModbusTcpOptions {
    std::uint16_t port = 502;                       // the host port (after the unprivileged mapping)
    hal::Duration idle_timeout{60'000'000'000};     // peer time
    hal::Duration frame_timeout{3'000'000'000};     // peer time, from a frame's first byte
    std::size_t max_connections = 32;
};

class ModbusTcpServer final {
public:
    struct Stats {
        std::uint64_t connections = 0, requests = 0, exceptions = 0, idle_closed = 0, protocol_errors = 0,
                      frame_timeouts = 0, evicted = 0, link_closed = 0;
    };
    ModbusTcpServer(boost::asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, ModbusBackend& backend,
                    ModbusTcpOptions options);
    ~ModbusTcpServer();

    // Listens on every interface that is up; throws std::runtime_error naming the address and
    // the reason when one cannot be listened on (nothing is left listening then).
    void start();
    void stop();
    bool listening() const { return listeners_.listening(); }
    std::string describe() const;  // "eth1 127.0.0.1:10502, eth2 127.0.0.2:10502; 3 clients"
    std::uint16_t port() const { return options_.port; }
    void set_idle_timeout(hal::Duration d);
    void set_max_connections(std::size_t n);
    std::size_t open_connections() const { return connections_.size(); }
    const Stats& stats() const { return stats_; }

private:
    class Connection;
    void accepted(boost::asio::ip::tcp::socket socket, const std::string& interface);
    void link_down(const std::string& interface);
    void make_room();

    hal::Scheduler& scheduler_;
    ModbusBackend& backend_;
    ModbusTcpOptions options_;
    std::set<std::shared_ptr<Connection>> connections_;
    std::uint64_t activity_ = 0;  // counts accepts and requests: orders connections by their last one
    TcpListeners listeners_;
    Stats stats_;
};

}  // namespace fw
