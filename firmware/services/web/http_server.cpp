#include <utility>  // before any Asio header: Boost 1.74 Asio with GCC 12 in C++20 (build notes)

#include "services/web/http_server.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>

#include "services/net/tcp_listeners.hpp"

namespace fw {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::shared_ptr<ssl::context> make_context(const TlsIdentity& id) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                     ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx->native_handle(), TLS1_3_VERSION);
    // TLS 1.2: forward-secret AEAD suites only.
    SSL_CTX_set_cipher_list(ctx->native_handle(), "ECDHE+AESGCM:ECDHE+CHACHA20");
    boost::system::error_code ec;
    ctx->use_certificate_chain(asio::buffer(id.certificate_pem), ec);
    if (!ec) ctx->use_private_key(asio::buffer(id.private_key_pem), ssl::context::pem, ec);
    if (ec) throw std::runtime_error("the web server's certificate or key cannot be used: " + ec.message());
    return ctx;
}

// "/api/v1/x?a=1&b=2" into a decoded path and query; false when an escape is malformed.
bool split_target(const std::string& target, HttpRequest& r) {
    const auto q = target.find('?');
    if (!url_decode(target.substr(0, q), r.path, false) || r.path.find('\0') != std::string::npos || r.path.empty() || r.path[0] != '/')
        return false;
    if (q == std::string::npos) return true;
    const std::string query = target.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t end = query.find('&', pos);
        if (end == std::string::npos) end = query.size();
        const std::string item = query.substr(pos, end - pos);
        if (!item.empty()) {
            const auto eq = item.find('=');
            std::string k, v;
            if (!url_decode(item.substr(0, eq), k, true)) return false;
            if (eq != std::string::npos && !url_decode(item.substr(eq + 1), v, true)) return false;
            r.query[k] = v;
        }
        pos = end + 1;
    }
    return true;
}

}  // namespace

class HttpServer::Impl {
public:
    struct ConnectionBase {
        virtual ~ConnectionBase() = default;
        virtual void close() = 0;
        std::string interface;
        std::uint64_t last_activity = 0;
        bool serving = false;
    };
    template <class Stream>
    class Connection;

    Impl(asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, const HttpServerOptions& options, HttpHandler handler)
        : io_(io), scheduler_(scheduler), options_(options), handler_(std::move(handler)),
          listeners_(io, scheduler, network, options.tls ? "HTTPS" : "HTTP", options.port,
                     [this](tcp::socket s, const std::string& i) { accepted(std::move(s), i); }, [this](const std::string& i) { link_down(i); }) {
        if (options_.tls) ssl_ = make_context(*options_.tls);
    }
    ~Impl() { stop(); }

    void stop() {
        listeners_.stop();
        auto open = connections_;
        for (const auto& c : open) c->close();
    }

    void accepted(tcp::socket socket, const std::string& interface);
    void link_down(const std::string& interface) {
        auto open = connections_;
        for (const auto& c : open)
            if (c->interface == interface) c->close();
    }
    // The connection waiting longest for a request makes room (one being served keeps its slot).
    void make_room() {
        std::shared_ptr<ConnectionBase> oldest;
        for (const auto& c : connections_)
            if (!c->serving && (!oldest || c->last_activity < oldest->last_activity)) oldest = c;
        if (!oldest && !connections_.empty()) oldest = *connections_.begin();
        if (!oldest) return;
        ++stats_.evicted;
        oldest->close();
    }

    asio::io_context& io_;
    hal::Scheduler& scheduler_;
    const HttpServerOptions& options_;
    HttpHandler handler_;
    std::shared_ptr<ssl::context> ssl_;
    std::set<std::shared_ptr<ConnectionBase>> connections_;
    std::uint64_t activity_ = 0;
    Stats stats_;
    TcpListeners listeners_;
};

