#include "services/net/tcp_listeners.hpp"

#include <stdexcept>

namespace fw {

namespace asio = boost::asio;
using asio::ip::tcp;

TcpListeners::TcpListeners(asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, std::string what, std::uint16_t port,
                           Accepted accepted, LinkDown link_down)
    : io_(io), scheduler_(scheduler), network_(network), what_(std::move(what)), port_(port), accepted_(std::move(accepted)),
      link_down_(std::move(link_down)) {}

TcpListeners::~TcpListeners() {
    stop();
    *alive_ = false;
}

void TcpListeners::start() {
    if (started_) return;
    started_ = true;
    link_listener_ = network_.add_link_listener([this](const std::string& interface, bool up) { on_link(interface, up); });
    try {
        for (const auto& where : network_.listen_addresses()) listen_on(where);
    } catch (...) {
        stop();
        throw;
    }
}

void TcpListeners::stop() {
    if (link_listener_) network_.remove_link_listener(link_listener_);
    link_listener_ = 0;
    started_ = false;
    for (auto& [name, a] : acceptors_) {
        boost::system::error_code ec;
        a->close(ec);
    }
    acceptors_.clear();
    addresses_.clear();
}

void TcpListeners::listen_on(const hal::ListenAddress& where) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(where.address, ec);
    if (ec) throw std::runtime_error(what_ + " listen address '" + where.address + "' of " + where.interface + " is not an IP address");
    auto acceptor = std::make_shared<tcp::acceptor>(io_);
    const tcp::endpoint endpoint(address, port_);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen for " + what_ + " on " + where.address + ":" + std::to_string(port_) + " (" + where.interface +
                                 "): " + (ec == asio::error::address_in_use ? std::string("the port is already in use") : ec.message()));
    acceptors_[where.interface] = std::move(acceptor);
    addresses_[where.interface] = where.address;
    accept(where.interface);
}

std::string TcpListeners::describe() const {
    std::string out;
    for (const auto& [name, address] : addresses_) out += (out.empty() ? "" : ", ") + name + " " + address + ":" + std::to_string(port_);
    if (!link_failure_.empty()) out += (out.empty() ? "" : "; ") + link_failure_;
    return out;
}

void TcpListeners::on_link(const std::string& interface, bool up) {
    if (!started_) return;
    if (!up) {
        auto it = acceptors_.find(interface);
        if (it != acceptors_.end()) {
            boost::system::error_code ec;
            it->second->close(ec);
            acceptors_.erase(it);
            addresses_.erase(interface);
        }
        link_down_(interface);
        return;
    }
    link_failure_.clear();
    for (const auto& where : network_.listen_addresses())
        if (where.interface == interface && !acceptors_.count(interface)) {
            try {
                listen_on(where);
            } catch (const std::exception& e) {
                link_failure_ = e.what();
            }
        }
}

void TcpListeners::accept(const std::string& interface) {
    auto it = acceptors_.find(interface);
    if (it == acceptors_.end()) return;
    std::shared_ptr<tcp::acceptor> acceptor = it->second;
    std::weak_ptr<bool> alive = alive_;
    acceptor->async_accept([this, alive, interface, acceptor](boost::system::error_code ec, tcp::socket socket) {
        if (alive.expired() || ec == asio::error::operation_aborted) return;
        auto now = acceptors_.find(interface);
        if (now == acceptors_.end() || now->second != acceptor) return;  // closed meanwhile
        if (ec) {
            // Out of descriptors or buffers: try again a little later rather than spin on a readable listener.
            scheduler_.after(std::chrono::milliseconds(100), [this, alive, interface] {
                if (!alive.expired()) accept(interface);
            });
            return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        accepted_(std::move(socket), interface);
        accept(interface);
    });
}

}  // namespace fw
