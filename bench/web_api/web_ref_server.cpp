// The limit for the web API's latency (bench/web_api/compare.sh): a minimal Boost.Beast HTTPS
// server on one thread that answers every request with the same JSON body, read from a file (the
// module's own reply, so both send the same bytes), with the same TLS settings as the module.
// Usage: bench_web_ref_server ADDRESS PORT CERT.pem KEY.pem BODY.json
#include <utility>  // before any Asio header (build notes)

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot read ") + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, ssl::context& ctx, const std::string& body) : stream_(std::move(socket), ctx), body_(body) {}
    void start() {
        auto self = shared_from_this();
        stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
            if (!ec) self->read();
        });
    }

private:
    void read() {
        req_ = {};
        auto self = shared_from_this();
        http::async_read(stream_, buffer_, req_, [self](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->res_ = {http::status::ok, self->req_.version()};
            self->res_.set(http::field::content_type, "application/json");
            self->res_.body() = self->body_;
            self->res_.keep_alive(self->req_.keep_alive());
            self->res_.prepare_payload();
            http::async_write(self->stream_, self->res_, [self](beast::error_code ec2, std::size_t) {
                if (!ec2 && self->res_.keep_alive()) self->read();
            });
        });
    }
    ssl::stream<tcp::socket> stream_;
    const std::string& body_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor, ssl::context& ctx, const std::string& body) {
    acceptor.async_accept([&acceptor, &ctx, &body](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            socket.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(socket), ctx, body)->start();
        }
        accept(acceptor, ctx, body);
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: bench_web_ref_server ADDRESS PORT CERT.pem KEY.pem BODY.json\n";
        return 2;
    }
    try {
        const std::string body = read_file(argv[5]);
        ssl::context ctx(ssl::context::tls_server);
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                        ssl::context::no_tlsv1_1);
        ctx.use_certificate_chain_file(argv[3]);
        ctx.use_private_key_file(argv[4], ssl::context::pem);
        asio::io_context io;
        tcp::acceptor acceptor(io, {asio::ip::make_address(argv[1]), static_cast<unsigned short>(std::stoi(argv[2]))});
        accept(acceptor, ctx, body);
        std::cout << "ready" << std::endl;
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "bench_web_ref_server: " << e.what() << "\n";
        return 1;
    }
}