template <class Stream>
class HttpServer::Impl::Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
public:
    // `context` (the TLS context, or none) lives as long as the stream that uses it.
    template <class... Args>
    Connection(Impl& server, std::shared_ptr<void> context, std::string interface_name, Args&&... args)
        : server_(server), context_(std::move(context)), stream_(std::forward<Args>(args)...) {
        interface = std::move(interface_name);
        last_activity = ++server_.activity_;
        boost::system::error_code ec;
        const auto peer = beast::get_lowest_layer(stream_).remote_endpoint(ec);
        client_ = ec ? std::string("unknown") : peer.address().to_string();
    }

    void start() {
        arm_timer();
        if constexpr (std::is_same_v<Stream, tcp::socket>) {
            read_request();
        } else {
            auto self = this->shared_from_this();
            stream_.async_handshake(ssl::stream_base::server, [self](boost::system::error_code ec) {
                if (self->closed_) return;
                if (ec) {
                    ++self->server_.stats_.handshake_failures;
                    return self->close();
                }
                self->read_request();
            });
        }
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        cancel_timer();
        boost::system::error_code ec;
        auto& socket = beast::get_lowest_layer(stream_);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        server_.connections_.erase(this->shared_from_this());
    }

private:
    void cancel_timer() {
        if (timer_) server_.scheduler_.cancel(*timer_);
        timer_.reset();
    }
    // The handshake, then each request, must arrive whole within the request timeout.
    void arm_timer() {
        cancel_timer();
        std::weak_ptr<Connection> weak = this->shared_from_this();
        timer_ = server_.scheduler_.after(server_.scheduler_.peer_time(server_.options_.request_timeout), [weak] {
            if (auto self = weak.lock()) {
                self->timer_.reset();
                ++self->server_.stats_.timeouts;
                self->close();
            }
        });
    }

    void read_request() {
        if (closed_) return;
        serving = false;
        arm_timer();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_.options_.header_limit));
        // Beast checks a Content-Length against the limit as the header completes, before we know the
        // path: the header is read under the largest limit, then the path's own one is applied.
        std::size_t largest = server_.options_.body_limit;
        for (const auto& [upload, limit] : server_.options_.upload_paths) largest = std::max(largest, limit);
        parser_->body_limit(largest);
        auto self = this->shared_from_this();
        http::async_read_header(stream_, buffer_, *parser_, [self](beast::error_code ec, std::size_t) {
            if (ec) return self->read_failed(ec);
            const std::string target(self->parser_->get().target());
            const std::string path = target.substr(0, target.find('?'));
            std::size_t allowed = self->server_.options_.body_limit;
            for (const auto& [upload, limit] : self->server_.options_.upload_paths)
                if (upload == path) allowed = limit;
            const auto length = self->parser_->content_length();
            if (length && *length > allowed) return self->read_failed(http::error::body_limit);
            self->parser_->body_limit(allowed);  // a chunked body is counted as it comes
            http::async_read(self->stream_, self->buffer_, *self->parser_, [self](beast::error_code ec2, std::size_t) {
                if (ec2) return self->read_failed(ec2);
                self->serve();
            });
        });
    }

    void read_failed(beast::error_code ec) {
        if (closed_) return;
        if (ec == http::error::body_limit) return refuse(413, "the request body is too large");
        if (ec == http::error::header_limit) return refuse(431, "the request header is too large");
        if (ec.category() == beast::http::make_error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
            ec != http::error::partial_message)
            return refuse(400, "malformed HTTP request: " + ec.message());
        close();  // the client went away (or a timeout closed the socket)
    }

    // An answer to a request that could not be read whole; the connection then closes.
    void refuse(int status, const std::string& why) {
        ++server_.stats_.bad_requests;
        keep_alive_ = false;
        draining_ = status == 413;
        respond(HttpResponse::error(status, why), 11);
    }

    void serve() {
        if (closed_) return;  // stopped while the request was read
        // The timer runs on: an answer that never comes (the board silent) does not hold the slot.
        arm_timer();
        serving = true;
        last_activity = ++server_.activity_;
        ++server_.stats_.requests;
        auto& m = parser_->get();
        keep_alive_ = m.keep_alive();
        head_ = m.method() == http::verb::head;
        HttpRequest r;
        r.method = std::string(m.method_string());
        r.client_address = client_;
        r.interface = interface;
        r.secure = !std::is_same_v<Stream, tcp::socket>;
        for (const auto& f : m) {
            std::string name(f.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            r.headers[name] = std::string(f.value());
        }
        r.body = std::move(m.body());
        const int version = static_cast<int>(m.version());
        if (!split_target(std::string(m.target()), r)) return refuse(400, "malformed request target");
        std::weak_ptr<Connection> weak = this->shared_from_this();
        try {
            server_.handler_(r, [weak, version](HttpResponse response) {
                if (auto self = weak.lock()) self->respond(std::move(response), version);
            });
        } catch (const std::exception& e) {
            respond(HttpResponse::error(500, std::string("internal error: ") + e.what()), version);
        }
    }

    void respond(HttpResponse response, int version) {
        if (closed_) return;
        arm_timer();  // a client that does not read its answer does not keep the slot
        res_ = {};
        res_.version(version);
        res_.result(static_cast<http::status>(response.status));
        res_.set(http::field::content_type, response.content_type);
        res_.set("Content-Security-Policy", content_security_policy);
        res_.set("X-Content-Type-Options", "nosniff");
        res_.set("X-Frame-Options", "DENY");
        res_.set("Referrer-Policy", "no-referrer");
        if (!std::is_same_v<Stream, tcp::socket>) res_.set(http::field::strict_transport_security, "max-age=31536000");
        bool cache_given = false;
        for (const auto& [k, v] : response.headers) {
            res_.insert(k, v);
            if (beast::iequals(k, "Cache-Control")) cache_given = true;
        }
        if (!cache_given) res_.set(http::field::cache_control, "no-store");
        res_.body() = std::move(response.body);
        res_.keep_alive(keep_alive_);
        res_.prepare_payload();
        if (head_) res_.body().clear();  // HEAD: the length of what GET would send, no body
        auto self = this->shared_from_this();
        http::async_write(stream_, res_, [self](beast::error_code ec, std::size_t) {
            if (!ec && self->draining_) return self->drain();
            if (ec || !self->keep_alive_) return self->close();
            self->read_request();
        });
    }

    // A client still sending a body too large to take would get a reset, not our 413, if the
    // socket closed with its bytes unread: read and drop them until it stops (a few MiB at most,
    // within the request timeout).
    void drain() {
        if (closed_) return;
        auto self = this->shared_from_this();
        stream_.async_read_some(asio::buffer(scratch_), [self](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ > 4 * 1024 * 1024) return self->close();
            self->drain();
        });
    }

    Impl& server_;
    std::shared_ptr<void> context_;
    Stream stream_;
    std::string client_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    std::optional<hal::TimerId> timer_;
    bool keep_alive_ = true;
    bool closed_ = false;
    bool draining_ = false;
    bool head_ = false;
    std::size_t drained_ = 0;
    std::array<char, 4096> scratch_{};
};

