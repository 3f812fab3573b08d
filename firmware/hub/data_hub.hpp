#pragma once
// The data hub (ARCHITECTURE "Services"): services subscribe to a group of parameters and receive
// a timestamped snapshot with quality at the end of each poll cycle of that group — when every
// block of the group has been read again since the last snapshot, or when its quality changed
// (the board stopped answering). No service polls the data model on a timer of its own.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "acurev/board_map.hpp"
#include "model/data_model.hpp"

namespace fw {

enum class DataGroup { realtime, energy, demand, power_quality, io, alarms_events };
inline constexpr DataGroup data_groups[] = {DataGroup::realtime, DataGroup::energy, DataGroup::demand,
                                            DataGroup::power_quality, DataGroup::io, DataGroup::alarms_events};
const char* to_string(DataGroup g);
// The group a block's parameters belong to; none for settings, the clock and device information.
std::optional<DataGroup> group_of(const acurev::Block& b);

struct Snapshot {
    DataGroup group = DataGroup::realtime;
    std::uint64_t sequence = 0;  // 1, 2, ... per group
    hal::Time time{};            // the oldest read of the group's registers: every value is at least this new
    Quality quality = Quality::never_read;
    const DataModel* model = nullptr;  // the values, typed through the catalogue (model->reading(p, time))
};

class DataHub {
public:
    explicit DataHub(const DataModel& model) : model_(model) {}
    using Subscriber = std::function<void(const Snapshot&)>;
    int subscribe(DataGroup group, Subscriber s);
    void unsubscribe(int id);
    // The poller, at the end of each cycle.
    void end_of_cycle(hal::Time now);
    std::optional<Snapshot> latest(DataGroup group) const;

private:
    struct GroupState {
        std::optional<Snapshot> last;
        hal::Time published_at{};  // a new snapshot needs every register read after this
    };
    const DataModel& model_;
    std::map<DataGroup, GroupState> groups_;
    std::map<int, std::pair<DataGroup, Subscriber>> subscribers_;
    int next_id_ = 1;
};

}  // namespace fw
