#pragma once
// The listening half of a TCP service: one acceptor per interface whose link is up (hal::Network),
// closed when its link goes down and opened again when it is back. The service is handed each
// accepted socket with the interface it came in on, and told when an interface went down so it
// closes that interface's connections.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "hal/clock.hpp"
#include "hal/network.hpp"

namespace fw {

class TcpListeners final {
public:
    using Accepted = std::function<void(boost::asio::ip::tcp::socket socket, const std::string& interface)>;
    using LinkDown = std::function<void(const std::string& interface)>;
    // `what` names the service in errors ("Modbus TCP", "HTTPS").
    TcpListeners(boost::asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, std::string what, std::uint16_t port,
                 Accepted accepted, LinkDown link_down);
    ~TcpListeners();
    TcpListeners(const TcpListeners&) = delete;
    TcpListeners& operator=(const TcpListeners&) = delete;

    // Listens on every interface that is up; throws std::runtime_error naming the address and the
    // reason when one cannot be listened on (nothing is left listening then).
    void start();
    void stop();
    bool listening() const { return !acceptors_.empty(); }
    std::uint16_t port() const { return port_; }
    // "eth1 127.0.0.1:10502, eth2 127.0.0.2:10502" and a failure to listen again after a link came back.
    std::string describe() const;
    const std::map<std::string, std::string>& addresses() const { return addresses_; }  // interface -> address

private:
    void listen_on(const hal::ListenAddress& where);
    void accept(const std::string& interface);
    void on_link(const std::string& interface, bool up);

    boost::asio::io_context& io_;
    hal::Scheduler& scheduler_;
    hal::Network& network_;
    std::string what_;
    std::uint16_t port_;
    Accepted accepted_;
    LinkDown link_down_;
    std::map<std::string, std::shared_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;  // by interface
    std::map<std::string, std::string> addresses_;
    // Handlers hold a weak copy: one that runs after the listeners are gone does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    int link_listener_ = 0;
    bool started_ = false;
    std::string link_failure_;
};

}  // namespace fw
