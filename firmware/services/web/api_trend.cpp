// The trend log's queries (web manual 6.4.1.1, 6.4.1.2; docs/api.md "Trend log"): a time frame of
// the device's date and time and one of the intervals the manual lists for it, answered from the
// trend database on the worker pool.
#include <chrono>
#include <charconv>
#include <map>
#include <memory>

#include "services/trend/trend_service.hpp"
#include "services/trend/trend_store.hpp"
#include "services/datalog/log_format.hpp"
#include "services/web/web_api.hpp"
#include "catalogue/catalogue.hpp"
#include "settings/json_input.hpp"

#include <zlib.h>

namespace fw {

using nlohmann::json;

namespace {

constexpr std::int64_t minute = 60, hour = 3600, day = 86400;

struct Frame {
    std::vector<std::int64_t> realtime_intervals, energy_intervals;  // seconds; empty: the kind has no such frame
};

// The manual's tables (a month interval is 30 days here).
const std::map<std::string, Frame>& frames() {
    static const std::map<std::string, Frame> f{
        {"last_10_minutes", {{15, minute}, {15, minute}}},
        {"last_1_hour", {{minute}, {minute}}},
        {"today", {{15, hour}, {15, hour}}},
        {"yesterday", {{15, hour}, {15, hour}}},
        {"last_7_days", {{15 * minute, hour, day}, {15 * minute, hour, day}}},
        {"last_30_days", {{hour, day}, {hour, day}}},
        {"this_month", {{}, {hour, day}}},
        {"last_month", {{hour, day}, {hour, day}}},
        {"last_year", {{}, {day, 30 * day}}},
        {"custom", {{15, minute, 15 * minute, hour, day}, {15, minute, 15 * minute, hour, day, 30 * day}}},
    };
    return f;
}

std::optional<std::int64_t> number(const HttpRequest& r, const char* name) {
    auto it = r.query.find(name);
    if (it == r.query.end()) return std::nullopt;
    std::int64_t v = 0;
    const auto& s = it->second;
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) throw std::invalid_argument(std::string(name) + " must be a whole number, got '" + s + "'");
    return v;
}

// [start, end) in UTC seconds of a frame, from the device's local date and time.
std::pair<std::int64_t, std::int64_t> frame_range(const ServiceContext& c, const std::string& frame, const HttpRequest& r) {
    using namespace std::chrono;
    const std::int64_t utc = duration_cast<seconds>(c.hal.clock.utc()).count();
    const std::int64_t offset = duration_cast<seconds>(c.hal.clock.local() - c.hal.clock.utc()).count();
    const std::int64_t local = utc + offset;
    const std::int64_t midnight = local / day * day - offset;  // today's local midnight, in UTC
    const year_month_day ymd{sys_days{days{local / day}}};
    auto month_start = [offset](year_month_day d) { return duration_cast<seconds>(sys_days{d.year() / d.month() / 1}.time_since_epoch()).count() - offset; };
    if (frame == "last_10_minutes") return {utc - 10 * minute, utc};
    if (frame == "last_1_hour") return {utc - hour, utc};
    if (frame == "today") return {midnight, utc};
    if (frame == "yesterday") return {midnight - day, midnight};
    if (frame == "last_7_days") return {utc - 7 * day, utc};
    if (frame == "last_30_days") return {utc - 30 * day, utc};
    if (frame == "this_month") return {month_start(ymd), utc};
    if (frame == "last_month") return {month_start(ymd - months{1}), month_start(ymd)};
    if (frame == "last_year") return {utc - 365 * day, utc};
    const auto start = number(r, "start"), end = number(r, "end");
    if (!start || !end || *end <= *start) throw std::invalid_argument("a custom range needs start < end (UTC seconds)");
    return {*start, *end};
}

}  // namespace

