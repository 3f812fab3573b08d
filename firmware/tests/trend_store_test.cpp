// The trend database against an independent computation over the raw samples, for every time
// frame and interval of web manual 6.4.1.1 and 6.4.1.2, with gaps, retention and a meter reset.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "services/trend/trend_store.hpp"

using fw::TrendKind;
using fw::TrendStore;

namespace {

struct TempDb {
    std::filesystem::path dir;
    TempDb() {
        char tmpl[] = "/tmp/trend-test-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~TempDb() { std::filesystem::remove_all(dir); }
    std::string path() const { return (dir / TrendStore::file_name).string(); }
};

constexpr std::int64_t day = 86400;
// Time frames and intervals of 6.4.1.1/6.4.1.2: {length, interval}.
const std::vector<std::pair<std::int64_t, std::int64_t>> frames{
    {600, 15}, {600, 60}, {3600, 60}, {day, 15}, {day, 3600}, {7 * day, 900}, {7 * day, 3600}, {7 * day, day}, {30 * day, 3600}, {30 * day, day},
    {day + 7, 3600}};  // the last: a start off the hour, answered from the samples instead of the hourly rollups

}  // namespace

TEST_CASE("trend: real-time averages, minima and maxima equal a computation over the raw samples, gaps left empty") {
    TempDb tmp;
    TrendStore store(tmp.path());
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(230.0, 3.0);
    const std::int64_t t0 = 1'767'225'600;  // 2026-01-01
    std::map<std::int64_t, double> raw;     // what was stored
    // 30 days: every 15 s on the last two (the frames with 15 s intervals look there), every 5 min
    // before (a unit test's budget); a stale stretch (nothing stored) on day 3 from 10:00 to 14:00.
    for (std::int64_t t = t0; t < t0 + 30 * day; t += t < t0 + 28 * day ? 300 : 15) {
        if (t >= t0 + 3 * day + 10 * 3600 && t < t0 + 3 * day + 14 * 3600) continue;
        const double v = noise(rng);
        raw[t] = v;
        store.append(TrendKind::realtime, t, {{"Va_V", v}, {"Vb_V", v + 1}});
    }
    const std::int64_t end = t0 + 30 * day;
    for (const auto& [length, interval] : frames) {
        const std::int64_t start = end - length;
        const auto buckets = store.query(TrendKind::realtime, "Va_V", start, end, interval);
        REQUIRE(buckets.size() == static_cast<std::size_t>((length + interval - 1) / interval));
        for (const auto& b : buckets) {
            double sum = 0, lo = 1e300, hi = -1e300;
            int n = 0;
            for (auto it = raw.lower_bound(b.start); it != raw.end() && it->first < b.start + interval; ++it, ++n) {
                sum += it->second;
                lo = std::min(lo, it->second);
                hi = std::max(hi, it->second);
            }
            REQUIRE(b.count == n);
            if (n == 0) {
                CHECK_FALSE(b.average.has_value());  // a gap, not a zero
                continue;
            }
            CHECK_THAT(*b.average, Catch::Matchers::WithinRel(sum / n, 1e-12));
            CHECK(*b.minimum == lo);
            CHECK(*b.maximum == hi);
        }
    }
    // The stale stretch: the 1 h buckets of day 3, 10:00-14:00, are gaps.
    const auto day3 = store.query(TrendKind::realtime, "Va_V", t0 + 3 * day, t0 + 4 * day, 3600);
    for (int h = 0; h < 24; ++h) CHECK((day3[static_cast<std::size_t>(h)].count == 0) == (h >= 10 && h < 14));
    CHECK(store.query(TrendKind::realtime, "never_stored", t0, t0 + 3600, 60)[0].count == 0);
}

TEST_CASE("trend: energy deltas per interval, across gaps and a meter reset; after 40 days real-time is gone, energy kept") {
    TempDb tmp;
    TrendStore store(tmp.path());
    const std::int64_t t0 = 1'767'225'600;
    std::map<std::int64_t, double> raw;
    double kwh = 1000;
    for (std::int64_t t = t0; t < t0 + 40 * day; t += 300) {  // every 5 min (the service: every minute)
        if (t >= t0 + 5 * day && t < t0 + 5 * day + 7200) continue;  // stale: nothing stored
        kwh += 0.25 + 0.05 * static_cast<double>((t / 300) % 7);
        if (t == t0 + 20 * day) kwh = 0.3;  // the Management page's energy reset
        raw[t] = kwh;
        store.append(TrendKind::energy, t, {{"EP_IMP_kWh", kwh}});
        if (t % 3600 == 0) store.append(TrendKind::realtime, t, {{"Va_V", 230.0}});
    }
    const std::int64_t end = t0 + 40 * day;
    auto last_before = [&raw](std::int64_t t) -> std::optional<double> {
        auto it = raw.lower_bound(t);
        if (it == raw.begin()) return std::nullopt;
        return std::prev(it)->second;
    };
    for (const auto& [length, interval] : std::vector<std::pair<std::int64_t, std::int64_t>>{{day, 3600}, {30 * day, day}, {40 * day, 7 * day}, {7 * day, 900}}) {
        const std::int64_t start = end - length;
        std::optional<double> before = last_before(start);
        for (const auto& b : store.query(TrendKind::energy, "EP_IMP_kWh", start, end, interval)) {
            auto lo = raw.lower_bound(b.start), hi = raw.lower_bound(b.start + interval);
            if (lo == hi) {
                CHECK_FALSE(b.delta.has_value());
                continue;
            }
            const double last = std::prev(hi)->second;
            const double from = before ? *before : lo->second;
            CHECK_THAT(*b.delta, Catch::Matchers::WithinAbs(last >= from ? last - from : last, 1e-9));
            before = last;
        }
    }
    CHECK(store.purge(end) > 0);
    const auto rt = store.extent(TrendKind::realtime);
    REQUIRE(rt);
    CHECK(rt->first >= end - TrendStore::realtime_retention_s);
    const auto en = store.extent(TrendKind::energy);
    REQUIRE(en);
    CHECK(en->first == t0);
    CHECK(store.rows(TrendKind::energy) == static_cast<std::int64_t>(raw.size()));
    store.clear();
    CHECK_FALSE(store.extent(TrendKind::energy));
}

TEST_CASE("trend: a bad query and a file that is not a database are clear errors") {
    TempDb tmp;
    TrendStore store(tmp.path());
    CHECK_THROWS_WITH(store.query(TrendKind::realtime, "Va_V", 100, 50, 15), "a trend query needs start < end and a positive interval");
    CHECK_THROWS_AS(store.query(TrendKind::realtime, "Va_V", 0, 10'000'000, 15), std::invalid_argument);
    const auto junk = tmp.dir / "junk.db";
    {
        std::FILE* f = std::fopen(junk.c_str(), "w");
        std::fputs("this is not a database, just text long enough to have a header........", f);
        std::fclose(f);
    }
    CHECK_THROWS_AS(TrendStore(junk.string()), std::runtime_error);
}
