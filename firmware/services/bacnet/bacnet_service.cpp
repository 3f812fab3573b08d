#include "services/bacnet/bacnet_service.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <boost/asio/ip/address_v4.hpp>

#include "core/board_link.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"
#include "services/bacnet/bacnet_settings.hpp"
#include "services/bacnet/bacnet_subscriptions.hpp"
#include "settings/settings.hpp"
#include "update/update_service.hpp"

namespace fw {

namespace bs = bacnet_settings;
using namespace bacnet;
using boost::asio::ip::udp;

namespace {

// The largest datagram BACnet/IP carries: a 1476-octet APDU with its NPDU (up to 21 octets with
// both networks) and a Forwarded-NPDU BVLL (10).
constexpr std::size_t max_datagram = 1476 + 21 + 10;
constexpr auto register_retry = std::chrono::seconds(30);
constexpr auto register_answer = std::chrono::seconds(10);

IpAddress ip_of(const udp::endpoint& e) { return {e.address().to_v4().to_uint(), e.port()}; }
udp::endpoint endpoint_of(const IpAddress& a) { return {boost::asio::ip::address_v4(a.ip), a.port}; }

}  // namespace

struct BacnetService::Socket {
    explicit Socket(boost::asio::io_context& io) : socket(io) {}
    std::string interface;
    IpAddress local;
    IpAddress broadcast;  // the local network's broadcast address
    udp::socket socket;
    udp::endpoint from;
    std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(65536);  // a whole datagram, so an oversized one is seen as such
};

struct BacnetService::Segmented {
    Socket* socket = nullptr;
    Peer peer;
    std::uint8_t invoke_id = 0, service = 0;
    Bytes data;
    std::size_t segment_size = 0;
    unsigned count = 0;
    unsigned acked = 0;   // segments the client has acknowledged (the next to send)
    unsigned window = 1;  // the client's actual window
    unsigned sent_to = 0; // segments sent so far in this window
    int retries = 0;
    std::optional<hal::TimerId> timer;
};

BacnetService::BacnetService(ServiceContext& context) : context_(context) {}

DeviceInfo BacnetService::device_info(const ServiceContext& context) {
    const auto& s = context.settings;
    DeviceInfo info;
    info.instance = static_cast<std::uint32_t>(s.running(bs::device_instance).get<std::int64_t>());
    info.name = s.running(bs::device_name).get<std::string>();
    info.location = s.running(bs::location).get<std::string>();
    info.description = s.running(bs::description).get<std::string>();
    info.firmware_revision = running_firmware_version(context.hal);
    info.software_version = info.firmware_revision;
    info.serial = context.hal.system.identity().module_serial;
    return info;
}

BacnetService::~BacnetService() { stop(); }

void BacnetService::start() {
    const auto& s = context_.settings;
    enabled_ = s.running(bs::enable).get<bool>();
    if (!enabled_) return;
    alive_ = std::make_shared<bool>(true);
    port_ = context_.hal.network.host_port(static_cast<std::uint16_t>(s.running(bs::port).get<int>()));
    db_ = std::make_unique<ObjectDb>(device_info(context_), context_.model, context_.hal.scheduler, context_.hal.clock);
    open_sockets();
    link_listener_ = context_.hal.network.add_link_listener([this, weak = std::weak_ptr<bool>(alive_)](const std::string& interface, bool up) {
        if (weak.expired()) return;
        if (!up) {
            if (auto it = sockets_.find(interface); it != sockets_.end()) {
                forget(it->second.get());
                boost::system::error_code ec;
                it->second->socket.close(ec);
                sockets_.erase(it);
            }
            return;
        }
        for (const auto& where : context_.hal.network.listen_addresses())
            if (where.interface == interface && !sockets_.count(interface)) {
                try {
                    open_on(where);
                    failure_.clear();
                } catch (const std::exception& e) {
                    failure_ = e.what();
                }
            }
    });
    for (const DataGroup g : data_groups) hub_subscriptions_.push_back(context_.hub.subscribe(g, [this](const Snapshot&) { on_snapshot(); }));
    foreign_ = s.running(bs::foreign_enable).get<bool>();
    if (foreign_) {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address_v4(s.running(bs::bbmd_ip).get<std::string>(), ec);
        if (ec) throw std::runtime_error("BACnet: BBMD IP must be ip address");
        bbmd_ = IpAddress{address.to_uint(), static_cast<std::uint16_t>(s.running(bs::bbmd_port).get<int>())};
        ttl_s_ = static_cast<std::uint16_t>(s.running(bs::ttl).get<int>() * 60);
        registration_ = "registering";
        register_foreign();
    }
}

void BacnetService::stop() {
    if (!alive_) return;
    alive_.reset();
    auto& sched = context_.hal.scheduler;
    auto cancel = [&](std::optional<hal::TimerId>& t) {
        if (t) sched.cancel(*t);
        t.reset();
    };
    for (auto& [k, t] : segmented_) cancel(t->timer);
    segmented_.clear();
    for (auto& [k, sub] : subscriptions_) cancel(sub->timer);
    subscriptions_.clear();
    for (auto& [k, n] : notifications_) cancel(n->timer);
    notifications_.clear();
    cancel(communication_timer_);
    cancel(register_timer_);
    cancel(register_timeout_);
    for (const int id : hub_subscriptions_) context_.hub.unsubscribe(id);
    hub_subscriptions_.clear();
    if (link_listener_) context_.hal.network.remove_link_listener(link_listener_);
    link_listener_ = 0;
    for (auto& [name, sock] : sockets_) {
        boost::system::error_code ec;
        sock->socket.close(ec);
    }
    sockets_.clear();
    db_.reset();
}

Health BacnetService::health() const {
    if (!enabled_) return {true, "disabled"};
    std::string d;
    for (const auto& [name, s] : sockets_) d += (d.empty() ? "" : ", ") + std::string("udp://") + s->local.text();
    if (d.empty()) d = "no interface up";
    d += " (device " + std::to_string(db_ ? db_->device().instance : 0) + ")";
    if (foreign_) d += "; foreign device of " + bbmd_->text() + ": " + registration_;
    if (communication_ != Communication::enabled)
        d += communication_ == Communication::disabled ? "; communication disabled (DCC)" : "; initiation disabled (DCC)";
    if (!failure_.empty()) d += "; " + failure_;
    return {!sockets_.empty(), d};
}

// ---- sockets ----

void BacnetService::forget(const Socket* s) {
    // What went through that interface's socket ends with it: the peers reach us again on another one.
    auto& sched = context_.hal.scheduler;
    std::erase_if(segmented_, [&](auto& e) {
        if (e.second->socket != s) return false;
        if (e.second->timer) sched.cancel(*e.second->timer);
        return true;
    });
    std::erase_if(subscriptions_, [&](auto& e) {
        if (e.second->socket != s) return false;
        if (e.second->timer) sched.cancel(*e.second->timer);
        return true;
    });
    std::erase_if(notifications_, [&](auto& e) {
        if (e.second->socket != s) return false;
        if (e.second->timer) sched.cancel(*e.second->timer);
        return true;
    });
}

void BacnetService::open_sockets() {
    const auto where = context_.hal.network.listen_addresses();
    try {
        for (const auto& w : where) open_on(w);
    } catch (...) {
        for (auto& [name, sock] : sockets_) {
            boost::system::error_code ec;
            sock->socket.close(ec);
        }
        sockets_.clear();
        throw;
    }
}

void BacnetService::open_on(const hal::ListenAddress& where) {
    auto s = std::make_shared<Socket>(context_.hal.io);
    s->interface = where.interface;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address_v4(where.address, ec);
    if (ec) throw std::runtime_error("BACnet: " + where.interface + " has no IPv4 address to listen on (" + where.address + ")");
    const udp::endpoint local(address, port_);
    s->socket.open(udp::v4(), ec);
    if (!ec) s->socket.set_option(boost::asio::socket_base::broadcast(true), ec);
    if (!ec) s->socket.bind(local, ec);
    if (ec) throw std::runtime_error("BACnet: cannot listen on udp://" + where.address + ":" + std::to_string(port_) + ": " + ec.message());
    s->socket.non_blocking(true, ec);
    s->local = ip_of(local);
    // The local network's broadcast address: loopback's /8 in the simulator, the interface's mask on a unit.
    std::uint32_t mask = 0xFFFFFF00;
    if ((s->local.ip >> 24) == 127) {
        mask = 0xFF000000;
    } else {
        const auto iface = context_.hal.network.interface(where.interface);
        const auto m = boost::asio::ip::make_address_v4(iface.netmask, ec);
        if (!ec && iface.address == where.address) mask = m.to_uint();
    }
    s->broadcast = {s->local.ip | ~mask, port_};
    sockets_[where.interface] = s;
    receive(s);
}

void BacnetService::receive(const std::shared_ptr<Socket>& s) {
    std::weak_ptr<Socket> weak = s;
    s->socket.async_receive_from(boost::asio::buffer(s->buffer), s->from, [this, weak](const boost::system::error_code& ec, std::size_t n) {
        auto sock = weak.lock();
        if (!sock || ec == boost::asio::error::operation_aborted || !sock->socket.is_open()) return;
        if (!ec) {
            ++stats_.received;
            on_datagram(*sock, std::span<const std::uint8_t>(sock->buffer.data(), n), ip_of(sock->from));
        }
        if (sock->socket.is_open()) receive(sock);
    });
}

void BacnetService::send(Socket& s, const IpAddress& to, const Bytes& datagram) {
    boost::system::error_code ec;
    s.socket.send_to(boost::asio::buffer(datagram), endpoint_of(to), 0, ec);  // UDP: a full buffer loses the datagram, as the wire would
}

void BacnetService::send_apdu(Socket& s, const Peer& to, const Bytes& apdu, bool expecting_reply) {
    send(s, to.ip, bvll(bvlc::original_unicast, npdu(apdu, expecting_reply, to.via)));
}

void BacnetService::announce(Socket& s, const Peer& asker, bool broadcast, const Bytes& apdu) {
    if (!broadcast) return send_apdu(s, asker, apdu);
    const Bytes n = npdu(apdu, false);
    send(s, s.broadcast, bvll(bvlc::original_broadcast, n));
    if (registered_ && bbmd_) send(s, *bbmd_, bvll(bvlc::distribute_broadcast, n));
}

// ---- receiving ----

void BacnetService::on_datagram(Socket& s, std::span<const std::uint8_t> data, const IpAddress& from) {
    if (from == s.local) return;  // our own broadcast, looped back
    if (data.size() > max_datagram) {
        ++stats_.dropped;
        return;
    }
    try {
        const Bvll b = parse_bvll(data);
        switch (b.function) {
            case bvlc::original_unicast: return on_npdu(s, b.payload, from, false);
            case bvlc::original_broadcast: return on_npdu(s, b.payload, from, true);
            case bvlc::forwarded_npdu: return on_npdu(s, b.payload, *b.originator, true);  // replies go to the originator (J.4.2)
            case bvlc::result:
                if (b.payload.size() != 2) throw DecodeError("a BVLC-Result without its code");
                return on_bvlc_result(from, static_cast<std::uint16_t>((b.payload[0] << 8) | b.payload[1]));
            // We are not a BBMD: each BBMD function gets its NAK (J.2.1).
            case bvlc::write_bdt: return send(s, from, bvlc_result(bvlc::write_bdt_nak));
            case bvlc::read_bdt: return send(s, from, bvlc_result(bvlc::read_bdt_nak));
            case bvlc::register_foreign_device: return send(s, from, bvlc_result(bvlc::register_fd_nak));
            case bvlc::read_fdt: return send(s, from, bvlc_result(bvlc::read_fdt_nak));
            case bvlc::delete_fdt_entry: return send(s, from, bvlc_result(bvlc::delete_fdt_nak));
            case bvlc::distribute_broadcast: return send(s, from, bvlc_result(bvlc::distribute_broadcast_nak));
            default: ++stats_.dropped; return;
        }
    } catch (const DecodeError&) {
        ++stats_.dropped;
    }
}

void BacnetService::on_npdu(Socket& s, std::span<const std::uint8_t> data, const IpAddress& from, bool broadcast) {
    const Npdu n = parse_npdu(data);
    // Not a router: network layer messages are for routers, and an NPDU for another network is not ours.
    if (n.network_message || (n.destination && n.destination->net != 0xFFFF)) {
        ++stats_.dropped;
        return;
    }
    if (n.destination) broadcast = true;  // a global broadcast
    const Peer peer{from, n.source};
    const Apdu a = parse_apdu(n.apdu);
    switch (a.type) {
        case PduType::confirmed_request: return on_confirmed(s, peer, a);
        case PduType::unconfirmed_request: return on_unconfirmed(s, peer, a, broadcast);
        case PduType::segment_ack: return on_segment_ack(peer, a);
        case PduType::abort:
            if (!a.from_server) {  // the client gives up on a segmented reply
                if (auto it = segmented_.find({peer.ip, a.invoke_id}); it != segmented_.end()) {
                    if (it->second->timer) context_.hal.scheduler.cancel(*it->second->timer);
                    segmented_.erase(it);
                }
                return;
            }
            return on_client_reply(peer, a);
        case PduType::simple_ack:
        case PduType::error:
        case PduType::reject: return on_client_reply(peer, a);
        default: ++stats_.dropped; return;
    }
}

void BacnetService::on_confirmed(Socket& s, const Peer& peer, const Apdu& a) {
    // DeviceCommunicationControl "disable": only DCC (and ReinitializeDevice, which we do not have) is answered (16.1.1.3.1).
    if (communication_ == Communication::disabled && a.service != confirmed::device_communication_control) {
        ++stats_.dropped;
        return;
    }
    if (a.segmented) {
        ++stats_.aborted;
        return send_apdu(s, peer, abort_pdu(a.invoke_id, AbortReason::segmentation_not_supported));
    }
    std::optional<Failure> failure;
    try {
        switch (a.service) {
            case confirmed::read_property: {
                Bytes ack = read_property(a.data, failure);
                if (!failure) return reply_ack(s, peer, a, std::move(ack));
                break;
            }
            case confirmed::read_property_multiple: {
                Bytes ack = read_property_multiple(a.data, failure);
                if (!failure) return reply_ack(s, peer, a, std::move(ack));
                break;
            }
            case confirmed::write_property: return write_property(s, peer, a);
            case confirmed::subscribe_cov: return subscribe_cov(s, peer, a);
            case confirmed::device_communication_control: return communication_control(s, peer, a);
            default:
                ++stats_.rejected;
                return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::unrecognized_service));
        }
    } catch (const DecodeError&) {
        ++stats_.rejected;
        return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::invalid_tag));
    }
    ++stats_.errors;
    send_apdu(s, peer, error_pdu(a.invoke_id, a.service, failure->error_class, failure->code));
}