void add_trend_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    auto alive = std::weak_ptr<bool>(api.alive);
    router.add({"GET", "/api/v1/trend/{kind}", "/api/v1/trend/realtime?key=Va_V&frame=last_1_hour&interval=60", Access::user,
                [&c, alive](const ApiCall& call, HttpReply reply) {
                    const std::string kind_name = call.params[0];
                    if (kind_name != "realtime" && kind_name != "energy")
                        return reply(HttpResponse::error(404, "trend kinds are realtime and energy, got '" + kind_name + "'"));
                    const TrendKind kind = kind_name == "realtime" ? TrendKind::realtime : TrendKind::energy;
                    const auto& q = call.request.query;
                    const std::string key = q.count("key") ? q.at("key") : "";
                    const auto trended = TrendService::trended(kind);
                    const auto param = std::find_if(trended.begin(), trended.end(), [&key](const Parameter* p) { return p->key == key; });
                    if (param == trended.end()) return reply(HttpResponse::error(400, "key '" + key + "' is not kept in the " + kind_name + " trend"));
                    const std::string frame = q.count("frame") ? q.at("frame") : "";
                    auto f = frames().find(frame);
                    const auto& allowed = f == frames().end() ? std::vector<std::int64_t>{} : kind == TrendKind::realtime ? f->second.realtime_intervals
                                                                                                                          : f->second.energy_intervals;
                    if (allowed.empty()) return reply(HttpResponse::error(400, "frame '" + frame + "' is not a " + kind_name + " time frame (web manual 6.4.1)"));
                    std::pair<std::int64_t, std::int64_t> range;
                    std::int64_t interval = 0;
                    try {
                        range = frame_range(c, frame, call.request);
                        interval = number(call.request, "interval").value_or(allowed.front());
                    } catch (const std::invalid_argument& e) {
                        return reply(HttpResponse::error(400, e.what()));
                    }
                    if (std::find(allowed.begin(), allowed.end(), interval) == allowed.end()) {
                        std::string list;
                        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
                        return reply(HttpResponse::error(400, "interval " + std::to_string(interval) + " s is not one of " + frame + "'s: " + list + " s"));
                    }
                    // Buckets on whole intervals: a "last ..." frame ends with the interval now running and
                    // keeps its length; whole hours start and end on whole hours (the hourly rollups answer them).
                    if (frame.rfind("last_", 0) == 0 && frame != "last_month") {
                        const std::int64_t length = range.second - range.first;
                        range.second += (interval - range.second % interval) % interval;
                        range.first = range.second - length;
                    } else if (interval % hour == 0) {
                        range.first -= ((range.first % hour) + hour) % hour;
                        range.second += (hour - ((range.second % hour) + hour) % hour) % hour;
                    }
                    // On the worker pool: a year of energy is a few hundred thousand rows.
                    const auto path = (c.hal.storage.data_dir() / TrendStore::file_name).string();
                    auto result = std::make_shared<json>();
                    const Parameter* p = *param;
                    c.hal.workers.submit(
                        [result, path, kind, key, range, interval] {
                            try {
                                TrendStore store(path);
                                json points = json::array();
                                for (const auto& b : store.query(kind, key, range.first, range.second, interval)) {
                                    json pt{{"t", b.start}, {"count", b.count}};
                                    if (kind == TrendKind::realtime) {
                                        pt["average"] = b.average ? json(*b.average) : json();
                                        pt["minimum"] = b.minimum ? json(*b.minimum) : json();
                                        pt["maximum"] = b.maximum ? json(*b.maximum) : json();
                                    } else {
                                        pt["delta"] = b.delta ? json(*b.delta) : json();
                                    }
                                    points.push_back(std::move(pt));
                                }
                                *result = {{"points", std::move(points)}};
                            } catch (const std::exception& e) {
                                *result = {{"error", e.what()}};
                            }
                        },
                        [alive, result, reply, p, range, interval] {
                            if (alive.expired()) return;
                            if (result->contains("error")) return reply(HttpResponse::error(500, (*result)["error"].get<std::string>()));
                            (*result)["key"] = p->key;
                            (*result)["name"] = p->name;
                            (*result)["unit"] = p->unit;
                            (*result)["start"] = range.first;
                            (*result)["end"] = range.second;
                            (*result)["interval"] = interval;
                            reply(HttpResponse::json(200, *result));
                        });
                }});
}

