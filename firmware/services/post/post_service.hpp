#pragma once
// The post channels (web manual 7.6): each enabled channel sends the files queued in its folder
// of the data directory (`post1` ... `post3`) to its HTTP/HTTPS, FTP or SFTP server through libcurl
// on the loop, oldest first, one at a time; a file leaves the queue only when the server took it
// (HTTP 2xx; FTP/SFTP upload under a temporary name, then renamed, so a receiver never sees half a
// file). A failure is retried with back-off (30 s doubling to 30 min of device time). The queues
// together hold at most `post.cache_limit_mb`; past it the oldest file goes and health says so.
// The data loggers put files in the queues (post_queue.hpp); the queue is the store-and-forward.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/post/curl_loop.hpp"
#include "services/service.hpp"

namespace fw {

class PostService final : public Service {
public:
    explicit PostService(ServiceContext& context);
    ~PostService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::live; }

    struct ChannelStatus {
        int channel = 0;
        bool enabled = false;
        std::string method;
        std::size_t queued = 0;
        std::uint64_t queued_bytes = 0, sent = 0, failures = 0, dropped = 0;
        std::string last_error;
        bool sending = false;
    };
    std::vector<ChannelStatus> status() const;
    void poke(int channel);  // a file was queued
    // Deletes every queued file (7.6 "Clear Post Channel Logs").
    void clear();
    // Posts a small test file now (7.6 "TEST Post Channel"; channel 0: AcuCloud) and reports the outcome.
    void test(int channel, std::function<void(TransferResult)> done);
    static constexpr int acucloud = 0;                    // AcuCloud (7.7) as channel 0: folder `acucloud`
    static constexpr std::int64_t acucloud_every_s = 300;  // "every five minutes"

private:
    struct Channel {
        int n = 0;
        bool enabled = false;
        std::int64_t method = 0;
        std::uint64_t sent = 0, failures = 0;
        std::string last_error;
        bool sending = false;
        hal::TimerId retry = 0;
        hal::Duration backoff{};
    };
    void send_next(Channel& ch);
    // A handle set up for the channel's method, and what it points at (kept for the transfer's life).
    std::pair<CURL*, std::shared_ptr<void>> transfer(const Channel& ch, const std::string& remote_name, const std::string& post_id,
                                                     std::shared_ptr<std::string> body, bool json_body);
    void enforce_cap();
    Channel& channel(int n) { return n == acucloud ? cloud_ : channels_[static_cast<std::size_t>(n - 1)]; }
    std::string folder(int n) const;
    void on_realtime();  // AcuCloud's five-minute posts, on the device's date

    ServiceContext& context_;
    std::unique_ptr<CurlLoop> curl_;
    std::vector<Channel> channels_;
    Channel cloud_;
    std::int64_t cloud_last_ = 0;
    int subscription_ = 0;
    std::uint64_t dropped_ = 0;
    std::string dropped_last_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fw