void BacnetService::on_unconfirmed(Socket& s, const Peer& peer, const Apdu& a, bool broadcast) {
    if (communication_ == Communication::disabled) {
        ++stats_.dropped;
        return;
    }
    Reader r(a.data);
    const std::uint32_t me = db_->device().instance;
    switch (a.service) {
        case unconfirmed::who_is: {
            if (!r.done()) {
                const auto low = r.ctx_unsigned(0), high = r.ctx_unsigned(1);
                if (!r.done() || me < low || me > high) return;
            }
            return announce(s, peer, broadcast, i_am());
        }
        case unconfirmed::who_has: {
            if (r.next_is_context(0)) {
                const auto low = r.ctx_unsigned(0), high = r.ctx_unsigned(1);
                if (me < low || me > high) return;
            }
            std::optional<ObjectId> found;
            if (r.next_is_context(2)) {
                const ObjectId id = r.ctx_object_id(2);
                if (db_->exists(id)) found = id;
            } else {
                found = db_->find_by_name(r.ctx_text(3));
            }
            if (!r.done() || !found) return;
            Writer w;
            w.object_id(db_->device_id());
            w.object_id(*found);
            w.text(db_->name_of(*found));
            return announce(s, peer, broadcast, unconfirmed_request(unconfirmed::i_have, w.bytes()));
        }
        case unconfirmed::time_synchronization: return time_synchronization(peer, a.data, false);
        case unconfirmed::utc_time_synchronization: return time_synchronization(peer, a.data, true);
        default: return;  // I-Am and notifications of others: nothing for us
    }
}

