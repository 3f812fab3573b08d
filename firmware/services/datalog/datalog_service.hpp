#pragma once
// The data loggers (web manual 7.5, 6.4.2): three loggers, each writing a row of its parameters
// every log interval of the device's date and time, into gzip-compressed CSV files in the `logs`
// folder of the data directory (one file per Local Log File Length; a gzip member per row, each
// appended and fsynced, so a power cut loses at most the row being written). Rows come from
// data-hub snapshots: the first snapshot of a selected group in an interval writes the row stamped
// with the interval's start. Time only moves forward in a log: after the device clock is set back
// the logger writes nothing until the clock passes its last row; after it is set forward, the
// skipped intervals have no rows. See docs/data-logs.md.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/service.hpp"

namespace fw {

struct Parameter;

class DatalogService final : public Service {
public:
    static constexpr const char* folder = "logs";
    static constexpr const char* index_file = "datalog-index.json";
    static constexpr const char* outbox = "outbox";  // the rows of each running post period
    // "<logger> <UTC s>" per row written, appended and fsynced: after a power cut the loggers go on
    // after their last rows even when the device clock comes back behind them.
    static constexpr const char* rows_file = "datalog-rows.log";

    explicit DatalogService(ServiceContext& context);
    ~DatalogService() override;
    void start() override;
    void stop() override;
    Health health() const override;
    Reconfigured reconfigure(const std::vector<std::string>&) override { return Reconfigured::live; }

    struct File {
        std::string name;
        int logger = 0;           // 1-3, 0 when no logger's prefix matches it now
        std::uint64_t size = 0;   // bytes
        std::int64_t updated = 0; // UTC seconds of its last row (0 when unknown)
    };
    std::vector<File> files() const;
    // Deletes the named files of the logs folder; returns the errors (an unknown name, a bad one).
    std::vector<std::string> remove(const std::vector<std::string>& names);
    // The name a logger's local file holding `utc_s` has (its period start, the device's offset).
    std::string local_file_name(int logger, std::int64_t period_start, std::int64_t offset) const;

private:
    struct Logger {
        int n = 0;
        bool enabled = false;
        std::vector<const Parameter*> params;
        std::int64_t interval = 60, local_length = 86400, timestamp_format = 0, file_name_format = 1;
        std::string local_prefix;
        std::optional<std::int64_t> last_row;  // UTC seconds of the last row written
        std::string file;                       // the local file being written
        bool file_checked = false;              // its torn tail and header checked this run
        std::uint64_t rows = 0, missed = 0;
        // Posting (7.6): rows also go to the outbox file of the running post period, which joins its
        // channel's queue when the period is over.
        int post_channel = 0;
        std::int64_t post_length = 60, post_method = 0;
        bool name_fixed = false;
        std::string prefix, fixed_name;
        std::optional<std::int64_t> post_open;  // the period start of the outbox file being written
        std::string error;                      // the last write error (a full disk)
        bool stopped = false;                   // rows failing to reach the disk (said in the module's event log)
        std::uint64_t missed_at_stop = 0;
        bool clock_behind = false;              // the device clock went back behind the last row (said once)
    };
    void on_snapshot();
    void write_row(Logger& l, std::int64_t instant, std::int64_t offset);
    static std::string header(const Logger& l);
    std::string row(const Logger& l, std::int64_t instant, std::int64_t offset) const;
    std::string check_file(Logger& l, const std::string& name);
    void save_index();
    std::string values(const Logger& l) const;
    // A finished post period's outbox file joins its channel's queue: the body is built on the
    // worker pool (a month of rows can be many MB), one period at a time and in order.
    void close_post_file(Logger& l, std::int64_t start);
    void pump_closes();
    static void queue_post_file(hal::Storage& storage, const Logger& l, std::int64_t start, const std::string& serial);
    struct Closing {
        Logger logger;  // a copy: the job reads it off the loop
        std::int64_t start = 0;
    };
    std::deque<Closing> closing_;
    bool close_running_ = false;
    std::shared_ptr<bool> alive_;  // the jobs' `done` runs only while this start of the service lives

    ServiceContext& context_;
    std::vector<Logger> loggers_;
    std::vector<int> subscriptions_;
    std::map<std::string, std::int64_t> updated_;  // file name → UTC seconds of its last row (datalog-index.json)
    std::string serial_;
};

}  // namespace fw
