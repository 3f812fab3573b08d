#include "services/trend/trend_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace fw {

namespace {

const char* table(TrendKind k) { return k == TrendKind::realtime ? "realtime" : "energy"; }

// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("trend database: ") + sqlite3_errmsg(db) + " in " + sql);
    }
    ~Statement() { sqlite3_finalize(s_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(s_, i, v);
        return *this;
    }
    Statement& bind(int i, double v) {
        sqlite3_bind_double(s_, i, v);
        return *this;
    }
    Statement& bind(int i, const std::string& v) {
        sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    bool step() {
        const int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw std::runtime_error(std::string("trend database: ") + sqlite3_errmsg(db_));
    }
    void reset() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }
    double real(int col) const { return sqlite3_column_double(s_, col); }
    bool null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

private:
    sqlite3* db_;
    sqlite3_stmt* s_ = nullptr;
};

}  // namespace

TrendStore::TrendStore(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open the trend database " + path + ": " + why);
    }
    sqlite3_busy_timeout(db_, 2000);
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");  // WAL: a power cut loses at most the last transactions, never the file
        exec("CREATE TABLE IF NOT EXISTS keys(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL)");
        for (const char* t : {"realtime", "energy"})
            exec(("CREATE TABLE IF NOT EXISTS " + std::string(t) +
                  "(key INTEGER NOT NULL, t INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY(key, t)) WITHOUT ROWID")
                     .c_str());
        exec("CREATE INDEX IF NOT EXISTS realtime_t ON realtime(t)");
        // Hourly rollups, kept with each append: queries by whole hours read them, not the samples
        // (30 days at 1 h: 720 rows instead of 172,800).
        exec("CREATE TABLE IF NOT EXISTS realtime_hour(key INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, sum REAL NOT NULL, "
             "lo REAL NOT NULL, hi REAL NOT NULL, PRIMARY KEY(key, t)) WITHOUT ROWID");
        exec("CREATE TABLE IF NOT EXISTS energy_hour(key INTEGER NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL, last_t INTEGER NOT NULL, "
             "value REAL NOT NULL, PRIMARY KEY(key, t)) WITHOUT ROWID");
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

TrendStore::~TrendStore() { sqlite3_close(db_); }

void TrendStore::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string why = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("trend database " + path_ + ": " + why);
    }
}

std::int64_t TrendStore::key_id(const std::string& key) {
    Statement find(db_, "SELECT id FROM keys WHERE key = ?");
    find.bind(1, key);
    if (find.step()) return find.integer(0);
    Statement add(db_, "INSERT INTO keys(key) VALUES(?)");
    add.bind(1, key);
    add.step();
    return sqlite3_last_insert_rowid(db_);
}

void TrendStore::append(TrendKind kind, std::int64_t utc_s, const std::vector<TrendSample>& samples) {
    exec("BEGIN");
    try {
        Statement insert(db_, std::string("INSERT OR IGNORE INTO ") + table(kind) + "(key, t, value) VALUES(?, ?, ?)");
        Statement rollup(db_, kind == TrendKind::realtime
                                  ? "INSERT INTO realtime_hour VALUES(?1, ?2, 1, ?3, ?3, ?3) ON CONFLICT(key, t) DO UPDATE SET "
                                    "n = n + 1, sum = sum + ?3, lo = min(lo, ?3), hi = max(hi, ?3)"
                                  : "INSERT INTO energy_hour VALUES(?1, ?2, 1, ?4, ?3) ON CONFLICT(key, t) DO UPDATE SET "
                                    "n = n + 1, last_t = max(last_t, ?4), value = CASE WHEN ?4 >= last_t THEN ?3 ELSE value END");
        const std::int64_t hour = utc_s - ((utc_s % 3600) + 3600) % 3600;
        for (const auto& s : samples) {
            const std::int64_t id = key_id(s.key);
            insert.bind(1, id).bind(2, utc_s).bind(3, s.value);
            insert.step();
            insert.reset();
            if (sqlite3_changes(db_) == 0) continue;  // an instant already stored (a restart) counts once
            rollup.bind(1, id).bind(2, hour).bind(3, s.value).bind(4, utc_s);
            rollup.step();
            rollup.reset();
        }
        exec("COMMIT");
    } catch (...) {
        exec("ROLLBACK");
        throw;
    }
}