void HttpServer::Impl::accepted(tcp::socket socket, const std::string& interface) {
    while (connections_.size() >= std::max<std::size_t>(1, options_.max_connections)) make_room();
    ++stats_.connections;
    if (ssl_) {
        // A connection keeps the context it began with: a new certificate serves new connections.
        auto c = std::make_shared<Connection<ssl::stream<tcp::socket>>>(*this, ssl_, interface, std::move(socket), *ssl_);
        connections_.insert(c);
        c->start();
    } else {
        auto c = std::make_shared<Connection<tcp::socket>>(*this, nullptr, interface, std::move(socket));
        connections_.insert(c);
        c->start();
    }
}

HttpServer::HttpServer(asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, HttpServerOptions options, HttpHandler handler)
    : options_(std::move(options)) {
    impl_ = std::make_unique<Impl>(io, scheduler, network, options_, std::move(handler));
}

HttpServer::~HttpServer() = default;

void HttpServer::start() { impl_->listeners_.start(); }
void HttpServer::stop() { impl_->stop(); }
bool HttpServer::listening() const { return impl_->listeners_.listening(); }
bool HttpServer::secure() const { return options_.tls.has_value(); }
std::size_t HttpServer::open_connections() const { return impl_->connections_.size(); }
const HttpServer::Stats& HttpServer::stats() const { return impl_->stats_; }

std::vector<std::string> HttpServer::urls() const {
    std::vector<std::string> out;
    for (const auto& [interface, address] : impl_->listeners_.addresses())
        out.push_back(std::string(secure() ? "https://" : "http://") + address + ":" + std::to_string(options_.port));
    return out;
}

std::string HttpServer::describe() const {
    const std::string where = impl_->listeners_.describe();
    return where + (where.empty() ? "" : "; ") + std::to_string(open_connections()) + " clients";
}

std::optional<std::string> HttpServer::check_identity(const TlsIdentity& identity) {
    try {
        make_context(identity);
    } catch (const std::exception& e) {
        return e.what();
    }
    return std::nullopt;
}

void HttpServer::set_identity(const TlsIdentity& identity) {
    if (!secure()) return;
    impl_->ssl_ = make_context(identity);
    options_.tls = identity;
}

}  // namespace fw
