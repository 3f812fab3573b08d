#include "services/trend/trend_service.hpp"

#include <algorithm>

#include "catalogue/catalogue.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"

namespace fw {

namespace {

bool of_a_channel(const std::string& id) { return id.find(".ch") != std::string::npos || id.find(".user") != std::string::npos; }

std::int64_t seconds(hal::Time t) { return std::chrono::duration_cast<std::chrono::seconds>(t).count(); }

}  // namespace

std::vector<const Parameter*> TrendService::trended(TrendKind kind) {
    std::vector<const Parameter*> out;
    for (const auto& p : Catalogue::instance().all()) {
        const bool rt = p.id.rfind("rt.", 0) == 0 && !of_a_channel(p.id) && p.id.find(".load") == std::string::npos && p.id != "rt.load";
        const bool en = p.id.rfind("energy.", 0) == 0 && !of_a_channel(p.id);
        if (kind == TrendKind::realtime ? rt : en) out.push_back(&p);
    }
    return out;
}

TrendService::TrendService(ServiceContext& context)
    : context_(context), realtime_(trended(TrendKind::realtime)), energy_(trended(TrendKind::energy)) {}

TrendService::~TrendService() {
    stop();
    *alive_ = false;
}

void TrendService::start() {
    store_ = std::make_shared<TrendStore>((context_.hal.storage.data_dir() / TrendStore::file_name).string());
    subscriptions_.push_back(context_.hub.subscribe(DataGroup::realtime, [this](const Snapshot& s) { on_snapshot(TrendKind::realtime, s); }));
    subscriptions_.push_back(context_.hub.subscribe(DataGroup::energy, [this](const Snapshot& s) { on_snapshot(TrendKind::energy, s); }));
}

void TrendService::stop() {
    for (const int id : subscriptions_) context_.hub.unsubscribe(id);
    subscriptions_.clear();
    queue_.clear();
}

Health TrendService::health() const {
    if (!store_) return {false, "not started"};
    std::string d = "trend.db, " + std::to_string(written_) + " instants written";
    if (!error_.empty()) d += "; last error: " + error_;
    return {true, d};
}

void TrendService::on_snapshot(TrendKind kind, const Snapshot& s) {
    if (s.quality != Quality::fresh) return;  // a stale stretch stores nothing: a gap
    const hal::Time now = context_.hal.scheduler.now();
    // The device's date and time of the snapshot, aligned to the kind's period.
    const std::int64_t utc = seconds(context_.hal.clock.utc() - (now - s.time));
    const std::int64_t every = kind == TrendKind::realtime ? realtime_every_s : energy_every_s;
    const std::int64_t slot = utc / every;
    auto& last = last_slot_[kind == TrendKind::realtime ? 0 : 1];
    if (slot == last) return;
    last = slot;
    // A frequency of 0: the board has measured no window since it powered up (its real-time
    // registers read 0 until then) or sees no voltage, which also powers it. Not a measurement: a gap.
    if (kind == TrendKind::realtime) {
        const auto* f = Catalogue::instance().find("rt.frequency");
        if (f && context_.model.reading(*f, now).value == 0) return;
    }
    Batch b{kind, slot * every, {}};
    for (const auto* p : kind == TrendKind::realtime ? realtime_ : energy_) {
        const Reading r = context_.model.reading(*p, now);
        if (r.quality == Quality::fresh) b.samples.push_back({p->key, r.value});
    }
    if (b.samples.empty()) return;
    queue_.push_back(std::move(b));
    if (queue_.size() > 1000) queue_.pop_front();  // the disk far behind: the oldest goes (health says so)
    submit_next();
}

void TrendService::submit_next() {
    if (job_running_ || queue_.empty()) return;
    job_running_ = true;
    auto batch = std::make_shared<Batch>(std::move(queue_.front()));
    queue_.pop_front();
    const bool purge = batch->t - last_purge_ >= purge_every_s;
    if (purge) last_purge_ = batch->t;
    auto error = std::make_shared<std::string>();
    std::weak_ptr<bool> alive = alive_;
    context_.hal.workers.submit(
        [store = store_, batch, purge, error] {
            try {
                store->append(batch->kind, batch->t, batch->samples);
                if (purge) store->purge(batch->t);
            } catch (const std::exception& e) {
                *error = e.what();  // thrown on the loop it would end the module
            }
        },
        [this, alive, error] {
            if (alive.expired()) return;
            job_running_ = false;
            if (error->empty())
                ++written_;
            else
                error_ = *error;
            submit_next();
        });
}

}  // namespace fw