Bytes BacnetService::i_am() const {
    Writer w;
    w.object_id(db_->device_id());
    w.unsigned_int(our_max_apdu);
    w.enumerated(1);  // segmented-transmit
    w.unsigned_int(vendor_id);
    return unconfirmed_request(unconfirmed::i_am, w.bytes());
}

// ---- replies and segmentation (5.4.5) ----

void BacnetService::reply_ack(Socket& s, const Peer& peer, const Apdu& a, Bytes data) {
    const std::size_t max_apdu = std::min<std::size_t>(a.max_apdu, our_max_apdu);
    if (data.size() + 3 <= max_apdu) return send_apdu(s, peer, complex_ack(a.invoke_id, a.service, data));
    if (!a.segmented_response_accepted) {
        ++stats_.aborted;
        return send_apdu(s, peer, abort_pdu(a.invoke_id, AbortReason::segmentation_not_supported));
    }
    auto t = std::make_shared<Segmented>();
    t->socket = &s;
    t->peer = peer;
    t->invoke_id = a.invoke_id;
    t->service = a.service;
    t->segment_size = max_apdu - 5;
    t->count = static_cast<unsigned>((data.size() + t->segment_size - 1) / t->segment_size);
    const unsigned accepted = a.max_segments == 0 ? max_segments : max_segments_count(a.max_segments);
    if (t->count > std::min(accepted, max_segments)) {
        ++stats_.aborted;
        return send_apdu(s, peer, abort_pdu(a.invoke_id, AbortReason::buffer_overflow));
    }
    t->data = std::move(data);
    t->window = 1;  // the first segment goes alone; the client's SegmentACK gives its window (5.4.5.2)
    ++stats_.segmented_replies;
    if (auto old = segmented_.find({peer.ip, a.invoke_id}); old != segmented_.end() && old->second->timer)
        context_.hal.scheduler.cancel(*old->second->timer);
    segmented_[{peer.ip, a.invoke_id}] = t;
    send_segments(*t);
}

