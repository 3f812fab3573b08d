#pragma once
// The trend database (web manual 6.4.1, 6.4.5; ARCHITECTURE "Storage"): SQLite in WAL mode in the
// data directory. Real-time samples (every 15 s) are kept about a month, energy samples (every
// minute) for years. A sample is a fresh value only: a stale stretch stores nothing and reads back
// as a gap, never as zeros. Blocking: the trend service calls it from its worker jobs only, one
// at a time.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace fw {

enum class TrendKind { realtime, energy };

struct TrendSample {
    std::string key;  // the catalogue's WEB2 key ("Va_V", "EP_IMP_kWh")
    double value;
};

// One interval of a query: real-time average, minimum and maximum of the samples in it; energy
// the increase over it (the last sample in it less the last one before it). Empty (count 0, no
// values) where nothing was stored: a gap.
struct TrendBucket {
    std::int64_t start = 0;  // UTC seconds
    int count = 0;
    std::optional<double> average, minimum, maximum;  // real-time
    std::optional<double> delta;                      // energy
};

class TrendStore {
public:
    static constexpr const char* file_name = "trend.db";
    static constexpr std::int64_t realtime_retention_s = 31 * 86400;  // "about one month" (6.4.5)

    explicit TrendStore(const std::string& path);  // throws std::runtime_error naming the file
    ~TrendStore();
    TrendStore(const TrendStore&) = delete;
    TrendStore& operator=(const TrendStore&) = delete;

    // One instant's samples, in one transaction (a power cut keeps all of it or none).
    void append(TrendKind kind, std::int64_t utc_s, const std::vector<TrendSample>& samples);
    // Removes real-time samples older than the retention before `now_s`; energy is kept.
    std::int64_t purge(std::int64_t now_s);
    // The buckets of [start, end) by `interval_s` for one key (every bucket, gaps included).
    std::vector<TrendBucket> query(TrendKind kind, const std::string& key, std::int64_t start, std::int64_t end, std::int64_t interval_s);
    // [first, last] sample times stored for `kind`, none when empty.
    std::optional<std::pair<std::int64_t, std::int64_t>> extent(TrendKind kind);
    std::int64_t rows(TrendKind kind);
    void clear();  // Trendlog management "Clear Logs"

private:
    std::int64_t key_id(const std::string& key);
    void exec(const char* sql);
    sqlite3* db_ = nullptr;
    std::string path_;
};

}  // namespace fw
