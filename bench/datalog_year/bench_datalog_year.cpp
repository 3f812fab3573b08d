// A simulated year of logging and posting (issue "Data that reaches people"): the whole rig in
// analytic fidelity, data log 1 writing 20 real-time and energy values every minute into daily
// local files and posting 15-minute files to an HTTP receiver on loopback (a Beast server on its
// own thread, standing in for a head-end), data log 2 the energy every 15 minutes posted hourly
// over the same channel. The receiver is down one day in 30 (the 16th, 46th, ...: 503), so files
// queue on disk and drain. Reported: wall time, x real time, rows and posts, the post queue's
// high-water mark (files and bytes, sampled every simulated hour), bytes of local logs kept.
//
//   build/bin/bench_datalog_year                    # 365 days in a data dir under /dev/shm (no disk fsync cost)
//   build/bin/bench_datalog_year --days=30 --dir=/tmp
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "rig.hpp"
#include "catalogue/catalogue.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/post/post_service.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

int days = 365;
std::string base_dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";

// Keep-alive HTTP/1.1 receiver on 127.0.0.1: counts posts and bytes, answers 503 while `down`.
class Receiver {
public:
    Receiver() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~Receiver() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::atomic<bool> down{false};
    std::atomic<std::uint64_t> posts{0}, bytes{0}, refused{0};

private:
    struct Connection : std::enable_shared_from_this<Connection> {
        Connection(asio::ip::tcp::socket s, Receiver& r) : socket(std::move(s)), rx(r) {}
        asio::ip::tcp::socket socket;
        Receiver& rx;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        http::response<http::string_body> response;
        void read() {
            request = {};
            http::async_read(socket, buffer, request, [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                if (ec) return;
                self->answer();
            });
        }
        void answer() {
            const bool down = rx.down.load();
            if (down) {
                ++rx.refused;
            } else {
                ++rx.posts;
                rx.bytes += request.body().size();
            }
            response = {down ? http::status::service_unavailable : http::status::ok, 11};
            response.keep_alive(request.keep_alive());
            response.body() = down ? "" : "Success!";
            response.prepare_payload();
            http::async_write(socket, response, [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                if (!ec && self->response.keep_alive()) self->read();
            });
        }
    };
    void accept() {
        acceptor_.async_accept([this](boost::beast::error_code ec, asio::ip::tcp::socket s) {
            if (!ec) std::make_shared<Connection>(std::move(s), *this)->read();
            accept();
        });
    }
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

std::uint64_t folder_bytes(const std::filesystem::path& p) {
    std::uint64_t n = 0;
    if (!std::filesystem::exists(p)) return 0;
    for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) n += e.file_size();
    return n;
}

// `keys` and the first `n` loggable parameters of a group, in catalogue order.
nlohmann::json pick(unsigned group, std::size_t n, nlohmann::json keys = nlohmann::json::array()) {
    std::size_t taken = 0;
    for (const auto* p : fw::datalog_settings::loggable())
        if ((p->groups & group) && taken < n) {
            keys.push_back(p->key);
            ++taken;
        }
    return keys;
}

void BM_YearOfLoggingAndPosting(benchmark::State& state) {
    Receiver rx;
    const auto dir = std::filesystem::path(base_dir) / ("acurev-year-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto c = harness::default_config();
    c.fidelity = sim::meter::Fidelity::analytic;
    c.modbus_port = 5791;
    c.data_dir = dir.string();
    c.settings = {
        {"post_channel_1.enable", true}, {"post_channel_1.http_url", "http://127.0.0.1/post"}, {"post_channel_1.http_port", rx.port()},
        {"post_channel_1.meter_id", "bench"}, {"post_channel_1.http_token", "t0ken"},
        {"data_log_1.enable", true}, {"data_log_1.interval", 60}, {"data_log_1.post_file_length", 900}, {"data_log_1.local_file_length", 86400},
        {"data_log_1.post_channel", 1},
        {"data_log_1.parameters", pick(fw::group_realtime, 15, pick(fw::group_energy, 5))},
        {"data_log_2.enable", true}, {"data_log_2.interval", 900}, {"data_log_2.post_file_length", 3600}, {"data_log_2.local_file_length", 2592000},
        {"data_log_2.post_channel", 1}, {"data_log_2.parameters", pick(fw::group_energy, 3)},
    };
    std::uint64_t high_files = 0, high_bytes = 0, hours = 0;
    double wall = 0;
    for (auto _ : state) {
        harness::Rig rig(c);
        rig.start();
        const auto t0 = std::chrono::steady_clock::now();  // the bench's own wall time, outside the firmware
        for (int d = 0; d < days; ++d) {
            rx.down = d % 30 == 15;  // a day-long outage in every 30 days
            for (int h = 0; h < 24; ++h) {
                rig.advance(std::chrono::hours(1));
                ++hours;
                if (auto* post = dynamic_cast<fw::PostService*>(rig.firmware().running_service("post"))) {
                    const auto s = post->status().at(1);
                    high_files = std::max<std::uint64_t>(high_files, s.queued);
                    high_bytes = std::max(high_bytes, s.queued_bytes);
                }
            }
        }
        rx.down = false;
        rig.advance(std::chrono::hours(2));  // the last files drain
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        auto* post = dynamic_cast<fw::PostService*>(rig.firmware().running_service("post"));
        const auto s = post ? post->status().at(1) : fw::PostService::ChannelStatus{};
        state.counters["sent"] = static_cast<double>(s.sent);
        state.counters["left_queued"] = static_cast<double>(s.queued);
        state.counters["dropped"] = static_cast<double>(s.dropped);
    }
    const double simulated = days * 86400.0 + 7200.0;
    state.counters["days"] = days;
    state.counters["wall_s"] = wall;
    state.counters["x_realtime"] = simulated / wall;
    state.counters["posts_received"] = static_cast<double>(rx.posts.load());
    state.counters["refused_503"] = static_cast<double>(rx.refused.load());
    state.counters["MB_posted"] = static_cast<double>(rx.bytes.load()) / 1e6;
    state.counters["queue_high_files"] = static_cast<double>(high_files);
    state.counters["queue_high_MB"] = static_cast<double>(high_bytes) / 1e6;
    state.counters["local_logs_MB"] = static_cast<double>(folder_bytes(dir / "logs")) / 1e6;
    state.SetLabel("analytic fidelity, data dir under " + base_dir);
    std::filesystem::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_YearOfLoggingAndPosting)->Iterations(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv) {
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--days=", 7) == 0) days = std::max(1, std::atoi(argv[i] + 7));
        else if (std::strncmp(argv[i], "--dir=", 6) == 0) base_dir = argv[i] + 6;
        else rest.push_back(argv[i]);
    }
    int n = static_cast<int>(rest.size());
    benchmark::Initialize(&n, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
