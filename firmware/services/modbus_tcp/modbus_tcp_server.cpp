#include "services/modbus_tcp/modbus_tcp_server.hpp"

#include <array>
#include <optional>
#include <vector>

#include <boost/asio/write.hpp>

namespace fw {

namespace asio = boost::asio;
using asio::ip::tcp;

class ModbusTcpServer::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(ModbusTcpServer& server, tcp::socket socket) : server_(server), socket_(std::move(socket)) {}

    void start() {
        arm_idle_timer();
        read_header();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        if (idle_timer_) server_.scheduler_.cancel(*idle_timer_);
        idle_timer_.reset();
        boost::system::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
        server_.connections_.erase(shared_from_this());
    }

private:
    void arm_idle_timer() {
        if (idle_timer_) server_.scheduler_.cancel(*idle_timer_);
        std::weak_ptr<Connection> weak = shared_from_this();
        idle_timer_ = server_.scheduler_.after(server_.options_.idle_timeout, [weak] {
            if (auto self = weak.lock()) {
                self->idle_timer_.reset();
                ++self->server_.stats_.idle_closed;
                self->close();
            }
        });
    }

    // Reads whatever has arrived and serves every complete frame in it; a partial frame waits for
    // more bytes without holding anything else up.
    void read_header() {
        if (try_frame()) return;
        auto self = shared_from_this();
        const std::size_t have = in_.size();
        in_.resize(have + 512);
        socket_.async_read_some(asio::buffer(in_.data() + have, 512), [self, have](boost::system::error_code ec, std::size_t n) {
            self->in_.resize(have + n);
            if (ec || self->closed_) return self->close();
            self->arm_idle_timer();
            self->read_header();
        });
    }

    // True when a whole frame was taken from the buffer (and is being served).
    bool try_frame() {
        if (in_.size() < header_.size()) return false;
        std::copy_n(in_.begin(), header_.size(), header_.begin());
        const std::uint16_t protocol = static_cast<std::uint16_t>((header_[2] << 8) | header_[3]);
        const std::uint16_t length = static_cast<std::uint16_t>((header_[4] << 8) | header_[5]);
        // Length counts the unit id and the PDU: 2..254 (1 + 253). Anything else is not Modbus.
        if (protocol != 0 || length < 2 || length > 1 + modbus::max_pdu_size) {
            ++server_.stats_.protocol_errors;
            close();
            return true;
        }
        const std::size_t total = 6U + length;
        if (in_.size() < total) return false;
        pdu_.assign(in_.begin() + 7, in_.begin() + static_cast<std::ptrdiff_t>(total));
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(total));
        process();
        return true;
    }

    void process() {
        ++server_.stats_.requests;
        const std::uint8_t unit = header_[6];
        const std::uint8_t fn = pdu_.empty() ? 0 : pdu_[0];
        if (!server_.backend_.accepts_unit(unit)) return send(modbus::encode_exception(fn, modbus::Exception::gateway_path_unavailable));
        auto decoded = modbus::decode_request(pdu_);
        if (auto* refusal = std::get_if<modbus::Refusal>(&decoded))
            return send(modbus::encode_exception(refusal->function, refusal->exception));
        auto request = std::get<modbus::Request>(std::move(decoded));
        std::weak_ptr<Connection> weak = shared_from_this();
        server_.backend_.handle(request, [weak, request](modbus::Response response) {
            if (auto self = weak.lock()) self->send(modbus::encode_response(request, response));
        });
    }

    void send(std::vector<std::uint8_t> pdu) {
        if (closed_) return;
        if (!pdu.empty() && (pdu[0] & 0x80U)) ++server_.stats_.exceptions;
        const auto length = static_cast<std::uint16_t>(pdu.size() + 1);
        out_.assign(header_.begin(), header_.begin() + 4);
        out_.push_back(static_cast<std::uint8_t>(length >> 8));
        out_.push_back(static_cast<std::uint8_t>(length & 0xFF));
        out_.push_back(header_[6]);
        out_.insert(out_.end(), pdu.begin(), pdu.end());
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(out_), [self](boost::system::error_code ec, std::size_t) {
            if (ec || self->closed_) return self->close();
            self->read_header();
        });
    }

    ModbusTcpServer& server_;
    tcp::socket socket_;
    std::array<std::uint8_t, 7> header_{};
    std::vector<std::uint8_t> in_;
    std::vector<std::uint8_t> pdu_;
    std::vector<std::uint8_t> out_;
    std::optional<hal::TimerId> idle_timer_;
    bool closed_ = false;
};

ModbusTcpServer::ModbusTcpServer(asio::io_context& io, hal::Scheduler& scheduler, ModbusBackend& backend, ModbusTcpOptions options)
    : io_(io), scheduler_(scheduler), backend_(backend), options_(std::move(options)) {}

ModbusTcpServer::~ModbusTcpServer() { stop(); }

void ModbusTcpServer::start() {
    if (acceptor_) return;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.bind_address, ec);
    if (ec) throw std::runtime_error("Modbus TCP bind address '" + options_.bind_address + "' is not an IP address");
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    const tcp::endpoint endpoint(address, options_.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        failure_ = "cannot listen for Modbus TCP on " + options_.bind_address + ":" + std::to_string(options_.port) + ": " +
                   (ec == asio::error::address_in_use ? std::string("the port is already in use") : ec.message());
        throw std::runtime_error(failure_);
    }
    bound_port_ = acceptor->local_endpoint().port();
    acceptor_ = std::move(acceptor);
    failure_.clear();
    accept();
}

void ModbusTcpServer::stop() {
    if (acceptor_) {
        boost::system::error_code ec;
        acceptor_->close(ec);
        acceptor_.reset();
    }
    auto open = connections_;
    for (const auto& c : open) c->close();
}

Health ModbusTcpServer::health() const {
    if (!acceptor_) return {false, failure_.empty() ? "stopped" : failure_};
    return {true, options_.bind_address + ":" + std::to_string(bound_port_) + ", " + std::to_string(connections_.size()) + " clients"};
}

void ModbusTcpServer::accept() {
    acceptor_->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (!acceptor_) return;
        if (!ec) {
            if (connections_.size() >= options_.max_connections) {
                ++stats_.refused;
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                ++stats_.connections;
                auto c = std::make_shared<Connection>(*this, std::move(socket));
                connections_.insert(c);
                c->start();
            }
        }
        accept();
    });
}

}  // namespace fw