void BacnetService::send_segments(Segmented& t) {
    const unsigned end = std::min(t.count, t.acked + t.window);
    for (unsigned i = t.acked; i < end; ++i) {
        const std::size_t from = i * t.segment_size, n = std::min(t.segment_size, t.data.size() - from);
        const auto piece = std::span<const std::uint8_t>(t.data).subspan(from, n);
        send_apdu(*t.socket, t.peer, complex_ack_segment(t.invoke_id, t.service, static_cast<std::uint8_t>(i), window_size, i + 1 < t.count, piece));
    }
    t.sent_to = end;
    auto& sched = context_.hal.scheduler;
    if (t.timer) sched.cancel(*t.timer);
    const auto key = std::make_pair(t.peer.ip, t.invoke_id);
    t.timer = sched.after(sched.peer_time(std::chrono::milliseconds(segment_timeout_ms)), [this, key, weak = std::weak_ptr<bool>(alive_)] {
        if (weak.expired()) return;
        const auto it = segmented_.find(key);
        if (it == segmented_.end()) return;
        auto& seg = *it->second;
        seg.timer.reset();
        if (++seg.retries > static_cast<int>(apdu_retries)) {
            segmented_.erase(it);  // the client is gone (5.4.5.2: the transaction ends without a reply)
            return;
        }
        send_segments(seg);
    });
}