std::int64_t TrendStore::purge(std::int64_t now_s) {
    Statement del(db_, "DELETE FROM realtime WHERE t < ?");
    del.bind(1, now_s - realtime_retention_s);
    del.step();
    const auto removed = sqlite3_changes64(db_);
    Statement hours(db_, "DELETE FROM realtime_hour WHERE t < ?");
    hours.bind(1, now_s - realtime_retention_s - 3600);  // an hour partly kept stays whole
    hours.step();
    return removed;
}

std::vector<TrendBucket> TrendStore::query(TrendKind kind, const std::string& key, std::int64_t start, std::int64_t end, std::int64_t interval_s) {
    if (interval_s <= 0 || end <= start) throw std::invalid_argument("a trend query needs start < end and a positive interval");
    const std::int64_t n = (end - start + interval_s - 1) / interval_s;
    if (n > 100000) throw std::invalid_argument("a trend query of " + std::to_string(n) + " intervals is too many (at most 100000)");
    std::vector<TrendBucket> out(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)].start = start + i * interval_s;
    Statement find(db_, "SELECT id FROM keys WHERE key = ?");
    find.bind(1, key);
    if (!find.step()) return out;  // never stored: all gaps
    const std::int64_t id = find.integer(0);
    // Whole hours from a whole hour (and an end on one): the rollups answer.
    const bool hourly = interval_s % 3600 == 0 && start % 3600 == 0 && end % 3600 == 0;
    if (kind == TrendKind::realtime) {
        Statement q(db_, hourly ? "SELECT (t - ?1) / ?2, sum(n), sum(sum) / sum(n), min(lo), max(hi) FROM realtime_hour "
                                  "WHERE key = ?3 AND t >= ?1 AND t < ?4 GROUP BY 1"
                                : "SELECT (t - ?1) / ?2, count(*), avg(value), min(value), max(value) FROM realtime "
                                  "WHERE key = ?3 AND t >= ?1 AND t < ?4 GROUP BY 1");
        q.bind(1, start).bind(2, interval_s).bind(3, id).bind(4, end);
        while (q.step()) {
            auto& b = out[static_cast<std::size_t>(q.integer(0))];
            b.count = static_cast<int>(q.integer(1));
            b.average = q.real(2);
            b.minimum = q.real(3);
            b.maximum = q.real(4);
        }
        return out;
    }
    // Energy: the last sample of each interval (SQLite takes the bare column from the max(t) row).
    std::optional<double> before;
    Statement prev(db_, "SELECT value FROM energy WHERE key = ? AND t < ? ORDER BY t DESC LIMIT 1");
    prev.bind(1, id).bind(2, start);
    if (prev.step()) before = prev.real(0);
    Statement q(db_, hourly ? "SELECT (t - ?1) / ?2, sum(n), max(last_t), value FROM energy_hour WHERE key = ?3 AND t >= ?1 AND t < ?4 "
                              "GROUP BY 1 ORDER BY 1"
                            : "SELECT (t - ?1) / ?2, count(*), max(t), value FROM energy WHERE key = ?3 AND t >= ?1 AND t < ?4 GROUP BY 1 ORDER BY 1");
    q.bind(1, start).bind(2, interval_s).bind(3, id).bind(4, end);
    while (q.step()) {
        auto& b = out[static_cast<std::size_t>(q.integer(0))];
        b.count = static_cast<int>(q.integer(1));
        const double last = q.real(3);
        // The first interval with data and no sample before the range: from its own first sample.
        if (!before) {
            Statement first(db_, "SELECT value FROM energy WHERE key = ? AND t >= ? ORDER BY t LIMIT 1");
            first.bind(1, id).bind(2, b.start);
            first.step();
            before = first.real(0);
        }
        // A meter reset (the register fell) counts from zero.
        b.delta = last >= *before ? last - *before : last;
        before = last;
    }
    return out;
}

std::optional<std::pair<std::int64_t, std::int64_t>> TrendStore::extent(TrendKind kind) {
    Statement q(db_, std::string("SELECT min(t), max(t) FROM ") + table(kind));
    if (!q.step() || q.null(0)) return std::nullopt;
    return std::pair{q.integer(0), q.integer(1)};
}

std::int64_t TrendStore::rows(TrendKind kind) {
    Statement q(db_, std::string("SELECT count(*) FROM ") + table(kind));
    q.step();
    return q.integer(0);
}

void TrendStore::clear() {
    exec("BEGIN");
    for (const char* t : {"realtime", "energy", "realtime_hour", "energy_hour"}) exec(("DELETE FROM " + std::string(t)).c_str());
    exec("COMMIT");
}

}  // namespace fw
