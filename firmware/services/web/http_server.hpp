#pragma once
// The web service's HTTP/1.1 server on Boost.Beast, HTTPS (TLS 1.2 and 1.3 only) or plain HTTP,
// on the firmware's loop, listening on every interface that is up. Hardened against clients that
// hold slots: a request (the TLS handshake included) must arrive whole within the request timeout,
// a kept-alive connection waits that long for the next one, and when every slot is taken the
// connection idle longest makes room. Timeouts are peer time (ARCHITECTURE "Time is virtual").
// Every response carries the security headers (CSP, no-sniff, frame denial, HSTS over TLS).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "hal/clock.hpp"
#include "hal/network.hpp"
#include "services/web/http_types.hpp"
#include "services/web/tls_identity.hpp"

namespace fw {

struct HttpServerOptions {
    std::uint16_t port = 443;                      // the host port (after the unprivileged mapping)
    std::optional<TlsIdentity> tls;                // none: plain HTTP
    hal::Duration request_timeout{30'000'000'000};  // peer time
    std::size_t max_connections = 128;  // browsers open about 6 each; scripts and the 100-client bench fit
    std::size_t header_limit = 8 * 1024;
    std::size_t body_limit = 64 * 1024;            // 413 beyond it, except on the upload paths below
    std::vector<std::pair<std::string, std::size_t>> upload_paths;  // path and its own body limit
};

class HttpServer final {
public:
    struct Stats {
        std::uint64_t connections = 0, requests = 0, timeouts = 0, evicted = 0, bad_requests = 0, handshake_failures = 0;
    };
    HttpServer(boost::asio::io_context& io, hal::Scheduler& scheduler, hal::Network& network, HttpServerOptions options, HttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void start();  // throws std::runtime_error naming the address and the reason
    void stop();
    bool listening() const;
    bool secure() const;
    std::uint16_t port() const { return options_.port; }
    // "https://127.0.0.1:10443 (eth1)"; the URLs of every interface listened on.
    std::vector<std::string> urls() const;
    std::string describe() const;
    // Whether TLS can serve with this certificate and key (OpenSSL's security level, the chain).
    static std::optional<std::string> check_identity(const TlsIdentity& identity);
    // New connections use the new certificate and key (checked with check_identity first).
    void set_identity(const TlsIdentity& identity);
    std::size_t open_connections() const;
    const Stats& stats() const;

private:
    class Impl;
    HttpServerOptions options_;  // before impl_, which refers to it
    std::unique_ptr<Impl> impl_;
};

}  // namespace fw