namespace {

// UTC seconds as the device's local date and time: "2026-01-01 00:15:00" (or with 'T' and '-' for a file name).
std::int64_t zone_offset_s(const ServiceContext& c) {
    return std::chrono::duration_cast<std::chrono::seconds>(c.hal.clock.local() - c.hal.clock.utc()).count();
}

constexpr const char* file_record = "trendlog.json";  // the name of the one trend log file

std::optional<std::string> current_file(const ServiceContext& c) {
    const auto text = c.hal.storage.read(file_record);
    if (!text) return std::nullopt;
    try {
        const auto j = parse_json_input(*text, file_record);
        const std::string name = j.at("name");
        if (c.hal.storage.read(name)) return name;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

const char* interval_name(std::int64_t s) { return s == 60 ? "1min" : s == 900 ? "15min" : s == 3600 ? "1h" : "1d"; }

json keys_json(TrendKind kind) {
    json out = json::array();
    for (const auto* p : TrendService::trended(kind)) out.push_back({{"key", p->key}, {"name", p->name}, {"unit", p->unit}});
    return out;
}

}  // namespace

void add_trend_management_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    auto alive = std::weak_ptr<bool>(api.alive);
    const auto path = [&c] { return (c.hal.storage.data_dir() / TrendStore::file_name).string(); };
    router.add({"GET", "/api/v1/trend", "/api/v1/trend", Access::user, [&c, alive, path](const ApiCall&, HttpReply reply) {
                    auto extents = std::make_shared<std::vector<std::optional<std::pair<std::int64_t, std::int64_t>>>>(2);
                    auto error = std::make_shared<std::string>();
                    c.hal.workers.submit(
                        [extents, error, p = path()] {
                            try {
                                TrendStore store(p);
                                (*extents)[0] = store.extent(TrendKind::realtime);
                                (*extents)[1] = store.extent(TrendKind::energy);
                            } catch (const std::exception& e) {
                                *error = e.what();
                            }
                        },
                        [alive, extents, error, reply] {
                            if (alive.expired()) return;
                            if (!error->empty()) return reply(HttpResponse::error(500, *error));
                            json out, fr;
                            for (const auto& [name, f] : frames()) {
                                if (!f.realtime_intervals.empty()) fr["realtime"][name] = f.realtime_intervals;
                                if (!f.energy_intervals.empty()) fr["energy"][name] = f.energy_intervals;
                            }
                            for (int k = 0; k < 2; ++k) {
                                const auto& e = (*extents)[static_cast<std::size_t>(k)];
                                out[k == 0 ? "realtime" : "energy"] = {{"keys", keys_json(k == 0 ? TrendKind::realtime : TrendKind::energy)},
                                                                       {"first", e ? json(e->first) : json()},
                                                                       {"last", e ? json(e->second) : json()}};
                            }
                            out["frames"] = fr;
                            reply(HttpResponse::json(200, out));
                        });
                }});
    router.add({"POST", "/api/v1/trend/file", "/api/v1/trend/file", Access::admin, [&c, alive, path](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    const auto bad = [&reply](const std::string& why) { reply(HttpResponse::error(400, why)); };
                    if (!b.is_object()) return bad("give {\"kind\", \"keys\", \"interval\", \"start\", \"end\"}");
                    const std::string kind_name = b.contains("kind") && b["kind"].is_string() ? b["kind"].get<std::string>() : "";
                    if (kind_name != "realtime" && kind_name != "energy") return bad("kind must be \"realtime\" or \"energy\"");
                    const TrendKind kind = kind_name == "realtime" ? TrendKind::realtime : TrendKind::energy;
                    const auto trended = TrendService::trended(kind);
                    std::vector<const Parameter*> params;
                    if (!b.contains("keys") || !b["keys"].is_array() || b["keys"].empty()) return bad("keys must be a list of the trend's keys");
                    for (const auto& k : b["keys"]) {
                        auto it = std::find_if(trended.begin(), trended.end(), [&k](const Parameter* p) { return k.is_string() && p->key == k.get<std::string>(); });
                        if (it == trended.end()) return bad("key " + k.dump() + " is not kept in the " + kind_name + " trend");
                        params.push_back(*it);
                    }
                    auto integer = [&b](const char* name) -> std::optional<std::int64_t> {
                        if (!b.contains(name) || !b[name].is_number_integer()) return std::nullopt;
                        return b[name].get<std::int64_t>();
                    };
                    const auto interval = integer("interval"), start = integer("start"), end = integer("end");
                    if (!interval || (*interval != 60 && *interval != 900 && *interval != 3600 && *interval != 86400))
                        return bad("Log Interval must be 60 (1 minute), 900 (15 minutes), 3600 (1 hour) or 86400 (1 day) s");
                    if (!start || !end || *end <= *start) return bad("Start Time must be before End Time (UTC seconds)");
                    if (*end - *start > 366 * day) return bad("a trend log file covers at most 366 days");
                    const std::string name = c.hal.system.identity().meter_serial + "-" + log_format::file_time(*start, zone_offset_s(c)) + "-" + interval_name(*interval) + ".csv.gz";
                    auto out = std::make_shared<std::string>();
                    auto error = std::make_shared<std::string>();
                    c.hal.workers.submit(
                        [offset = zone_offset_s(c), out, error, p = path(), kind, params, interval = *interval, start = *start, end = *end] {
                            try {
                                TrendStore store(p);
                                std::vector<std::vector<TrendBucket>> columns;
                                for (const auto* q : params) columns.push_back(store.query(kind, q->key, start, end, interval));
                                std::string csv = "time";
                                for (const auto* q : params) csv += "," + q->key;  // WEB2 keys carry their unit (Va_V)
                                csv += "\n";
                                char number[32];
                                for (std::size_t row = 0; row < columns.front().size(); ++row) {
                                    csv += log_format::local_text(columns.front()[row].start, offset);
                                    for (const auto& col : columns) {
                                        csv += ',';
                                        const auto v = kind == TrendKind::realtime ? col[row].average : col[row].delta;
                                        if (v) csv.append(number, std::to_chars(number, number + sizeof number, *v).ptr);
                                    }
                                    csv += '\n';
                                }
                                *out = log_format::gzip(csv);
                            } catch (const std::exception& e) {
                                *error = e.what();
                            }
                        },
                        [&c, alive, out, error, name, reply] {
                            if (alive.expired()) return;
                            if (!error->empty()) return reply(HttpResponse::error(500, *error));
                            const auto old = current_file(c);
                            try {
                                c.hal.storage.write_atomic(name, *out);
                                c.hal.storage.write_atomic(file_record, json{{"name", name}}.dump() + "\n");
                            } catch (const hal::StorageError& e) {
                                return reply(HttpResponse::error(507, std::string("the trend log file could not be saved: ") + e.what()));
                            }
                            if (old && *old != name) c.hal.storage.remove(*old);  // one file at a time (6.4.5)
                            reply(HttpResponse::json(200, {{"name", name}, {"size", out->size()}}));
                        });
                }});
    router.add({"GET", "/api/v1/trend/file", "/api/v1/trend/file", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    const auto name = current_file(c);
                    if (!name) return reply(HttpResponse::error(404, "no trend log file; generate one"));
                    reply(HttpResponse::json(200, {{"name", *name}, {"size", c.hal.storage.read(*name)->size()}}));
                }});
    router.add({"GET", "/api/v1/trend/file/download", "/api/v1/trend/file/download", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    const auto name = current_file(c);
                    if (!name) return reply(HttpResponse::error(404, "no trend log file; generate one"));
                    HttpResponse r;
                    r.content_type = "application/gzip";
                    r.body = *c.hal.storage.read(*name);
                    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + *name + "\"");
                    reply(r);
                }});
    router.add({"DELETE", "/api/v1/trend/file", "/api/v1/trend/file", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    if (const auto name = current_file(c)) c.hal.storage.remove(*name);
                    c.hal.storage.remove(file_record);
                    HttpResponse r;
                    r.status = 204;
                    reply(r);
                }});
    router.add({"POST", "/api/v1/trend/clear", "/api/v1/trend/clear", Access::admin, [&c, alive, path](const ApiCall&, HttpReply reply) {
                    auto error = std::make_shared<std::string>();
                    c.hal.workers.submit(
                        [error, p = path()] {
                            try {
                                TrendStore(p).clear();
                            } catch (const std::exception& e) {
                                *error = e.what();
                            }
                        },
                        [&c, alive, error, reply] {
                            if (alive.expired()) return;
                            if (!error->empty()) return reply(HttpResponse::error(500, *error));
                            if (const auto name = current_file(c)) c.hal.storage.remove(*name);
                            c.hal.storage.remove(file_record);
                            HttpResponse r;
                            r.status = 204;
                            reply(r);
                        });
                }});
}

}  // namespace fw
