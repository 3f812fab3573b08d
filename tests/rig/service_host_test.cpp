// The service host: a service that cannot start (its port is taken) is reported failed with the
// reason and retried with back-off while Modbus TCP serves; once the port is free it comes up
// without a restart of the others.
#include <catch2/catch.hpp>

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "modbus_client.hpp"
#include "services/service_host.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A real listener on a fixed port of eth1's address: the smallest service with a port to lose.
class ListenerService final : public fw::Service {
public:
    ListenerService(fw::ServiceContext& c, std::uint16_t port) : context_(c), port_(port) {}
    void start() override {
        const auto address = context_.hal.network.listen_addresses().at(0).address;
        auto a = std::make_unique<tcp::acceptor>(context_.hal.io);
        boost::system::error_code ec;
        const tcp::endpoint e(asio::ip::make_address(address), port_);
        a->open(e.protocol(), ec);
        if (!ec) a->bind(e, ec);
        if (!ec) a->listen(8, ec);
        if (ec) throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port_) + ": " + ec.message());
        acceptor_ = std::move(a);
    }
    void stop() override { acceptor_.reset(); }
    fw::Health health() const override { return {acceptor_ != nullptr, "port " + std::to_string(port_)}; }
    fw::Reconfigured reconfigure(const std::vector<std::string>&) override { return fw::Reconfigured::restart_service; }

private:
    fw::ServiceContext& context_;
    std::uint16_t port_;
    std::unique_ptr<tcp::acceptor> acceptor_;
};

}  // namespace

TEST_CASE("service host: a service whose port is taken is failed with the reason, retried, and comes up when it is free") {
    static constexpr std::uint16_t taken_port = 5741;
    asio::io_context other;
    auto squatter = std::make_unique<tcp::acceptor>(other, tcp::endpoint(asio::ip::make_address("127.0.0.1"), taken_port));

    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5740;
    fw::FirmwareOptions options;
    options.services.push_back({"listener", "Listener", [](fw::ServiceContext& ctx) { return std::make_unique<ListenerService>(ctx, taken_port); }});
    harness::Rig rig(c, options);
    rig.start();
    rig.advance(3s);

    auto& host = rig.firmware().services();
    auto listener = host.state("listener");
    REQUIRE(listener);
    CHECK(listener->state == fw::ServiceState::State::failed);
    CHECK(listener->detail == "cannot listen on 127.0.0.1:5741: Address already in use");
    CHECK(listener->failures >= 2);  // retried at 1 s and 2 s already
    CHECK(host.state("modbus_tcp")->state == fw::ServiceState::State::running);
    const auto table = fw::endpoint_table(host);
    CHECK(table.find("listener     failed   cannot listen on 127.0.0.1:5741") != std::string::npos);
    CHECK(table.find("modbus_tcp   running  eth1 127.0.0.1:5740") != std::string::npos);
    auto frequency = harness::with_client(rig, [](modbus_t* m) {
        std::uint16_t r[2];
        return modbus_read_registers(m, 0x2000, 2, r);
    });
    CHECK(frequency == 2);

    asio::io_context client_io;
    tcp::socket modbus_client(client_io);
    modbus_client.connect({asio::ip::make_address("127.0.0.1"), rig.modbus_tcp_port()});
    rig.io().poll();
    squatter.reset();
    rig.advance(fw::ServiceHost::max_retry);
    CHECK(host.state("listener")->state == fw::ServiceState::State::running);
    CHECK(host.state("listener")->failures == 0);
    // Modbus TCP was not restarted: the connection made before is still served.
    CHECK(rig.firmware().modbus_tcp().server().stats().connections >= 2);
    CHECK(rig.firmware().modbus_tcp().server().open_connections() == 1);
}
