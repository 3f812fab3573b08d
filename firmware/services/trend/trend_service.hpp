#pragma once
// The trend service (web manual 6.4.1): real-time system values every 15 s and energy every
// minute of the device clock, taken from data-hub snapshots (fresh values only) and written to the
// trend database on the worker pool, one job at a time; real-time rows past the retention purged
// hourly.
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "services/service.hpp"
#include "services/trend/trend_store.hpp"

namespace fw {

struct Parameter;

class TrendService final : public Service {
public:
    static constexpr std::int64_t realtime_every_s = 15, energy_every_s = 60, purge_every_s = 3600;

    explicit TrendService(ServiceContext& context);
    ~TrendService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::live; }

    // The parameters each kind stores: those the Trend Log pages offer (system and phase values).
    static std::vector<const Parameter*> trended(TrendKind kind);

private:
    struct Batch {
        TrendKind kind;
        std::int64_t t;
        std::vector<TrendSample> samples;
    };
    void on_snapshot(TrendKind kind, const struct Snapshot& s);
    void submit_next();

    ServiceContext& context_;
    std::shared_ptr<TrendStore> store_;
    std::vector<const Parameter*> realtime_, energy_;
    std::vector<int> subscriptions_;
    std::int64_t last_slot_[2] = {-1, -1};
    std::int64_t last_purge_ = 0;
    std::deque<Batch> queue_;
    bool job_running_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::string error_;
    std::uint64_t written_ = 0;
};

}  // namespace fw
