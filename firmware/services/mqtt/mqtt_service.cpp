#include "services/mqtt/mqtt_service.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "catalogue/catalogue.hpp"
#include "model/data_model.hpp"
#include "services/mqtt/mqtt_payload.hpp"
#include "services/mqtt/mqtt_settings.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace ms = mqtt_settings;

namespace {

constexpr hal::Duration tick_every = std::chrono::seconds(1), longest_backoff = std::chrono::seconds(60);

void library_init() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string error_text(int rc) { return rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc); }

std::string replace_serial(std::string topic, const std::string& serial) {
    for (auto at = topic.find("{serial}"); at != std::string::npos; at = topic.find("{serial}"))
        topic.replace(at, 8, serial);
    return topic;
}

}  // namespace

MqttService::MqttService(ServiceContext& context) : context_(context) {}

MqttService::~MqttService() { stop(); }

void MqttService::start() {
    const auto& s = context_.settings;
    enabled_ = s.running(ms::enable).get<bool>();
    if (!enabled_) return;
    library_init();
    const auto id = context_.hal.system.identity();
    std::string client_id = s.running(ms::client_id).get<std::string>();
    if (client_id.empty()) client_id = "acurev2100-" + id.module_serial;
    client_ = mosquitto_new(client_id.c_str(), s.running(ms::clean_session).get<bool>(), this);
    if (!client_) throw std::runtime_error("libmosquitto: cannot make a client: " + std::string(std::strerror(errno)));
    mosquitto_connect_callback_set(client_, &MqttService::on_connect);
    mosquitto_disconnect_callback_set(client_, &MqttService::on_disconnect);
    const auto user = s.running(ms::username).get<std::string>();
    if (!user.empty()) mosquitto_username_pw_set(client_, user.c_str(), s.running(ms::password).get<std::string>().c_str());
    const bool tls = s.running(ms::tls_enable).get<bool>();
    if (tls) {
        const auto dir = context_.hal.storage.data_dir();
        auto path = [&](const char* name) { return context_.hal.storage.size(name) ? (dir / name).string() : std::string(); };
        const auto ca = path(ca_file), cert = path(cert_file), key = path(key_file);
        if (cert.empty() != key.empty()) throw std::runtime_error("MQTT SSL/TLS: a Cert File needs its Key File (and a Key File its Cert File)");
        const int rc = mosquitto_tls_set(client_, ca.empty() ? nullptr : ca.c_str(), ca.empty() ? "/etc/ssl/certs" : nullptr,
                                         cert.empty() ? nullptr : cert.c_str(), key.empty() ? nullptr : key.c_str(), nullptr);
        if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error("MQTT SSL/TLS: " + error_text(rc));
    }
    broker_ = std::string(tls ? "ssl://" : "tcp://") + s.running(ms::broker_address).get<std::string>() + ":" + std::to_string(s.running(ms::broker_port).get<int>());
    topic_ = replace_serial(s.running(ms::topic).get<std::string>(), id.module_serial);
    if (s.running(ms::will_enable).get<bool>()) {
        const auto will_topic = replace_serial(s.running(ms::will_topic).get<std::string>(), id.module_serial);
        const auto payload = replace_serial(s.running(ms::will_payload).get<std::string>(), id.module_serial);
        const int rc = mosquitto_will_set(client_, will_topic.c_str(), static_cast<int>(payload.size()), payload.data(), s.running(ms::will_qos).get<int>(),
                                          s.running(ms::will_retained).get<bool>());
        if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error("MQTT Last Will: " + error_text(rc));
    }
    qos_ = s.running(ms::qos).get<int>();
    retained_ = s.running(ms::retained).get<bool>();
    params_.clear();
    for (const auto& k : s.running(ms::parameters))
        if (const auto* p = Catalogue::instance().by_key(k.get<std::string>())) params_.push_back(p);
    alive_ = std::make_shared<bool>(true);
    connect();
    tick();
    interval_s_ = s.running(ms::interval).get<int>();
    schedule_publish();
}

// On the multiples of the interval of the device's UTC time (a 60 s interval publishes on the minute).
void MqttService::schedule_publish() {
    const auto utc = std::chrono::duration_cast<std::chrono::seconds>(context_.hal.clock.utc()).count();
    const auto wait = std::chrono::seconds(interval_s_ - utc % interval_s_);
    std::weak_ptr<bool> alive = alive_;
    publish_timer_ = context_.hal.scheduler.after(wait, [this, alive] {
        if (alive.expired()) return;
        publish_timer_.reset();
        publish();
        schedule_publish();
    });
}

