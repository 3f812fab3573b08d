#pragma once
// The MQTT client (web manual 7.10) on libmosquitto, driven by the module's loop: the socket is
// watched by Asio (a dup of libmosquitto's descriptor, so either side may close its own), reads
// and writes call mosquitto_loop_read/write, a 1 s timer calls mosquitto_loop_misc (keep-alive,
// in the broker's time); no thread of its own, never mosquitto_loop_start. Every `mqtt.interval`
// of device time it publishes the selected parameters (mqtt_payload.hpp) to `mqtt.topic`; while the
// broker is away it reconnects with back-off (1 s doubling to 60 s) and says why in its health.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "services/service.hpp"

struct mosquitto;

namespace fw {

struct Parameter;

class MqttService final : public Service {
public:
    explicit MqttService(ServiceContext& context);
    ~MqttService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::restart_service; }

    bool connected() const { return connected_; }
    std::uint64_t published() const { return published_; }
    std::string topic() const { return topic_; }
    // 7.10 "Test MQTT": connected, a message of the selected parameters published now; or the reason.
    std::pair<bool, std::string> test();
    // The SSL/TLS tab's files in the data dir (7.10.3): the CA the broker is checked against, and the
    // module's own certificate and key.
    static constexpr const char* ca_file = "mqtt-ca.pem";
    static constexpr const char* cert_file = "mqtt-cert.pem";
    static constexpr const char* key_file = "mqtt-key.pem";
    // Starts again with what is saved now (a new TLS file); a failure is kept as the reason.
    void restart();

private:
    void connect();
    void lost(const std::string& why);
    void watch_socket();
    void arm_read();
    void arm_write();
    void tick();
    void publish();
    void send(const std::string& message);
    void announce();
    void schedule_publish();
    static void on_connect(mosquitto*, void* self, int rc);
    static void on_disconnect(mosquitto*, void* self, int rc);

    ServiceContext& context_;
    bool enabled_ = false;
    mosquitto* client_ = nullptr;
    std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
    bool reading_ = false, writing_ = false, connected_ = false, connecting_ = false;
    std::string broker_, topic_, reason_ = "not connected yet";
    std::string refusal_;  // the broker's CONNACK refusal of this attempt
    std::vector<const Parameter*> params_;
    int qos_ = 0;
    std::int64_t interval_s_ = 60;
    bool retained_ = false;
    std::uint64_t published_ = 0, not_sent_ = 0;
    static constexpr std::size_t waiting_limit = 1000;  // messages kept while the broker is away (QoS 1 and 2)
    std::deque<std::string> waiting_;
    hal::Duration backoff_ = std::chrono::seconds(1);
    std::optional<hal::TimerId> tick_timer_, publish_timer_, reconnect_timer_;
    std::shared_ptr<bool> alive_;
};

}  // namespace fw
