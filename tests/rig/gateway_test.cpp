// The hardened Modbus TCP gateway over real sockets: frame deadline, idle timeout, slots that
// always make room for a fresh client, the connection limit as a live setting, interfaces whose
// link goes down and up, and the service host with a service that cannot start.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "modbus_client.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct Client {
    explicit Client(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
};

std::unique_ptr<Client> connect(asio::io_context& io, const std::string& address, std::uint16_t port) {
    auto c = std::make_unique<Client>(io);
    c->socket.connect({asio::ip::make_address(address), port});
    return c;
}

// True while the server keeps the connection: nothing to read and no end of stream.
bool open_on_server(Client& c) {
    c.socket.non_blocking(true);
    std::uint8_t b[64];
    boost::system::error_code ec;
    c.socket.read_some(asio::buffer(b), ec);
    return ec == asio::error::would_block;
}

// FC03 0x2000 x 2 on a raw socket: the reply's byte count field (4) or -1.
int read_frequency(harness::Rig& rig, Client& c) {
    const std::uint8_t req[] = {0, 7, 0, 0, 0, 6, 1, 0x03, 0x20, 0x00, 0x00, 0x02};
    boost::system::error_code ec;
    c.socket.non_blocking(false);
    asio::write(c.socket, asio::buffer(req), ec);
    if (ec) return -1;
    c.socket.non_blocking(true);
    std::vector<std::uint8_t> got;
    for (int i = 0; i < 2000 && got.size() < 13; ++i) {
        rig.io().poll();
        std::uint8_t b[64];
        const auto n = c.socket.read_some(asio::buffer(b), ec);
        if (ec && ec != asio::error::would_block) return -1;
        got.insert(got.end(), b, b + n);
        if (ec == asio::error::would_block) rig.io().run_one_for(1ms);
    }
    return got.size() >= 9 && got[7] == 0x03 ? got[8] : -1;
}

}  // namespace

TEST_CASE("gateway: a half-sent frame is dropped after the frame timeout, an idle client after the idle timeout") {
    auto rig_ptr = harness::started_rig(5730);
    auto& rig = *rig_ptr;
    asio::io_context client_io;
    auto slow = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
    auto idle = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
    const std::uint8_t part[] = {0, 1, 0};
    asio::write(slow->socket, asio::buffer(part));
    auto fresh = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
    CHECK(read_frequency(rig, *fresh) == 4);  // the half-sent frame holds nobody up
    rig.advance(2s);
    CHECK(open_on_server(*slow));
    rig.advance(1500ms);  // 3 s after its first byte
    CHECK_FALSE(open_on_server(*slow));
    CHECK(rig.firmware().modbus_tcp().server().stats().frame_timeouts == 1);
    rig.advance(50s);
    CHECK(open_on_server(*idle));
    rig.advance(10s);  // 60 s (the default idle timeout) after it connected
    CHECK_FALSE(open_on_server(*idle));
    CHECK(rig.firmware().modbus_tcp().server().stats().idle_closed >= 1);
}

TEST_CASE("gateway: 32 idle and 32 one-byte-every-5-s connections never lock a fresh client out") {
    auto rig_ptr = harness::started_rig(5731);
    auto& rig = *rig_ptr;
    asio::io_context client_io;
    std::vector<std::unique_ptr<Client>> idle, trickle;
    for (int i = 0; i < 32; ++i) idle.push_back(connect(client_io, "127.0.0.1", rig.modbus_tcp_port()));
    rig.io().poll();
    for (int i = 0; i < 32; ++i) trickle.push_back(connect(client_io, "127.0.0.1", rig.modbus_tcp_port()));
    rig.io().poll();
    const auto& server = rig.firmware().modbus_tcp().server();
    for (int round = 0; round < 6; ++round) {
        for (auto& t : trickle) {
            const std::uint8_t one = 0;
            boost::system::error_code ec;
            asio::write(t->socket, asio::buffer(&one, 1), ec);  // refused once the server closed it
        }
        rig.io().poll();
        CHECK(server.open_connections() <= 32);
        auto fresh = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
        INFO("round " << round);
        CHECK(read_frequency(rig, *fresh) == 4);
        rig.advance(5s);
    }
    CHECK(server.stats().evicted >= 32);
}

TEST_CASE("gateway: the connection limit is a setting applied live") {
    auto rig_ptr = harness::started_rig(5732);
    auto& rig = *rig_ptr;
    asio::io_context client_io;
    std::vector<std::unique_ptr<Client>> held;
    for (int i = 0; i < 6; ++i) held.push_back(connect(client_io, "127.0.0.1", rig.modbus_tcp_port()));
    rig.io().poll();
    REQUIRE(rig.firmware().modbus_tcp().server().open_connections() == 6);
    CHECK(rig.firmware().change_settings({{"network.modbus_tcp_max_connections", 4}}).empty());
    CHECK(rig.firmware().modbus_tcp().server().open_connections() == 4);
    CHECK_FALSE(open_on_server(*held[0]));  // the longest idle went first
    CHECK(open_on_server(*held[5]));
    const auto errors = rig.firmware().change_settings({{"network.modbus_tcp_max_connections", 0}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "Modbus TCP Connections must be between 1 and 64, got 0");
}

TEST_CASE("gateway: eth1's link goes down and up; eth2 serves throughout") {
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5733;
    c.eth2_address = "127.0.0.2";
    harness::Rig rig(c);
    rig.start();
    rig.advance(3s);
    asio::io_context client_io;
    auto on_eth1 = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
    auto on_eth2 = connect(client_io, "127.0.0.2", rig.modbus_tcp_port());
    REQUIRE(read_frequency(rig, *on_eth1) == 4);
    REQUIRE(read_frequency(rig, *on_eth2) == 4);
    rig.network().set_link("eth1", false);
    rig.io().poll();
    CHECK_FALSE(open_on_server(*on_eth1));
    boost::system::error_code ec;
    tcp::socket refused(client_io);
    refused.connect({asio::ip::make_address("127.0.0.1"), rig.modbus_tcp_port()}, ec);
    CHECK(ec == asio::error::connection_refused);
    rig.advance(5s);
    CHECK(read_frequency(rig, *on_eth2) == 4);
    rig.network().set_link("eth1", true);
    auto again = connect(client_io, "127.0.0.1", rig.modbus_tcp_port());
    CHECK(read_frequency(rig, *again) == 4);
    CHECK(read_frequency(rig, *on_eth2) == 4);
    CHECK(rig.firmware().modbus_tcp().server().stats().link_closed == 1);
}
