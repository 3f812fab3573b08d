// The trend log's queries (web manual 6.4.1.1, 6.4.1.2; docs/api.md "Trend log"): a time frame of
// the device's date and time and one of the intervals the manual lists for it, answered from the
// trend database on the worker pool.
#include <chrono>
#include <charconv>
#include <map>
#include <memory>

#include "services/trend/trend_service.hpp"
#include "services/trend/trend_store.hpp"
#include "services/web/web_api.hpp"
#include "catalogue/catalogue.hpp"

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
                    // Intervals of whole hours start and end on whole hours (the store's hourly rollups answer them).
                    if (interval % hour == 0) {
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

}  // namespace fw