void BacnetService::on_segment_ack(const Peer& peer, const Apdu& a) {
    const auto it = segmented_.find({peer.ip, a.invoke_id});
    if (it == segmented_.end()) return;
    auto& t = *it->second;
    if (a.window < 1 || a.window > 127) {
        send_apdu(*t.socket, peer, abort_pdu(a.invoke_id, AbortReason::window_size_out_of_range));
        if (t.timer) context_.hal.scheduler.cancel(*t.timer);
        segmented_.erase(it);
        return;
    }
    // The ACK names the last segment received in order; anything outside what we sent is a duplicate.
    if (a.sequence < t.acked && !(a.negative && a.sequence + 1U == t.acked)) return;
    if (a.sequence >= t.sent_to) return;
    t.acked = static_cast<unsigned>(a.sequence) + 1;
    t.window = a.window;
    t.retries = 0;
    if (t.acked >= t.count) {
        if (t.timer) context_.hal.scheduler.cancel(*t.timer);
        segmented_.erase(it);
        return;
    }
    send_segments(t);
}

// ---- ReadProperty, ReadPropertyMultiple (15.5, 15.7) ----

Bytes BacnetService::read_property(std::span<const std::uint8_t> request, std::optional<Failure>& failure) {
    Reader r(request);
    ObjectId id = r.ctx_object_id(0);
    const auto property = r.ctx_enumerated(1);
    std::optional<std::uint32_t> index;
    if (r.next_is_context(2)) index = static_cast<std::uint32_t>(r.ctx_unsigned(2));
    if (!r.done()) throw DecodeError("too many arguments");
    if (id.type == ObjectType::device && id.instance == 4194303) id = db_->device_id();  // "this device" (15.5.1.1.1)
    Writer w;
    w.ctx_object_id(0, id);
    w.ctx_enumerated(1, property);
    if (index) w.ctx_unsigned(2, *index);
    w.open(3);
    if (property == prop::all || property == prop::required || property == prop::optional)
        failure = Failure{ErrorClass::property, ErrorCode::unknown_property};  // only ReadPropertyMultiple takes them
    else
        failure = db_->read(id, property, index, w);
    w.close(3);
    return std::move(w.bytes());
}