void MqttService::restart() {
    stop();
    try {
        start();
    } catch (const std::exception& e) {
        reason_ = e.what();
        connected_ = false;
    }
}

void MqttService::stop() {
    if (!client_) return;
    for (auto* t : {&tick_timer_, &publish_timer_, &reconnect_timer_}) {
        if (*t) context_.hal.scheduler.cancel(**t);
        t->reset();
    }
    alive_.reset();
    if (socket_) {
        // A clean DISCONNECT, also while the CONNACK is on its way: the broker does not send the will.
        mosquitto_disconnect(client_);
        mosquitto_loop_write(client_, 1);
    }
    if (connecting_) context_.hal.scheduler.end_exchange();
    connecting_ = connected_ = false;
    socket_.reset();  // our dup of the socket
    mosquitto_destroy(client_);
    client_ = nullptr;
}

void MqttService::connect() {
    const auto& s = context_.settings;
    const auto host = s.running(ms::broker_address).get<std::string>();
    const int rc = mosquitto_connect_async(client_, host.c_str(), s.running(ms::broker_port).get<int>(), s.running(ms::keep_alive).get<int>());
    if (rc != MOSQ_ERR_SUCCESS) return lost("cannot connect: " + error_text(rc));
    connecting_ = true;
    context_.hal.scheduler.begin_exchange();  // the broker's CONNACK takes no virtual time
    watch_socket();
}

void MqttService::watch_socket() {
    refusal_.clear();
    socket_.reset();
    reading_ = writing_ = false;
    const int fd = mosquitto_socket(client_);
    if (fd < 0) return lost("no socket");
    const int mine = ::dup(fd);
    if (mine < 0) return lost(std::string("dup: ") + std::strerror(errno));
    socket_ = std::make_unique<boost::asio::posix::stream_descriptor>(context_.hal.io, mine);
    arm_read();
    arm_write();
}

void MqttService::arm_read() {
    if (!socket_ || reading_) return;
    reading_ = true;
    std::weak_ptr<bool> alive = alive_;
    socket_->async_wait(boost::asio::posix::stream_descriptor::wait_read, [this, alive](const boost::system::error_code& ec) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
        reading_ = false;
        const int rc = mosquitto_loop_read(client_, 1);
        if (rc != MOSQ_ERR_SUCCESS) return lost(!refusal_.empty() ? refusal_ : "the broker closed the connection (" + error_text(rc) + ")");
        arm_read();
        arm_write();
    });
}

void MqttService::arm_write() {
    if (!socket_ || writing_ || !mosquitto_want_write(client_)) return;
    writing_ = true;
    std::weak_ptr<bool> alive = alive_;
    socket_->async_wait(boost::asio::posix::stream_descriptor::wait_write, [this, alive](const boost::system::error_code& ec) {
        if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
        writing_ = false;
        const int rc = mosquitto_loop_write(client_, 1);
        if (rc != MOSQ_ERR_SUCCESS) return lost("cannot write to the broker (" + error_text(rc) + ")");
        arm_write();
    });
}

void MqttService::tick() {
    std::weak_ptr<bool> alive = alive_;
    tick_timer_ = context_.hal.scheduler.after(tick_every, [this, alive] {
        if (alive.expired()) return;
        tick_timer_.reset();
        if (socket_) {
            const int rc = mosquitto_loop_misc(client_);  // keep-alive PINGREQ and its timeout, in the broker's time
            if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) lost("keep-alive: " + error_text(rc));
            arm_write();
        }
        tick();
    });
}

void MqttService::lost(const std::string& why) {
    socket_.reset();
    reading_ = writing_ = false;
    if (connecting_) context_.hal.scheduler.end_exchange();
    connecting_ = connected_ = false;
    reason_ = why;
    if (reconnect_timer_) return;
    std::weak_ptr<bool> alive = alive_;
    const auto wait = backoff_;
    backoff_ = std::min<hal::Duration>(backoff_ * 2, longest_backoff);
    reconnect_timer_ = context_.hal.scheduler.after(wait, [this, alive] {
        if (alive.expired()) return;
        reconnect_timer_.reset();
        const int rc = mosquitto_reconnect_async(client_);
        if (rc != MOSQ_ERR_SUCCESS) return lost("cannot connect: " + error_text(rc));
        connecting_ = true;
        context_.hal.scheduler.begin_exchange();
        watch_socket();
    });
}

