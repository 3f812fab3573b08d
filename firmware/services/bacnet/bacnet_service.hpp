#pragma once
// The BACnet/IP server (web manual 7.8; docs/bacnet-pics.md): a UDP socket on each interface whose
// link is up, on the module's loop. It answers Who-Is/Who-Has, ReadProperty, ReadPropertyMultiple
// (segmenting replies longer than the client's max APDU), WriteProperty (the relays' Binary
// Outputs, when the Admin allows), SubscribeCOV (notifications from data-hub snapshots),
// DeviceCommunicationControl and time synchronization; everything else gets the standard's
// Reject, Error or Abort, and a datagram that is not BACnet is dropped and counted. With the
// Foreign Device Function it registers with a BBMD and keeps the registration alive. Timeouts that
// wait on a peer (segment ACKs, confirmed notifications, the BBMD's answer) are peer time.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/udp.hpp>

#include "services/bacnet/bacnet_objects.hpp"
#include "services/service.hpp"

namespace fw {

class BacnetService final : public Service {
public:
    explicit BacnetService(ServiceContext& context);
    ~BacnetService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::reboot_module; }

    struct Stats {
        std::uint64_t received = 0, dropped = 0, rejected = 0, errors = 0, aborted = 0, segmented_replies = 0, notifications = 0;
    };
    const Stats& stats() const { return stats_; }
    const bacnet::ObjectDb* objects() const { return db_.get(); }  // null while disabled
    // The Device object's identity from the saved settings (the EDE download needs it while disabled too).
    static bacnet::DeviceInfo device_info(const ServiceContext& context);

    // A peer's B/IP address and, when it sits behind a router, its network address there.
    struct Peer {
        bacnet::IpAddress ip;
        std::optional<bacnet::NetAddress> via;
        bool operator==(const Peer&) const = default;
    };

private:
    struct Socket;
    struct Segmented;
    struct Subscription;
    struct Notification;
    enum class Communication { enabled, disabled, initiation_disabled };

    void open_sockets();
    void open_on(const hal::ListenAddress& where);
    void forget(const Socket* s);  // a socket's link went down: its transactions and subscriptions go
    void receive(const std::shared_ptr<Socket>& s);
    void on_datagram(Socket& s, std::span<const std::uint8_t> data, const bacnet::IpAddress& from);
    void on_npdu(Socket& s, std::span<const std::uint8_t> data, const bacnet::IpAddress& from, bool broadcast);
    void on_confirmed(Socket& s, const Peer& peer, const bacnet::Apdu& a);
    void on_unconfirmed(Socket& s, const Peer& peer, const bacnet::Apdu& a, bool broadcast);
    void send(Socket& s, const bacnet::IpAddress& to, const bacnet::Bytes& datagram);
    void send_apdu(Socket& s, const Peer& to, const bacnet::Bytes& apdu, bool expecting_reply = false);
    // An unconfirmed answer that the standard broadcasts (I-Am, I-Have): back to a unicast asker, else
    // on the local network and through the BBMD when registered.
    void announce(Socket& s, const Peer& asker, bool broadcast, const bacnet::Bytes& apdu);
    void reply_ack(Socket& s, const Peer& peer, const bacnet::Apdu& a, bacnet::Bytes data);
    void send_segments(Segmented& t);
    void on_segment_ack(const Peer& peer, const bacnet::Apdu& a);
    void on_client_reply(const Peer& peer, const bacnet::Apdu& a);

    bacnet::Bytes read_property(std::span<const std::uint8_t> request, std::optional<bacnet::Failure>& failure);
    bacnet::Bytes read_property_multiple(std::span<const std::uint8_t> request, std::optional<bacnet::Failure>& failure);
    void write_property(Socket& s, const Peer& peer, const bacnet::Apdu& a);
    void subscribe_cov(Socket& s, const Peer& peer, const bacnet::Apdu& a);
    void communication_control(Socket& s, const Peer& peer, const bacnet::Apdu& a);
    void time_synchronization(const Peer& peer, std::span<const std::uint8_t> data, bool utc);
    bacnet::Bytes i_am() const;

    void on_snapshot();
    void notify(Subscription& sub);
    void send_confirmed_notification(const std::shared_ptr<Notification>& n);
    void expire(std::uint64_t subscription_id);

    void register_foreign();
    void on_bvlc_result(const bacnet::IpAddress& from, std::uint16_t code);

    ServiceContext& context_;
    bool enabled_ = false;
    std::uint16_t port_ = 47808;
    std::unique_ptr<bacnet::ObjectDb> db_;
    std::map<std::string, std::shared_ptr<Socket>> sockets_;  // by interface
    std::string failure_;                                    // a socket that could not open again after its link came back
    int link_listener_ = 0;
    Stats stats_;

    std::map<std::pair<bacnet::IpAddress, std::uint8_t>, std::shared_ptr<Segmented>> segmented_;
    std::map<std::uint64_t, std::unique_ptr<Subscription>> subscriptions_;
    std::uint64_t next_subscription_ = 1;
    static constexpr std::size_t max_subscriptions = 64;
    std::map<std::uint8_t, std::shared_ptr<Notification>> notifications_;  // confirmed ones awaiting their ACK, by invoke id
    std::uint8_t next_invoke_ = 0;
    std::vector<int> hub_subscriptions_;

    Communication communication_ = Communication::enabled;
    std::optional<hal::TimerId> communication_timer_;

    // Foreign device (Annex J.5.2)
    bool foreign_ = false;
    std::optional<bacnet::IpAddress> bbmd_;
    std::uint16_t ttl_s_ = 3600;
    bool registered_ = false;
    std::string registration_;  // what the BBMD last said, for the health
    std::optional<hal::TimerId> register_timer_, register_timeout_;
    std::uint64_t registrations_ = 0;

    std::shared_ptr<bool> alive_;
};

}  // namespace fw
