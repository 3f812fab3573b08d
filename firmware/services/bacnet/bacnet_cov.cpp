// SubscribeCOV (ASHRAE 135 13.14) and the COV notifications of the BACnet service: subscriptions with
// their lifetime (subscriber time), a notification when a value moved by its COV increment or its
// status flags changed, confirmed ones retried until acknowledged.
#include <algorithm>
#include <cmath>

#include "services/bacnet/bacnet_subscriptions.hpp"

namespace fw {

using namespace bacnet;

// ---- SubscribeCOV (13.14) ----

void BacnetService::subscribe_cov(Socket& s, const Peer& peer, const Apdu& a) {
    Reader r(a.data);
    const auto process = static_cast<std::uint32_t>(r.ctx_unsigned(0));
    const ObjectId id = r.ctx_object_id(1);
    std::optional<bool> confirmed_notifications;
    std::optional<std::uint64_t> lifetime;
    if (r.next_is_context(2)) confirmed_notifications = r.ctx_boolean(2);
    if (r.next_is_context(3)) lifetime = r.ctx_unsigned(3);
    if (!r.done()) throw DecodeError("too many arguments");
    auto same = [&](const auto& e) { return e.second->peer == peer && e.second->process == process && e.second->object == id; };
    const auto existing = std::find_if(subscriptions_.begin(), subscriptions_.end(), same);
    auto& sched = context_.hal.scheduler;
    if (!confirmed_notifications && !lifetime) {  // a cancellation; one that is not there is fine (13.14.1.3)
        if (existing != subscriptions_.end()) {
            if (existing->second->timer) sched.cancel(*existing->second->timer);
            subscriptions_.erase(existing);
        }
        return send_apdu(s, peer, simple_ack(a.invoke_id, a.service));
    }
    if (!confirmed_notifications) {
        ++stats_.rejected;
        return send_apdu(s, peer, reject_pdu(a.invoke_id, RejectReason::missing_required_parameter));
    }
    auto fail = [&](ErrorClass c, ErrorCode e) {
        ++stats_.errors;
        send_apdu(s, peer, error_pdu(a.invoke_id, a.service, c, e));
    };
    if (!db_->exists(id)) return fail(ErrorClass::object, ErrorCode::unknown_object);
    if (id.type == ObjectType::device) return fail(ErrorClass::object, ErrorCode::optional_functionality_not_supported);
    Subscription* sub = nullptr;
    if (existing != subscriptions_.end()) {
        sub = existing->second.get();
        if (sub->timer) sched.cancel(*sub->timer);
        sub->timer.reset();
    } else {
        if (subscriptions_.size() >= max_subscriptions) return fail(ErrorClass::resources, ErrorCode::cov_subscription_failed);
        auto fresh = std::make_unique<Subscription>();
        fresh->id = next_subscription_++;
        sub = fresh.get();
        subscriptions_[fresh->id] = std::move(fresh);
    }
    sub->socket = &s;
    sub->peer = peer;
    sub->process = process;
    sub->object = id;
    sub->confirmed = *confirmed_notifications;
    sub->expires.reset();
    const std::uint64_t life = lifetime.value_or(0);
    if (life > 0) {
        // The subscriber's time: it renews before its lifetime runs out (peer time).
        sub->expires = sched.now() + sched.peer_time(std::chrono::seconds(life));
        const auto sid = sub->id;
        sub->timer = sched.at(*sub->expires, [this, sid, weak = std::weak_ptr<bool>(alive_)] {
            if (!weak.expired()) expire(sid);
        });
    }
    send_apdu(s, peer, simple_ack(a.invoke_id, a.service));
    notify(*sub);  // the initial notification (13.14.1.1.4)
}

void BacnetService::expire(std::uint64_t subscription_id) { subscriptions_.erase(subscription_id); }

void BacnetService::on_snapshot() {
    for (auto& [id, sub] : subscriptions_) {
        const auto now = db_->cov_value(sub->object);
        if (!now) continue;
        const double increment = db_->cov_increment(sub->object);
        const bool moved = increment > 0 ? std::fabs(now->value - sub->last.value) >= increment : now->value != sub->last.value;
        if (moved || now->fault != sub->last.fault) notify(*sub);
    }
}

void BacnetService::notify(Subscription& sub) {
    sub.last = db_->cov_value(sub.object).value_or(ObjectDb::CovValue{});
    if (communication_ != Communication::enabled) return;  // DCC: no initiating
    auto& sched = context_.hal.scheduler;
    std::uint64_t remaining = 0;
    if (sub.expires) {
        const auto left = *sub.expires - sched.now();
        remaining = left.count() > 0 ? static_cast<std::uint64_t>(std::chrono::ceil<std::chrono::seconds>(left).count()) : 0;
    }
    Writer w;
    w.ctx_unsigned(0, sub.process);
    w.ctx_object_id(1, db_->device_id());
    w.ctx_object_id(2, sub.object);
    w.ctx_unsigned(3, remaining);
    w.open(4);
    db_->cov_values(sub.object, w);
    w.close(4);
    ++stats_.notifications;
    if (!sub.confirmed) return send_apdu(*sub.socket, sub.peer, unconfirmed_request(unconfirmed::cov_notification, w.bytes()));
    auto n = std::make_shared<Notification>();
    n->socket = sub.socket;
    n->peer = sub.peer;
    // An invoke id not in use (at most 256 notifications wait; the oldest gives way).
    for (int i = 0; i < 256 && notifications_.count(next_invoke_); ++i) ++next_invoke_;
    n->invoke_id = next_invoke_++;
    if (auto old = notifications_.find(n->invoke_id); old != notifications_.end() && old->second->timer) sched.cancel(*old->second->timer);
    n->apdu = confirmed_request(n->invoke_id, confirmed::cov_notification, w.bytes());
    notifications_[n->invoke_id] = n;
    send_confirmed_notification(n);
}

void BacnetService::send_confirmed_notification(const std::shared_ptr<Notification>& n) {
    ++n->tries;
    send_apdu(*n->socket, n->peer, n->apdu, true);
    auto& sched = context_.hal.scheduler;
    const auto invoke = n->invoke_id;
    n->timer = sched.after(sched.peer_time(std::chrono::milliseconds(apdu_timeout_ms)), [this, invoke, weak = std::weak_ptr<bool>(alive_)] {
        if (weak.expired()) return;
        const auto it = notifications_.find(invoke);
        if (it == notifications_.end()) return;
        auto waiting = it->second;
        waiting->timer.reset();
        if (waiting->tries > apdu_retries) {
            notifications_.erase(it);
            return;
        }
        send_confirmed_notification(waiting);
    });
}

void BacnetService::on_client_reply(const Peer& peer, const Apdu& a) {
    const auto it = notifications_.find(a.invoke_id);
    if (it == notifications_.end() || !(it->second->peer.ip == peer.ip)) return;
    if (it->second->timer) context_.hal.scheduler.cancel(*it->second->timer);
    notifications_.erase(it);  // acknowledged, refused or aborted: either way it is over
}

}  // namespace fw