Bytes BacnetService::read_property_multiple(std::span<const std::uint8_t> request, std::optional<Failure>& failure) {
    Reader r(request);
    Writer w;
    std::size_t results = 0, errors = 0;
    std::optional<Failure> first_error;
    if (r.done()) throw DecodeError("no read access specification");
    while (!r.done()) {
        ObjectId id = r.ctx_object_id(0);
        if (id.type == ObjectType::device && id.instance == 4194303) id = db_->device_id();
        r.expect_opening(1);
        w.ctx_object_id(0, id);
        w.open(1);
        if (r.next_is_closing(1)) throw DecodeError("an empty list of property references");
        while (!r.next_is_closing(1)) {
            const auto property = r.ctx_enumerated(0);
            std::optional<std::uint32_t> index;
            if (r.next_is_context(1)) index = static_cast<std::uint32_t>(r.ctx_unsigned(1));
            auto one = [&](std::uint32_t p, std::optional<std::uint32_t> i) {
                ++results;
                w.ctx_enumerated(2, p);
                if (i) w.ctx_unsigned(3, *i);
                Writer value;
                const auto f = db_->read(id, p, i, value);
                if (f) {
                    ++errors;
                    if (!first_error) first_error = f;
                    w.open(5);
                    w.enumerated(static_cast<std::uint32_t>(f->error_class));
                    w.enumerated(static_cast<std::uint32_t>(f->code));
                    w.close(5);
                } else {
                    w.open(4);
                    w.raw(value.bytes());
                    w.close(4);
                }
            };
            if (property == prop::all || property == prop::required || property == prop::optional) {
                if (!db_->exists(id)) {
                    one(property, std::nullopt);  // unknown-object for the special property itself
                } else {
                    for (const auto p : db_->expand(id, property)) one(p, std::nullopt);
                }
            } else {
                one(property, index);
            }
        }
        r.expect_closing(1);
        w.close(1);
    }
    // Every property failed: the request as a whole has (15.7.1.3.2).
    if (results > 0 && errors == results) failure = first_error;
    return std::move(w.bytes());
}

// ---- WriteProperty (15.9) ----

