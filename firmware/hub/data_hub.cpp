#include "hub/data_hub.hpp"

namespace fw {

namespace blocks = acurev::blocks;

const char* to_string(DataGroup g) {
    switch (g) {
        case DataGroup::realtime: return "real-time";
        case DataGroup::energy: return "energy";
        case DataGroup::demand: return "demand";
        case DataGroup::power_quality: return "power quality";
        case DataGroup::io: return "I/O";
        case DataGroup::alarms_events: return "alarms/events";
    }
    return "?";
}

std::optional<DataGroup> group_of(const acurev::Block& b) {
    for (const auto* x : {&blocks::system_realtime, &blocks::channel_realtime, &blocks::user_realtime})
        if (x->start == b.start) return DataGroup::realtime;
    for (const auto* x : {&blocks::energy_kwh, &blocks::energy_kvarh_kvah, &blocks::tou_energy, &blocks::tou_channel_month,
                          &blocks::tou_channel_prior, &blocks::tou_user_month, &blocks::tou_user_prior, &blocks::tou_status})
        if (x->start == b.start) return DataGroup::energy;
    if (b.start == blocks::demand.start) return DataGroup::demand;
    if (b.start == blocks::power_quality.start || b.start == blocks::phase_angles.start) return DataGroup::power_quality;
    if (b.start == blocks::di_counters.start || b.start == blocks::di_values.start) return DataGroup::io;
    if (b.start == blocks::alarm_log.start || b.start == blocks::event_log.start) return DataGroup::alarms_events;
    return std::nullopt;
}

int DataHub::subscribe(DataGroup group, Subscriber s) {
    subscribers_.emplace(next_id_, std::make_pair(group, std::move(s)));
    return next_id_++;
}

void DataHub::unsubscribe(int id) { subscribers_.erase(id); }

std::optional<Snapshot> DataHub::latest(DataGroup group) const {
    auto it = groups_.find(group);
    return it == groups_.end() ? std::nullopt : it->second.last;
}

void DataHub::end_of_cycle(hal::Time now) {
    for (const auto group : data_groups) {
        std::optional<hal::Time> oldest;
        Quality quality = Quality::fresh;
        bool never = false;
        for (const auto& b : acurev::register_blocks()) {
            if (group_of(b) != group) continue;
            const auto t = model_.oldest_read(b);
            if (!t) {
                never = true;
                break;
            }
            oldest = oldest ? std::min(*oldest, *t) : *t;
            if (model_.quality(b.start, b.count, now) == Quality::stale) quality = Quality::stale;
        }
        if (group == DataGroup::io && !never) {  // relays and inputs too
            const auto coils = model_.coil_quality(now), inputs = model_.input_quality(now);
            if (coils == Quality::never_read || inputs == Quality::never_read) never = true;
            if (coils == Quality::stale || inputs == Quality::stale) quality = Quality::stale;
        }
        if (never || !oldest) continue;  // nothing to say before the first full read
        auto& st = groups_[group];
        const bool renewed = !st.last || *oldest > st.published_at;
        const bool changed = st.last && quality != st.last->quality;
        if (!renewed && !changed) continue;
        Snapshot s{group, st.last ? st.last->sequence + 1 : 1, *oldest, quality, &model_};
        st.last = s;
        st.published_at = now;
        // A subscriber may unsubscribe (itself or another) while it is called: look each one up again.
        std::vector<int> ids;
        for (const auto& [id, entry] : subscribers_)
            if (entry.first == group) ids.push_back(id);
        for (int id : ids)
            if (auto it = subscribers_.find(id); it != subscribers_.end()) {
                const auto call = it->second.second;  // the entry may go while it runs
                call(s);
            }
    }
}

}  // namespace fw
