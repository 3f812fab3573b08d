#include "services/datalog/datalog_service.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "catalogue/catalogue.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/datalog/log_format.hpp"
#include "services/post/post_queue.hpp"
#include "services/post/post_service.hpp"
#include "services/post/post_settings.hpp"
#include "settings/json_input.hpp"
#include "settings/settings.hpp"

namespace fw {

using nlohmann::json;
namespace ds = datalog_settings;

namespace {

std::int64_t seconds(hal::Time t) { return std::chrono::duration_cast<std::chrono::seconds>(t).count(); }

std::int64_t offset_s(const hal::DeviceClock& c) { return seconds(c.local() - c.utc()); }

std::string in_folder(const std::string& name) { return std::string(DatalogService::folder) + "/" + name; }

bool plain_name(const std::string& n) {
    return !n.empty() && n.size() <= 200 && n.find_first_of("/\\") == std::string::npos && n[0] != '.';
}

}  // namespace

DatalogService::DatalogService(ServiceContext& context) : context_(context) {}

DatalogService::~DatalogService() { stop(); }

void DatalogService::start() {
    serial_ = context_.hal.system.identity().module_serial;
    alive_ = std::make_shared<bool>(true);
    closing_.clear();
    close_running_ = false;
    if (const auto saved = context_.hal.storage.read(index_file)) {
        try {
            const json doc = parse_json_input(*saved, index_file);
            const auto it = doc.find("updated");
            if (it != doc.end() && it->is_object())
                for (const auto& [name, t] : it->items())
                    if (t.is_number_integer()) updated_[name] = t.get<std::int64_t>();
        } catch (const std::exception&) {
            updated_.clear();  // only the listing's update times: the files themselves are whole
        }
    }
    std::map<int, std::int64_t> last_rows;
    if (const auto saved = context_.hal.storage.read(rows_file)) {
        std::size_t at = 0;
        while (at < saved->size()) {
            const auto end = saved->find('\n', at);
            if (end == std::string::npos) break;  // a torn last line
            int n = 0;
            long long t = 0;
            if (std::sscanf(saved->substr(at, end - at).c_str(), "%d %lld", &n, &t) == 2) last_rows[n] = std::max<std::int64_t>(last_rows[n], t);
            at = end + 1;
        }
        if (saved->size() > 65536) {  // kept short: only each logger's last row matters
            std::string keep;
            for (const auto& [n, t] : last_rows) keep += std::to_string(n) + " " + std::to_string(t) + "\n";
            try {
                context_.hal.storage.write_atomic(rows_file, keep);
            } catch (const hal::StorageError&) {
            }
        }
    }
    const auto& s = context_.settings;
    const std::int64_t now = seconds(context_.hal.clock.utc());
    std::set<DataGroup> groups;
    loggers_.clear();
    for (int n = 1; n <= ds::loggers; ++n) {
        Logger l;
        l.n = n;
        l.enabled = s.running(ds::key(n, "enable")).get<bool>();
        l.interval = s.running(ds::key(n, "interval")).get<std::int64_t>();
        l.local_length = s.running(ds::key(n, "local_file_length")).get<std::int64_t>();
        l.timestamp_format = s.running(ds::key(n, "timestamp_format")).get<std::int64_t>();
        l.file_name_format = s.running(ds::key(n, "file_name_format")).get<std::int64_t>();
        l.local_prefix = s.running(ds::key(n, "local_prefix")).get<std::string>();
        l.prefix = s.running(ds::key(n, "prefix")).get<std::string>();
        l.post_length = s.running(ds::key(n, "post_file_length")).get<std::int64_t>();
        l.post_channel = static_cast<int>(s.running(ds::key(n, "post_channel")).get<std::int64_t>());
        if (l.post_channel) {
            l.post_method = s.running(post_settings::key(l.post_channel, "method")).get<std::int64_t>();
            l.name_fixed = s.running(post_settings::key(l.post_channel, "name_fixed")).get<bool>();
            l.fixed_name = s.running(post_settings::key(l.post_channel, "file_name")).get<std::string>();
        }
        for (const auto& k : s.running(ds::key(n, "parameters")))
            if (const auto* p = Catalogue::instance().by_key(k.get<std::string>())) l.params.push_back(p);
        if (l.enabled && !l.params.empty()) {
            // The interval running at boot may have had its row before the reboot: never twice.
            l.last_row = log_format::period_start(now, l.interval, offset_s(context_.hal.clock));
            if (auto it = last_rows.find(n); it != last_rows.end() && it->second > *l.last_row) l.last_row = it->second;
            for (const auto* p : l.params) {
                if (p->groups & group_realtime) groups.insert(DataGroup::realtime);
                if (p->groups & group_energy) groups.insert(DataGroup::energy);
                if (p->groups & group_demand) groups.insert(DataGroup::demand);
                if (p->groups & group_power_quality) groups.insert(DataGroup::power_quality);
                if (p->groups & group_io) groups.insert(DataGroup::io);
            }
        }
        loggers_.push_back(std::move(l));
    }
    // Outbox files of periods now over (the module was off at their end) join their queues.
    for (const auto& f : context_.hal.storage.list(outbox)) {
        int n = 0;
        long long start = 0;
        if (std::sscanf(f.c_str(), "L%d-%lld.csv", &n, &start) != 2 || n < 1 || n > ds::loggers) continue;
        auto& l = loggers_[static_cast<std::size_t>(n - 1)];
        const std::int64_t current = log_format::period_start(now, l.post_length, offset_s(context_.hal.clock));
        // A period not yet over stays open, also one ahead of the clock (it came back behind the last
        // row after a power cut: the next rows, written once it passes that row, belong to it).
        if (l.post_channel && start >= current && l.enabled && (!l.post_open || start > *l.post_open)) {
            if (l.post_open) close_post_file(l, *l.post_open);
            l.post_open = start;
            // A torn last line (a power cut) goes before the next row joins it.
            const std::string box = std::string(outbox) + "/" + f;
            if (const auto data = context_.hal.storage.read(box); data && !data->empty() && data->back() != '\n') {
                const auto whole = data->rfind('\n');
                context_.hal.storage.write_atomic(box, whole == std::string::npos ? std::string() : data->substr(0, whole + 1));
            }
        } else
            close_post_file(l, start);
    }
    for (const auto g : groups) subscriptions_.push_back(context_.hub.subscribe(g, [this](const Snapshot&) { on_snapshot(); }));
}

void DatalogService::stop() {
    alive_.reset();   // a close still running ends on the worker; its outbox file, if left, is queued at the next start
    closing_.clear();
    for (const int id : subscriptions_) context_.hub.unsubscribe(id);
    if (!subscriptions_.empty()) save_index();
    subscriptions_.clear();
}

Health DatalogService::health() const {
    std::string d;
    for (const auto& l : loggers_) {
        if (!l.enabled) continue;
        d += (d.empty() ? "" : "; ") + std::string("logger") + std::to_string(l.n) + " every " + ds::length_text(l.interval) + ", " +
             std::to_string(l.rows) + " rows";
        if (l.missed) d += ", " + std::to_string(l.missed) + " rows not written";
        if (!l.error.empty()) d += " (" + l.error + ")";
    }
    return {true, d.empty() ? "no logger enabled" : d};
}

void DatalogService::on_snapshot() {
    const std::int64_t now = seconds(context_.hal.clock.utc());
    const std::int64_t offset = offset_s(context_.hal.clock);
    for (auto& l : loggers_) {
        if (!l.enabled || l.params.empty()) continue;
        const std::int64_t instant = log_format::period_start(now, l.interval, offset);
        if (l.last_row && instant <= *l.last_row) {  // this interval has its row (or the clock went back)
            if (instant < *l.last_row && !l.clock_behind) {
                l.clock_behind = true;
                context_.events.add("datalog", "Data Log " + std::to_string(l.n) + ": the device clock went back behind the last row (" +
                                                   log_format::iso8601(*l.last_row, offset) + "); no rows until it passes it");
            }
            continue;
        }
        l.clock_behind = false;
        write_row(l, instant, offset);
    }
}

std::string DatalogService::local_file_name(int logger, std::int64_t start, std::int64_t offset) const {
    const auto& l = loggers_.at(static_cast<std::size_t>(logger - 1));
    const std::string when = l.file_name_format == ds::utc_timestamp ? std::to_string(start) : log_format::file_time(start, offset);
    return serial_ + "-" + l.local_prefix + "-" + when + "-" + ds::length_tag(l.interval) + "-backup.csv.gz";
}

std::string DatalogService::header(const Logger& l) {
    std::string h = "Time";
    for (const auto* p : l.params) h += "," + p->key;
    return h + "\n";
}

namespace {
std::string stamp(std::int64_t format, std::int64_t instant, std::int64_t offset) {
    return format == ds::utc_seconds ? std::to_string(instant) : format == ds::iso8601 ? log_format::iso8601(instant, offset) : log_format::local_text(instant, offset);
}
}  // namespace

std::string DatalogService::row(const Logger& l, std::int64_t instant, std::int64_t offset) const {
    return stamp(l.timestamp_format, instant, offset) + values(l) + "\n";
}

std::string DatalogService::values(const Logger& l) const {
    std::string r;
    const hal::Time now = context_.hal.scheduler.now();
    for (const auto* p : l.params) {
        const Reading v = context_.model.reading(*p, now);
        r += ",";
        if (v.quality == Quality::fresh) r += log_format::number(v.value);  // a stale value is an empty cell, never a zero
    }
    return r;
}

// The outbox file of `start` becomes a file of its channel's queue: CSV for FTP and SFTP, the JSON
// log body of real WEB2 modules for HTTP (docs/data-logs.md), named as Log File Name Format (or
// Post Name Fixed) says. Queued first, then the outbox file removed: a power cut between the two
// queues the same entry again, which replaces itself.
void DatalogService::close_post_file(Logger& l, std::int64_t start) {
    if (l.post_open == start) l.post_open.reset();
    closing_.push_back({l, start});
    pump_closes();
}

void DatalogService::pump_closes() {
    if (close_running_ || closing_.empty()) return;
    auto job = std::make_shared<Closing>(std::move(closing_.front()));
    closing_.pop_front();
    close_running_ = true;
    auto error = std::make_shared<std::string>();
    std::weak_ptr<bool> alive = alive_;
    context_.hal.workers.submit(
        [job, error, &storage = context_.hal.storage, serial = serial_] {
            try {
                queue_post_file(storage, job->logger, job->start, serial);
            } catch (const std::exception& e) {
                *error = e.what();  // a full disk: the outbox file stays, queued at the next row or boot
            }
        },
        [this, alive, job, error] {
            if (alive.expired()) return;
            close_running_ = false;
            auto& l = loggers_.at(static_cast<std::size_t>(job->logger.n - 1));
            if (!error->empty()) {
                l.error = *error;
            } else if (l.post_channel) {
                if (auto* post = dynamic_cast<PostService*>(context_.module.running_service("post"))) post->poke(l.post_channel);
            }
            pump_closes();
        });
}

void DatalogService::queue_post_file(hal::Storage& storage, const Logger& l, std::int64_t start, const std::string& serial) {
    const std::string box = std::string(outbox) + "/L" + std::to_string(l.n) + "-" + std::to_string(start) + ".csv";
    const auto data = storage.read(box);
    if (!data || !l.post_channel) {
        storage.remove(box);
        return;
    }
    // Lines "<utc>,<offset>,<values>"; a torn last line (a power cut) is left out.
    std::vector<std::int64_t> times, offsets;
    std::vector<std::vector<std::string>> columns(l.params.size());
    std::string csv = header(l);
    std::size_t at = 0;
    while (at < data->size()) {
        const auto end = data->find('\n', at);
        if (end == std::string::npos) break;
        const std::string line = data->substr(at, end - at);
        at = end + 1;
        std::vector<std::string> cells;
        std::size_t p = 0;
        for (;;) {
            const auto comma = line.find(',', p);
            cells.push_back(line.substr(p, comma == std::string::npos ? std::string::npos : comma - p));
            if (comma == std::string::npos) break;
            p = comma + 1;
        }
        if (cells.size() != l.params.size() + 2) continue;
        const std::int64_t t = std::stoll(cells[0]), off = std::stoll(cells[1]);
        times.push_back(t);
        offsets.push_back(off);
        csv += stamp(l.timestamp_format, t, off);
        for (std::size_t i = 0; i < l.params.size(); ++i) {
            csv += "," + cells[i + 2];
            columns[i].push_back(cells[i + 2]);
        }
        csv += "\n";
    }
    if (times.empty()) {
        storage.remove(box);
        return;
    }
    const bool http = l.post_method == post_settings::http;
    std::string name = l.name_fixed ? l.fixed_name
                       : l.file_name_format == ds::utc_timestamp
                           ? l.prefix + "-" + std::to_string(start) + ".csv"
                           : serial + "-" + l.prefix + "-" + log_format::file_time(start, offsets.front()) + "-" + ds::length_tag(l.interval) + ".csv";
    std::string body = csv;
    if (http) {
        if (name.ends_with(".csv")) name.resize(name.size() - 4);
        if (!name.ends_with(".json")) name += ".json";
        json doc{{"device_name", serial}, {"device_model", "AcuRev 2100-WEB2"}, {"timestamp", json::array()}, {"online", true}, {"readings", json::array()}};
        for (const auto t : times) doc["timestamp"].push_back(std::to_string(t));
        for (std::size_t i = 0; i < l.params.size(); ++i) doc["readings"].push_back({{"param", l.params[i]->key}, {"value", columns[i]}});
        body = doc.dump();
    }
    storage.write_atomic(post_queue::folder(l.post_channel) + "/" + post_queue::entry(start, l.n, name), body);
    storage.remove(box);
}

// The file a run first appends to: a torn last member (a power cut) is cut off, and a file whose
// header is not this logger's (its parameters changed) is left alone for a new name.
std::string DatalogService::check_file(Logger& l, const std::string& name) {
    auto& storage = context_.hal.storage;
    for (int version = 1;; ++version) {
        const std::string candidate = version == 1 ? name : name.substr(0, name.size() - std::string("-backup.csv.gz").size()) + "-v" + std::to_string(version) + "-backup.csv.gz";
        const auto data = storage.read(in_folder(candidate));
        if (!data) return candidate;
        const auto whole = log_format::whole_members(*data);
        std::string text;
        try {
            text = log_format::gunzip(data->substr(0, whole));
        } catch (const std::exception&) {
        }
        if (text.rfind(header(l), 0) != 0) continue;
        if (whole != data->size()) storage.write_atomic(in_folder(candidate), data->substr(0, whole));
        return candidate;
    }
}

void DatalogService::write_row(Logger& l, std::int64_t instant, std::int64_t offset) {
    auto& storage = context_.hal.storage;
    const std::int64_t start = log_format::period_start(instant, l.local_length, offset);
    std::string name = local_file_name(l.n, start, offset);
    try {
        if (name != l.file || !l.file_checked) {
            if (!l.file.empty() && updated_.contains(l.file)) save_index();  // the closed file's update time
            name = check_file(l, name);
            l.file = name;
            l.file_checked = true;
        }
        std::string content = row(l, instant, offset);
        if (!storage.size(in_folder(name))) content = header(l) + content;
        storage.append(in_folder(name), log_format::gzip(content));
        if (l.post_channel) {
            const std::int64_t post_start = log_format::period_start(instant, l.post_length, offset);
            if (l.post_open && *l.post_open != post_start) close_post_file(l, *l.post_open);
            storage.append(std::string(outbox) + "/L" + std::to_string(l.n) + "-" + std::to_string(post_start) + ".csv",
                           std::to_string(instant) + "," + std::to_string(offset) + values(l) + "\n");
            l.post_open = post_start;
        }
        storage.append(rows_file, std::to_string(l.n) + " " + std::to_string(instant) + "\n");
        l.last_row = instant;
        ++l.rows;
        updated_[name] = instant;
        l.error.clear();
        if (l.stopped) {
            l.stopped = false;
            context_.events.add("datalog", "Data Log " + std::to_string(l.n) + ": logging resumed; " + std::to_string(l.missed - l.missed_at_stop) +
                                               " rows could not be written");
        }
    } catch (const hal::StorageError& e) {
        // A full disk: this row is lost and said so; the next interval tries again.
        l.last_row = instant;
        ++l.missed;
        l.error = e.what();
        if (!l.stopped) {
            l.stopped = true;
            l.missed_at_stop = l.missed - 1;
            context_.events.add("datalog", "Data Log " + std::to_string(l.n) + ": logging stopped, " + (e.no_space() ? "the disk is full" : "storage failed") +
                                               " (" + e.what() + ")");
        }
        l.file_checked = false;  // a torn member may be left: checked again before the next append
    }
}

void DatalogService::save_index() {
    json doc{{"updated", json::object()}};
    const auto present = context_.hal.storage.list(folder);
    for (const auto& [name, t] : updated_)
        if (std::find(present.begin(), present.end(), name) != present.end()) doc["updated"][name] = t;
    try {
        context_.hal.storage.write_atomic(index_file, doc.dump());
    } catch (const hal::StorageError&) {
        // only the listing's update times; rebuilt as rows are written
    }
}

std::vector<DatalogService::File> DatalogService::files() const {
    std::vector<File> out;
    auto& storage = context_.hal.storage;
    for (const auto& name : storage.list(folder)) {
        File f;
        f.name = name;
        f.size = storage.size(in_folder(name)).value_or(0);
        if (auto it = updated_.find(name); it != updated_.end()) f.updated = it->second;
        for (const auto& l : loggers_)
            if (name.rfind(serial_ + "-" + l.local_prefix + "-", 0) == 0) f.logger = l.n;
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<std::string> DatalogService::remove(const std::vector<std::string>& names) {
    std::vector<std::string> errors;
    const auto present = context_.hal.storage.list(folder);
    for (const auto& n : names) {
        if (!plain_name(n))
            errors.push_back("'" + n.substr(0, 80) + "' is not a data log file name");
        else if (std::find(present.begin(), present.end(), n) == present.end())
            errors.push_back("no data log file '" + n + "'");
    }
    if (!errors.empty()) return errors;  // all or nothing, as the confirmation asked
    for (const auto& n : names) {
        context_.hal.storage.remove(in_folder(n));
        updated_.erase(n);
        for (auto& l : loggers_)
            if (l.file == n) l.file_checked = false;
    }
    save_index();
    return {};
}

}  // namespace fw