void BacnetService::write_property(Socket& s, const Peer& peer, const Apdu& a) {
    Reader r(a.data);
    const ObjectId id = r.ctx_object_id(0);
    const auto property = r.ctx_enumerated(1);
    std::optional<std::uint32_t> index;
    if (r.next_is_context(2)) index = static_cast<std::uint32_t>(r.ctx_unsigned(2));
    if (!r.next_is_opening(3)) throw DecodeError("no property value");
    const auto whole = r.element();
    const auto value = whole.subspan(1, whole.size() - 2);  // inside the opening and closing tags 3
    std::optional<unsigned> priority;
    if (r.next_is_context(4)) {
        const auto p = r.ctx_unsigned(4);
        if (p < 1 || p > 16) {
            ++stats_.rejected;
            return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::parameter_out_of_range));
        }
        priority = static_cast<unsigned>(p);
    }
    if (!r.done()) throw DecodeError("too many arguments");
    const auto outcome = db_->write(id, property, index, value, priority, context_.settings.running(bs::relay_control).get<bool>());
    if (outcome.failure) {
        ++stats_.errors;
        return send_apdu(s, peer, error_pdu(a.invoke_id, a.service, outcome.failure->error_class, outcome.failure->code));
    }
    // The board carries the command out (FC05); the client hears once it has.
    const std::uint8_t invoke = a.invoke_id, service = a.service;
    const Peer to = peer;
    Socket* sock = &s;
    context_.board.write_coil(static_cast<std::uint16_t>(outcome.relay->relay), outcome.relay->on,
                              [this, sock, to, invoke, service, weak = std::weak_ptr<bool>(alive_)](const TransactionResult& result) {
                                  if (weak.expired()) return;
                                  const bool open = std::any_of(sockets_.begin(), sockets_.end(), [&](const auto& e) { return e.second.get() == sock; });
                                  if (!open) return;
                                  if (result.response && !result.response->exception) return send_apdu(*sock, to, simple_ack(invoke, service));
                                  ++stats_.errors;
                                  send_apdu(*sock, to, error_pdu(invoke, service, ErrorClass::device, result.response ? ErrorCode::write_access_denied : ErrorCode::other));
                              });
}

// ---- DeviceCommunicationControl (16.1), time synchronization (16.7, 16.8) ----

void BacnetService::communication_control(Socket& s, const Peer& peer, const Apdu& a) {
    Reader r(a.data);
    std::optional<std::uint64_t> minutes;
    if (r.next_is_context(0)) minutes = r.ctx_unsigned(0);
    const auto state = r.ctx_enumerated(1);
    std::optional<std::string> password;
    if (r.next_is_context(2)) password = r.ctx_text(2);
    if (!r.done()) throw DecodeError("too many arguments");
    if (state > 2) {
        ++stats_.rejected;
        return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::undefined_enumeration));
    }
    if (minutes && *minutes > 65535) {
        ++stats_.rejected;
        return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::parameter_out_of_range));
    }
    const auto wanted = context_.settings.running(bs::dcc_password).get<std::string>();
    if (!wanted.empty() && password.value_or("") != wanted) {
        ++stats_.errors;
        return send_apdu(s, peer, error_pdu(a.invoke_id, a.service, ErrorClass::security, ErrorCode::password_failure));
    }
    auto& sched = context_.hal.scheduler;
    if (communication_timer_) sched.cancel(*communication_timer_);
    communication_timer_.reset();
    communication_ = state == 0 ? Communication::enabled : state == 1 ? Communication::disabled : Communication::initiation_disabled;
    static const char* const words[] = {"enabled", "disabled", "initiation disabled"};
    context_.events.add("bacnet", std::string("communication ") + words[state] + " by DeviceCommunicationControl from " + peer.ip.text() +
                                      (minutes && state != 0 ? " for " + std::to_string(*minutes) + " min" : ""));
    if (state != 0 && minutes && *minutes > 0)
        communication_timer_ = sched.after(std::chrono::minutes(*minutes), [this, weak = std::weak_ptr<bool>(alive_)] {
            if (weak.expired()) return;
            communication_timer_.reset();
            communication_ = Communication::enabled;
            context_.events.add("bacnet", "communication enabled again: the DeviceCommunicationControl time ran out");
        });
    send_apdu(s, peer, simple_ack(a.invoke_id, a.service));
}

