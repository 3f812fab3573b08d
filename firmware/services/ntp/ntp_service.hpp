#pragma once
// Time/Date (web manual 7.4): an SNTP client (RFC 4330, client side) on the module's loop with up to
// three servers tried in order (a server that does not answer, answers wrongly or is refused by
// the hal hands over to the next), "Force Update", the device clock set by hand, the IANA time
// zone the device clock follows (DST by the zone's rules), and the metering board's clock (the
// 0x0180 block, local wall time) kept with the module's. Steps, settings by hand and DST changes
// go to the module's event log. docs/time.md is the design.
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/udp.hpp>
#include <nlohmann/json.hpp>

#include "services/ntp/ntp_settings.hpp"
#include "services/ntp/sntp_packet.hpp"
#include "services/service.hpp"

namespace fw {

class NtpService final : public Service {
public:
    // Designed (docs/time.md): offsets at least this large step the clock and are logged; smaller
    // ones are corrected silently (the same 128 ms as ntpd's and chrony's step threshold).
    static constexpr hal::Duration step_threshold = std::chrono::milliseconds(128);
    static constexpr hal::Duration reply_timeout = std::chrono::seconds(5);  // per server, peer time
    static constexpr hal::Duration board_check_every = std::chrono::hours(1);
    static constexpr hal::Duration board_tolerance = std::chrono::seconds(2);

    explicit NtpService(ServiceContext& context);
    ~NtpService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::reboot_module; }

    struct Outcome {
        bool ok = false;
        std::string detail;
    };
    // 7.4 "Sync Time: Force Update": a synchronisation now; `done` when it succeeded or every server failed.
    void force_update(std::function<void(Outcome)> done);
    // 7.4 "Device Clock" set by hand (UTC); logged, and the board's clock follows.
    void set_clock(hal::Time utc);
    nlohmann::json status() const;

private:
    struct Server {
        std::string label, text;  // "NTP Server 1", "127.0.0.1:11123"
        ntp_settings::ServerAddress address;
        std::string state = "not tried";
    };
    void begin_cycle();
    void try_server(std::size_t i);
    void send_to(std::size_t i, const boost::asio::ip::udp::endpoint& to);
    void arm_receive();
    void on_datagram(std::size_t n);
    void server_failed(const std::string& why);
    void finish(bool ok, const std::string& detail);
    void apply(const sntp::Sample& s, const sntp::Reply& r);
    void stepped(hal::Time before, const std::string& why);
    void watch_zone();
    void write_board_clock();
    void check_board_clock();
    // Whether the board's clock shows the device's UTC + `utc_offset_s` (none before it was read).
    std::optional<bool> board_shows(std::int32_t utc_offset_s) const;
    std::string zone_text() const;

    ServiceContext& context_;
    std::shared_ptr<bool> alive_;
    bool enabled_ = false;
    hal::Duration poll_{std::chrono::seconds(1024)};
    std::vector<Server> servers_;
    boost::asio::ip::udp::socket socket_;
    boost::asio::ip::udp::endpoint from_, expected_;
    std::array<std::uint8_t, 512> buffer_{};
    std::optional<std::size_t> current_;  // the server asked now (a cycle is under way)
    std::uint64_t cycle_ = 0;             // numbers cycles, so a late resolver answer is dropped
    std::uint64_t sent_transmit_ = 0;
    hal::Time t1_{};
    bool in_exchange_ = false;
    std::vector<std::string> cycle_errors_;
    std::vector<std::function<void(Outcome)>> waiting_;
    hal::Duration backoff_{std::chrono::seconds(16)};

    // The last synchronisation.
    bool synchronised_ = false;
    std::string synced_server_, last_error_ = "not synchronised yet";
    double last_offset_s_ = 0, last_delay_s_ = 0;
    std::optional<hal::Time> last_sync_;  // device UTC
    int stratum_ = 0;

    std::string zone_error_;
    hal::ZoneOffset zone_seen_;
    std::string board_state_ = "not written yet";
    bool board_writing_ = false;
    std::optional<hal::TimerId> poll_timer_, reply_timer_, zone_timer_, board_timer_, board_write_timer_;
};

}  // namespace fw
