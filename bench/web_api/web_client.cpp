// Load client for bench/web_api/compare.sh: CLIENTS keep-alive HTTPS connections on one thread,
// each sending its share of N GETs of PATH one after another; prints
// {"req_per_s": ..., "p50_us": ..., "p99_us": ...} (latency per request, from send to full reply).
// Usage: bench_web_client HOST PORT PATH TOKEN N CLIENTS
#include <utility>  // before any Asio header (build notes)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Shared {
    std::vector<double> latencies_us;
    int failures = 0;
    std::string error;
};

class Client : public std::enable_shared_from_this<Client> {
public:
    Client(asio::io_context& io, ssl::context& ctx, Shared& shared, http::request<http::empty_body> req, int count)
        : stream_(io, ctx), shared_(shared), req_(std::move(req)), left_(count) {}
    void start(const tcp::endpoint& where) {
        beast::get_lowest_layer(stream_).connect(where);
        beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay(true));
        stream_.handshake(ssl::stream_base::client);
    }
    void send() {
        if (left_-- <= 0) return;
        sent_ = Clock::now();
        auto self = shared_from_this();
        http::async_write(stream_, req_, [self](beast::error_code ec, std::size_t) {
            if (ec) return self->fail(ec);
            self->res_ = {};
            http::async_read(self->stream_, self->buffer_, self->res_, [self](beast::error_code ec2, std::size_t) {
                if (ec2) return self->fail(ec2);
                if (self->res_.result() != http::status::ok) {
                    ++self->shared_.failures;
                    self->shared_.error = "HTTP " + std::to_string(self->res_.result_int()) + ": " + self->res_.body();
                }
                self->shared_.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - self->sent_).count());
                self->send();
            });
        });
    }
private:
    void fail(beast::error_code ec) {
        ++shared_.failures;
        shared_.error = ec.message();
    }
    ssl::stream<beast::tcp_stream> stream_;
    Shared& shared_;
    http::request<http::empty_body> req_;
    beast::flat_buffer buffer_;
    http::response<http::string_body> res_;
    int left_;
    Clock::time_point sent_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7) {
        std::cerr << "usage: bench_web_client HOST PORT PATH TOKEN N CLIENTS\n";
        return 2;
    }
    try {
        const int n = std::stoi(argv[5]), clients = std::stoi(argv[6]);
        asio::io_context io;
        ssl::context ctx(ssl::context::tls_client);
        ctx.set_verify_mode(ssl::verify_none);  // a benchmark of the API, not of certificate checks
        http::request<http::empty_body> req{http::verb::get, argv[3], 11};
        req.set(http::field::host, argv[1]);
        req.set(http::field::authorization, std::string("Bearer ") + argv[4]);
        req.keep_alive(true);
        const tcp::endpoint where(asio::ip::make_address(argv[1]), static_cast<unsigned short>(std::stoi(argv[2])));
        Shared shared;
        std::vector<std::shared_ptr<Client>> all;
        for (int i = 0; i < clients; ++i) all.push_back(std::make_shared<Client>(io, ctx, shared, req, n / clients + (i < n % clients)));
        for (auto& c : all) c->start(where);  // handshakes before the clock starts
        const auto t0 = Clock::now();
        for (auto& c : all) c->send();
        io.run();
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        if (shared.failures) {
            std::cerr << "bench_web_client: " << shared.failures << " failed requests, last: " << shared.error << "\n";
            return 1;
        }
        auto& l = shared.latencies_us;
        std::sort(l.begin(), l.end());
        auto pct = [&l](double p) { return l[std::min(l.size() - 1, static_cast<std::size_t>(p * static_cast<double>(l.size())))]; };
        std::printf("{\"req_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f}\n", static_cast<double>(l.size()) / secs, pct(0.5), pct(0.99));
    } catch (const std::exception& e) {
        std::cerr << "bench_web_client: " << e.what() << "\n";
        return 1;
    }
}
