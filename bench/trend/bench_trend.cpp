// The trend database's costs (issue "Data that reaches people", bench/): ingest of one real-time
// instant (every trended key), the 30 days at 1 h real-time query and the 1 year at 1 day energy
// query (goal < 20 ms each), and bytes on disk per stored sample. The queried database holds 31
// days of one real-time key every 15 s and a year of one energy key every minute (the keys are
// stored apart, by key then time, so more keys do not slow a query of one).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "catalogue/catalogue.hpp"
#include "services/trend/trend_service.hpp"
#include "services/trend/trend_store.hpp"

namespace {

constexpr std::int64_t t0 = 1'767'225'600, day = 86400;

struct Db {
    std::filesystem::path dir;
    std::unique_ptr<fw::TrendStore> store;
    Db() {
        char tmpl[] = "/tmp/bench-trend-XXXXXX";
        dir = ::mkdtemp(tmpl);
        store = std::make_unique<fw::TrendStore>((dir / fw::TrendStore::file_name).string());
    }
    ~Db() {
        store.reset();
        std::filesystem::remove_all(dir);
    }
};

Db& filled() {
    static Db db;
    static const bool once = [] {
        for (std::int64_t t = t0; t < t0 + 31 * day; t += 15) db.store->append(fw::TrendKind::realtime, t, {{"Va_V", 230.0 + static_cast<double>(t % 7)}});
        double kwh = 0;
        for (std::int64_t t = t0; t < t0 + 365 * day; t += 60) db.store->append(fw::TrendKind::energy, t, {{"EP_IMP_kWh", kwh += 0.1}});
        return true;
    }();
    (void)once;
    return db;
}

void ingest_realtime_instant(benchmark::State& state) {
    Db db;
    std::vector<fw::TrendSample> samples;
    for (const auto* p : fw::TrendService::trended(fw::TrendKind::realtime)) samples.push_back({p->key, 1.0});
    std::int64_t t = t0;
    for (auto _ : state) db.store->append(fw::TrendKind::realtime, t += 15, samples);
    state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations() * samples.size()), benchmark::Counter::kIsRate);
    state.counters["keys"] = static_cast<double>(samples.size());
}
BENCHMARK(ingest_realtime_instant)->Unit(benchmark::kMicrosecond);

void query_30_days_at_1_hour(benchmark::State& state) {
    auto& db = filled();
    for (auto _ : state) benchmark::DoNotOptimize(db.store->query(fw::TrendKind::realtime, "Va_V", t0 + day, t0 + 31 * day, 3600));
}
BENCHMARK(query_30_days_at_1_hour)->Unit(benchmark::kMillisecond);

void query_1_year_at_1_day(benchmark::State& state) {
    auto& db = filled();
    for (auto _ : state) benchmark::DoNotOptimize(db.store->query(fw::TrendKind::energy, "EP_IMP_kWh", t0, t0 + 365 * day, day));
    const auto rows = db.store->rows(fw::TrendKind::realtime) + db.store->rows(fw::TrendKind::energy);
    std::uintmax_t bytes = 0;
    for (const auto& f : std::filesystem::directory_iterator(db.dir)) bytes += f.file_size();
    state.counters["bytes/sample"] = static_cast<double>(bytes) / static_cast<double>(rows);
}
BENCHMARK(query_1_year_at_1_day)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