void MqttService::on_connect(mosquitto*, void* self, int rc) {
    auto* me = static_cast<MqttService*>(self);
    if (me->connecting_) me->context_.hal.scheduler.end_exchange();
    me->connecting_ = false;
    if (rc != 0) {
        me->connected_ = false;
        me->refusal_ = std::string("refused: ") + mosquitto_connack_string(rc);
        return;  // the broker closes the connection; the next read says so and the back-off begins
    }
    me->connected_ = true;
    me->backoff_ = std::chrono::seconds(1);
    me->reason_.clear();
    me->announce();
    while (!me->waiting_.empty()) {  // what waited while the broker was away, in order
        me->send(me->waiting_.front());
        me->waiting_.pop_front();
    }
    me->arm_write();
}

void MqttService::on_disconnect(mosquitto*, void* self, int rc) {
    auto* me = static_cast<MqttService*>(self);
    me->connected_ = false;
    if (rc != 0 && me->reason_.empty()) me->reason_ = "the connection ended (" + error_text(rc) + ")";
}

// At each connect with Home Assistant discovery on: the retained discovery messages, and, with a Last
// Will, {"online": true} on its topic (the will says false), which the sensors' availability follows.
void MqttService::announce() {
    const auto& s = context_.settings;
    if (!s.running(ms::ha_discovery).get<bool>()) return;
    const auto id = context_.hal.system.identity();
    const bool will = s.running(ms::will_enable).get<bool>();
    const auto will_topic = will ? replace_serial(s.running(ms::will_topic).get<std::string>(), id.module_serial) : std::string();
    std::vector<mqtt_payload::Sensor> sensors;
    for (const auto* p : params_) sensors.push_back({p->key, p->name, p->unit});
    const mqtt_payload::Source source{0, id.module_serial, id.meter_serial, s.running(ms::facility_id).get<std::string>()};
    for (const auto& d : mqtt_payload::discovery(s.running(ms::ha_prefix).get<std::string>(), topic_, will_topic, source, sensors))
        mosquitto_publish(client_, nullptr, d.topic.c_str(), static_cast<int>(d.payload.size()), d.payload.data(), 1, true);
    if (will) {
        const std::string birth = "{\"serial\": \"" + id.module_serial + "\", \"online\": true}";
        mosquitto_publish(client_, nullptr, will_topic.c_str(), static_cast<int>(birth.size()), birth.data(), s.running(ms::will_qos).get<int>(),
                          s.running(ms::will_retained).get<bool>());
    }
}

void MqttService::send(const std::string& message) {
    const int rc = mosquitto_publish(client_, nullptr, topic_.c_str(), static_cast<int>(message.size()), message.data(), qos_, retained_);
    if (rc == MOSQ_ERR_SUCCESS)
        ++published_;
    else
        ++not_sent_;
}

void MqttService::publish() {
    const hal::Time now = context_.hal.scheduler.now();
    std::vector<mqtt_payload::Reading> readings;
    for (const auto* p : params_) {
        const Reading r = context_.model.reading(*p, now);
        readings.push_back({p->key, p->unit, r.value, r.quality == Quality::fresh});
    }
    const auto id = context_.hal.system.identity();
    const mqtt_payload::Source source{std::chrono::duration_cast<std::chrono::seconds>(context_.hal.clock.utc()).count(), id.module_serial,
                                      id.meter_serial, context_.settings.running(ms::facility_id).get<std::string>()};
    for (auto& m : mqtt_payload::messages(source, readings)) {
        if (connected_) {
            send(m);
        } else if (qos_ > 0) {
            // While the broker is away, QoS 1 and 2 messages wait in memory, the oldest going past the bound.
            waiting_.push_back(std::move(m));
            if (waiting_.size() > waiting_limit) {
                waiting_.pop_front();
                ++not_sent_;
            }
        } else {
            ++not_sent_;  // QoS 0: at most once; an interval while the broker is away is not sent later
        }
    }
    arm_write();
}

std::pair<bool, std::string> MqttService::test() {
    if (!enabled_) return {false, "MQTT is disabled (mqtt.enable)"};
    if (!connected_) return {false, broker_ + ": disconnected: " + reason_};
    const auto before = published_;
    publish();
    if (published_ == before) return {false, broker_ + ": connected, but the message could not be queued"};
    return {true, broker_ + ": connected; published " + std::to_string(published_ - before) + " message(s) to " + topic_};
}

Health MqttService::health() const {
    if (!enabled_) return {true, "disabled"};
    std::string d = broker_ + (connected_ ? " (connected)" : " (disconnected: " + reason_ + ")");
    d += "; " + std::to_string(published_) + " messages published to " + topic_;
    if (!waiting_.empty()) d += ", " + std::to_string(waiting_.size()) + " waiting for the broker";
    if (not_sent_) d += ", " + std::to_string(not_sent_) + " not sent";
    return {true, d};
}

}  // namespace fw
