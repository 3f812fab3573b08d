#include "services/modbus_tcp/modbus_tcp_server.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

#include <boost/asio/write.hpp>

#include "modbus/mbap.hpp"

namespace fw {

namespace asio = boost::asio;
using asio::ip::tcp;

class ModbusTcpServer::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(ModbusTcpServer& server, tcp::socket socket, std::string interface)
        : server_(server), socket_(std::move(socket)), interface_(std::move(interface)), last_request_(++server.activity_) {}

    void start() {
        arm_idle_timer();
        read_more();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        cancel(idle_timer_);
        cancel(frame_timer_);
        boost::system::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
        server_.connections_.erase(shared_from_this());
    }

    const std::string& interface() const { return interface_; }
    std::uint64_t last_request() const { return last_request_; }
    void rearm_idle() { arm_idle_timer(); }

private:
    void cancel(std::optional<hal::TimerId>& t) {
        if (t) server_.scheduler_.cancel(*t);
        t.reset();
    }

    // Closes the connection when `timer` fires, counting it in `counter`.
    hal::TimerId close_after(hal::Duration peer, std::optional<hal::TimerId> Connection::*timer, std::uint64_t Stats::*counter) {
        std::weak_ptr<Connection> weak = shared_from_this();
        return server_.scheduler_.after(server_.scheduler_.peer_time(peer), [weak, timer, counter] {
            if (auto self = weak.lock()) {
                ((*self).*timer).reset();
                ++(self->server_.stats_.*counter);
                self->close();
            }
        });
    }

    // Idle = no complete request: bytes that never make a frame do not keep a slot.
    void arm_idle_timer() {
        cancel(idle_timer_);
        idle_timer_ = close_after(server_.options_.idle_timeout, &Connection::idle_timer_, &Stats::idle_closed);
    }

    // Serves every complete frame that has arrived; a partial frame waits for more bytes,
    // within the frame timeout from its first byte, without holding anything else up.
    void read_more() {
        if (closed_ || serving_) return;
        if (take_frame()) return;
        if (in_.empty())
            cancel(frame_timer_);
        else if (!frame_timer_)
            frame_timer_ = close_after(server_.options_.frame_timeout, &Connection::frame_timer_, &Stats::frame_timeouts);
        auto self = shared_from_this();
        const std::size_t have = in_.size();
        in_.resize(have + 512);
        socket_.async_read_some(asio::buffer(in_.data() + have, 512), [self, have](boost::system::error_code ec, std::size_t n) {
            self->in_.resize(have + n);
            if (ec || self->closed_) return self->close();
            self->read_more();
        });
    }

    // True when a frame was taken from the buffer (and is being served) or the stream was refused.
    bool take_frame() {
        auto parsed = modbus::mbap::parse(in_);
        if (std::holds_alternative<modbus::mbap::Incomplete>(parsed)) return false;
        if (std::holds_alternative<modbus::mbap::Malformed>(parsed)) {
            ++server_.stats_.protocol_errors;
            close();
            return true;
        }
        auto& taken = std::get<modbus::mbap::Taken>(parsed);
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(taken.consumed));
        cancel(frame_timer_);
        last_request_ = ++server_.activity_;
        arm_idle_timer();
        serving_ = true;
        process(std::move(taken.frame));
        return true;
    }

    void process(modbus::mbap::Frame frame) {
        ++server_.stats_.requests;
        const std::uint8_t fn = frame.pdu.empty() ? 0 : frame.pdu[0];
        header_ = frame.header;
        if (!server_.backend_.accepts_unit(frame.header.unit))
            return send(modbus::encode_exception(fn, modbus::Exception::gateway_path_unavailable));
        auto decoded = modbus::decode_request(frame.pdu);
        if (auto* refusal = std::get_if<modbus::Refusal>(&decoded)) return send(modbus::encode_exception(refusal->function, refusal->exception));
        auto request = std::get<modbus::Request>(std::move(decoded));
        std::weak_ptr<Connection> weak = shared_from_this();
        server_.backend_.handle(request, [weak, request](modbus::Response response) {
            if (auto self = weak.lock()) self->send(modbus::encode_response(request, response));
        });
    }

    void send(const std::vector<std::uint8_t>& pdu) {
        if (closed_) return;
        if (!pdu.empty() && (pdu[0] & 0x80U)) ++server_.stats_.exceptions;
        out_ = modbus::mbap::encode(header_, pdu);
        auto self = shared_from_this();
        asio::async_write(socket_, asio::buffer(out_), [self](boost::system::error_code ec, std::size_t) {
            self->serving_ = false;
            if (ec || self->closed_) return self->close();
            self->read_more();
        });
    }

    ModbusTcpServer& server_;
    tcp::socket socket_;
    std::string interface_;
    std::uint64_t last_request_;  // the server's activity count at its last request (or its accept)
    modbus::mbap::Header header_;
    std::vector<std::uint8_t> in_;
    std::vector<std::uint8_t> out_;
    std::optional<hal::TimerId> idle_timer_, frame_timer_;
    bool serving_ = false;  // one request at a time per connection, answered in order
    bool closed_ = false;
};

ModbusTcpServer::ModbusTcpServer(asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, ModbusBackend& backend,
                                 ModbusTcpOptions options)
    : scheduler_(scheduler), backend_(backend), options_(std::move(options)),
      listeners_(io, scheduler, network, "Modbus TCP", options_.port, [this](tcp::socket s, const std::string& i) { accepted(std::move(s), i); },
                 [this](const std::string& i) { link_down(i); }) {
    options_.max_connections = std::max<std::size_t>(1, options_.max_connections);
}

ModbusTcpServer::~ModbusTcpServer() { stop(); }

void ModbusTcpServer::set_idle_timeout(hal::Duration d) {
    options_.idle_timeout = d;
    for (const auto& c : connections_) c->rearm_idle();  // live: open connections count from now with the new timeout
}

void ModbusTcpServer::start() { listeners_.start(); }

void ModbusTcpServer::stop() {
    listeners_.stop();
    auto open = connections_;
    for (const auto& c : open) c->close();
}

std::string ModbusTcpServer::describe() const {
    const std::string where = listeners_.describe();
    return where + (where.empty() ? "" : "; ") + std::to_string(connections_.size()) + " clients";
}

void ModbusTcpServer::set_max_connections(std::size_t n) {
    options_.max_connections = std::max<std::size_t>(1, n);
    while (connections_.size() > options_.max_connections) make_room();
}

void ModbusTcpServer::link_down(const std::string& interface) {
    auto open = connections_;
    for (const auto& c : open)
        if (c->interface() == interface) {
            ++stats_.link_closed;
            c->close();
        }
}

// The connection with the oldest request (or accept) makes room: a client that polls keeps its
// slot, one that holds a slot without asking anything loses it first.
void ModbusTcpServer::make_room() {
    if (connections_.empty()) return;
    auto oldest = std::min_element(connections_.begin(), connections_.end(),
                                   [](const auto& a, const auto& b) { return a->last_request() < b->last_request(); });
    ++stats_.evicted;
    (*oldest)->close();
}

void ModbusTcpServer::accepted(tcp::socket socket, const std::string& interface) {
    while (connections_.size() >= options_.max_connections) make_room();
    ++stats_.connections;
    auto c = std::make_shared<Connection>(*this, std::move(socket), interface);
    connections_.insert(c);
    c->start();
}

}  // namespace fw