void BacnetService::time_synchronization(const Peer& peer, std::span<const std::uint8_t> data, bool utc) {
    if (communication_ == Communication::disabled) return;
    Reader r(data);
    const Date d = r.app_date();
    const Time t = r.app_time();
    if (!r.done()) return;
    // Unspecified fields (255) cannot set a clock.
    if (d.year - 1900 == 255 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59)
        return;
    const std::chrono::year_month_day ymd{std::chrono::year(d.year), std::chrono::month(static_cast<unsigned>(d.month)),
                                          std::chrono::day(static_cast<unsigned>(d.day))};
    if (!ymd.ok()) return;
    auto& clock = context_.hal.clock;
    hal::Time when = std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(t.hour) + std::chrono::minutes(t.minute) +
                     std::chrono::seconds(t.second) + std::chrono::milliseconds(t.hundredths < 100 ? t.hundredths * 10 : 0);
    if (!utc) when -= clock.zone_offset() + (clock.dst() ? std::chrono::hours(1) : std::chrono::hours(0));
    const auto before = clock.utc();
    clock.set_utc(when);
    const auto step = std::chrono::duration_cast<std::chrono::milliseconds>(when - before).count();
    context_.events.add("bacnet", std::string("device clock set by ") + (utc ? "UTCTimeSynchronization" : "TimeSynchronization") + " from " +
                                      peer.ip.text() + " (" + (step >= 0 ? "+" : "") + std::to_string(step) + " ms)");
}

// ---- foreign device (J.5.2) ----

void BacnetService::register_foreign() {
    auto& sched = context_.hal.scheduler;
    if (register_timer_) sched.cancel(*register_timer_);
    register_timer_.reset();
    if (sockets_.empty()) {
        registration_ = "not registered: no interface up";
    } else {
        // From the first interface's socket: the BBMD answers to the address it sees.
        send(*sockets_.begin()->second, *bbmd_, register_foreign_device(ttl_s_));
        ++registrations_;
        if (register_timeout_) sched.cancel(*register_timeout_);
        register_timeout_ = sched.after(sched.peer_time(register_answer), [this, weak = std::weak_ptr<bool>(alive_)] {
            if (weak.expired()) return;
            register_timeout_.reset();
            registered_ = false;
            registration_ = "not registered: the BBMD does not answer";
            register_timer_ = context_.hal.scheduler.after(context_.hal.scheduler.peer_time(register_retry), [this, w2 = std::weak_ptr<bool>(alive_)] {
                if (!w2.expired()) register_foreign();
            });
        });
        return;
    }
    register_timer_ = sched.after(sched.peer_time(register_retry), [this, weak = std::weak_ptr<bool>(alive_)] {
        if (!weak.expired()) register_foreign();
    });
}

void BacnetService::on_bvlc_result(const IpAddress& from, std::uint16_t code) {
    if (!foreign_ || !bbmd_ || !(from == *bbmd_) || !register_timeout_) return;  // only the answer to our registration
    auto& sched = context_.hal.scheduler;
    sched.cancel(*register_timeout_);
    register_timeout_.reset();
    registered_ = code == bvlc::successful;
    registration_ = registered_ ? "registered, time to live " + std::to_string(ttl_s_ / 60) + " min"
                                : "not registered: the BBMD refused (BVLC-Result " + std::to_string(code) + ")";
    // Registered: again at half the time to live, well before the BBMD forgets us; refused: again later.
    const hal::Duration again = registered_ ? hal::Duration(std::chrono::seconds(ttl_s_ / 2)) : hal::Duration(register_retry);
    register_timer_ = sched.after(sched.peer_time(again), [this, weak = std::weak_ptr<bool>(alive_)] {
        if (!weak.expired()) register_foreign();
    });
}

}  // namespace fw
