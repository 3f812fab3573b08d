#include "services/datalog/datalog_service.hpp"

#include <algorithm>
#include <set>

#include "catalogue/catalogue.hpp"
#include "hub/data_hub.hpp"
#include "model/data_model.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/datalog/log_format.hpp"
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
        for (const auto& k : s.running(ds::key(n, "parameters")))
            if (const auto* p = Catalogue::instance().by_key(k.get<std::string>())) l.params.push_back(p);
        if (l.enabled && !l.params.empty()) {
            // The interval running at boot may have had its row before the reboot: never twice.
            l.last_row = log_format::period_start(now, l.interval, offset_s(context_.hal.clock));
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
    for (const auto g : groups) subscriptions_.push_back(context_.hub.subscribe(g, [this](const Snapshot&) { on_snapshot(); }));
}

void DatalogService::stop() {
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
        if (l.last_row && instant <= *l.last_row) continue;  // this interval has its row (or the clock went back)
        write_row(l, instant, offset);
    }
}

std::string DatalogService::local_file_name(int logger, std::int64_t start, std::int64_t offset) const {
    const auto& l = loggers_.at(static_cast<std::size_t>(logger - 1));
    const std::string when = l.file_name_format == ds::utc_timestamp ? std::to_string(start) : log_format::file_time(start, offset);
    return serial_ + "-" + l.local_prefix + "-" + when + "-" + ds::length_tag(l.interval) + "-backup.csv.gz";
}

std::string DatalogService::header(const Logger& l) const {
    std::string h = "Time";
    for (const auto* p : l.params) h += "," + p->key;
    return h + "\n";
}

std::string DatalogService::row(const Logger& l, std::int64_t instant, std::int64_t offset) const {
    std::string r = l.timestamp_format == ds::utc_seconds ? std::to_string(instant)
                    : l.timestamp_format == ds::iso8601   ? log_format::iso8601(instant, offset)
                                                          : log_format::local_text(instant, offset);
    const hal::Time now = context_.hal.scheduler.now();
    for (const auto* p : l.params) {
        const Reading v = context_.model.reading(*p, now);
        r += ",";
        if (v.quality == Quality::fresh) r += log_format::number(v.value);  // a stale value is an empty cell, never a zero
    }
    return r + "\n";
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
        l.last_row = instant;
        ++l.rows;
        updated_[name] = instant;
        l.error.clear();
    } catch (const hal::StorageError& e) {
        // A full disk: this row is lost and said so; the next interval tries again.
        l.last_row = instant;
        ++l.missed;
        l.error = e.what();
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
