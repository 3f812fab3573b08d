// The reading side of the API (docs/api.md: readings, demand, energy, harmonics, I/O, logs,
// device): every value from the data model through the catalogue, keyed by its WEB2 name, with
// its quality.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <cstring>
#include <map>
#include <memory>

#include "acurev/board_map.hpp"
#include "catalogue/catalogue.hpp"
#include "core/board_link.hpp"
#include "model/data_model.hpp"
#include "hub/data_hub.hpp"
#include "services/web/live_polls.hpp"
#include "services/web/web_api.hpp"
#include "settings/settings.hpp"

namespace fw {

using nlohmann::json;
namespace blocks = acurev::blocks;

std::string local_time_text(const ServiceContext& c, hal::Time t) {
    const hal::Time local = c.hal.clock.local() - (c.hal.scheduler.now() - t);
    const auto secs = std::chrono::floor<std::chrono::seconds>(local);
    const auto days = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{std::chrono::sys_days{days}};
    const auto in_day = (secs - days).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                  static_cast<long long>(in_day % 60));
    return buf;
}

std::string packed_time_text(std::uint16_t a, std::uint16_t b, std::uint16_t c) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u", 2000U + (a >> 8), a & 0xFFU, b >> 8, b & 0xFFU, c >> 8, c & 0xFFU);
    return buf;
}

void board_write(ServiceContext& c, std::uint16_t address, std::vector<std::uint16_t> values, std::function<void(std::string)> done) {
    c.board.write_registers(address, std::move(values), [done = std::move(done)](const TransactionResult& r) {
        if (r.error) return done("the meter did not answer");
        if (r.response && r.response->exception)
            return done("the meter refused the request (Modbus exception " + std::to_string(static_cast<int>(*r.response->exception)) + ")");
        done("");
    });
}

namespace {

std::vector<std::string> split_id(const std::string& id) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        const auto dot = id.find('.', pos);
        out.push_back(id.substr(pos, dot - pos));
        if (dot == std::string::npos) return out;
        pos = dot + 1;
    }
}

bool is_digits(const std::string& s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); }); }

// "ch03" or "user2": the input or user channel a parameter belongs to.
bool is_channel_segment(const std::string& s) {
    return (s.size() > 2 && s.rfind("ch", 0) == 0 && is_digits(s.substr(2))) || (s.size() > 4 && s.rfind("user", 0) == 0 && is_digits(s.substr(4)));
}

int rank(Quality q) { return q == Quality::fresh ? 0 : q == Quality::stale ? 1 : 2; }

// As docs/api.md spells them: "fresh", "stale", "never_read".
const char* quality_text(Quality q) { return q == Quality::fresh ? "fresh" : q == Quality::stale ? "stale" : "never_read"; }

// One value of a group reply, its constant part written once: `"Va_V":{"unit":"V","id":...,"value":`.
struct Field {
    const Parameter* p;
    std::string head;
    bool peak;  // a demand peak: its time follows
};

// A group of readings as the API answers them (docs/api.md "Values"), written straight to text:
// this is the API's busiest reply.
std::string values_of(const ServiceContext& c, const std::vector<Field>& fields, std::uint64_t sequence) {
    const hal::Time now = c.hal.scheduler.now();
    Quality worst = Quality::fresh;
    hal::Time oldest = hal::Time::max();
    std::string values;
    values.reserve(fields.size() * 96);
    char number[32];
    for (const auto& f : fields) {
        const Reading r = c.model.reading(*f.p, now);
        values += values.empty() ? "" : ",";
        values += f.head;
        // Shortest text that reads back as the same double: equal to the Modbus float it came from.
        if (std::isfinite(r.value)) {
            const auto end = std::to_chars(number, number + sizeof number, r.value).ptr;
            values.append(number, end);
        } else {
            values += "null";  // a NaN or infinite float from the board: JSON has no such number
        }
        values += ",\"quality\":\"";
        values += quality_text(r.quality);
        values += '"';
        if (f.peak) {
            const auto t = c.model.registers(static_cast<std::uint16_t>(f.p->board_register + 2), 3);
            // No peak yet: the board's packed time is all zero (month 0).
            values += (t[0] & 0xFFU) == 0 ? ",\"peak_time\":null" : ",\"peak_time\":\"" + packed_time_text(t[0], t[1], t[2]) + "\"";
        }
        values += '}';
        if (rank(r.quality) > rank(worst)) worst = r.quality;
        if (r.quality != Quality::never_read) oldest = std::min(oldest, r.time);
    }
    return std::string("{\"time\":\"") + (oldest == hal::Time::max() ? std::string() : local_time_text(c, oldest)) + "\",\"quality\":\"" +
           quality_text(worst) + "\",\"sequence\":" + std::to_string(sequence) + ",\"values\":{" + values + "}}";
}

// Every catalogue row whose id starts with one of `prefixes` and that belongs to `channel`
// ("ch03", "user2"), or to no channel when `channel` is empty. Chosen once per route: a reply only
// reads the values.
std::vector<Field> select(const std::vector<std::string>& prefixes, const std::string& channel) {
    std::vector<Field> out;
    for (const auto& p : Catalogue::instance().all()) {
        if (!std::any_of(prefixes.begin(), prefixes.end(), [&p](const std::string& pre) { return p.id.rfind(pre, 0) == 0; })) continue;
        const auto segs = split_id(p.id);
        const auto own = std::find_if(segs.begin(), segs.end(), is_channel_segment);
        if (channel.empty() ? own != segs.end() : (own == segs.end() || *own != channel)) continue;
        const std::string head = json(p.key).dump() + ":{\"unit\":" + json(p.unit).dump() + ",\"id\":" + json(p.id).dump() +
                                 ",\"name\":" + json(p.name).dump() + ",\"value\":";
        const bool peak = p.id.rfind("demand.", 0) == 0 && p.id.size() > 5 && p.id.compare(p.id.size() - 5, 5, ".peak") == 0;
        out.push_back({&p, head, peak});
    }
    return out;
}

HttpResponse json_text(std::string body) {
    HttpResponse r;
    r.body = std::move(body);
    return r;
}

// The channel segment for an input channel (1-18) or user channel (1-9) parameter, or the error.
std::optional<std::string> channel_segment(const std::string& kind, const std::string& n, std::string& error) {
    int k = 0;
    const auto r = std::from_chars(n.data(), n.data() + n.size(), k);
    const int last = kind == "channels" ? 18 : 9;
    if (r.ec != std::errc{} || r.ptr != n.data() + n.size() || k < 1 || k > last) {
        error = std::string(kind == "channels" ? "input channel" : "user channel") + " must be 1-" + std::to_string(last) + ", got '" + n + "'";
        return std::nullopt;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, kind == "channels" ? "ch%02d" : "user%d", k);
    return std::string(buf);
}

// A group of readings: the system's at /api/v1/<name>, one input channel's at
// /api/v1/<name>/channels/{n}, and one user channel's at /api/v1/<name>/users/{n}.
// `?after=N`: the answer waits for a snapshot of the group newer than N (LivePolls).
std::optional<std::uint64_t> after_of(const HttpRequest& r, std::string& error) {
    auto it = r.query.find("after");
    if (it == r.query.end()) return std::nullopt;
    std::uint64_t n = 0;
    const auto& t = it->second;
    const auto res = std::from_chars(t.data(), t.data() + t.size(), n);
    if (res.ec != std::errc{} || res.ptr != t.data() + t.size()) error = "after must be a snapshot sequence number, got '" + t + "'";
    return n;
}

void answer_group(ServiceContext& c, LivePolls& live, DataGroup group, const std::vector<Field>& fields, const HttpRequest& request,
                  HttpReply reply) {
    std::string error;
    const auto after = after_of(request, error);
    if (!error.empty()) return reply(HttpResponse::error(400, error));
    auto answer = [&c, &live, group, &fields, reply] { reply(json_text(values_of(c, fields, live.sequence(group)))); };
    if (!after) return answer();
    live.wait(group, *after, answer);
}

// A group of readings: the system's at /api/v1/<name>, one input channel's at
// /api/v1/<name>/channels/{n}, and one user channel's at /api/v1/<name>/users/{n}.
void add_group(Router& router, WebApi& api, const std::string& name, DataGroup group, std::vector<std::string> prefixes, bool users) {
    auto& c = api.context;
    auto& live = *api.live;
    auto system = std::make_shared<std::vector<Field>>(select(prefixes, ""));
    router.add({"GET", "/api/v1/" + name, "/api/v1/" + name, Access::user, [&c, &live, group, system](const ApiCall& call, HttpReply reply) {
                    answer_group(c, live, group, *system, call.request, std::move(reply));
                }});
    for (const std::string kind : {"channels", "users"}) {
        if (kind == "users" && !users) continue;
        // By channel segment ("ch01" ... "ch18", "user1" ... "user9").
        auto lists = std::make_shared<std::map<std::string, std::vector<Field>>>();
        for (int n = 1; n <= (kind == "channels" ? 18 : 9); ++n) {
            std::string unused;
            const auto seg = *channel_segment(kind, std::to_string(n), unused);
            (*lists)[seg] = select(prefixes, seg);
        }
        router.add({"GET", "/api/v1/" + name + "/" + kind + "/{n}", "/api/v1/" + name + "/" + kind + "/1", Access::user,
                    [&c, &live, group, lists, kind](const ApiCall& call, HttpReply reply) {
                        std::string error;
                        const auto seg = channel_segment(kind, call.params[0], error);
                        if (!seg) return reply(HttpResponse::error(404, error));
                        answer_group(c, live, group, lists->at(*seg), call.request, std::move(reply));
                    }});
    }
}

float float_at(const std::vector<std::uint16_t>& r, std::size_t i) {
    const std::uint32_t bits = (static_cast<std::uint32_t>(r[i]) << 16) | r[i + 1];
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
std::uint32_t u32_at(const std::vector<std::uint16_t>& r, std::size_t i) { return (static_cast<std::uint32_t>(r[i]) << 16) | r[i + 1]; }

json io_state(const ServiceContext& c) {
    const hal::Time now = c.hal.scheduler.now();
    const auto& cat = Catalogue::instance();
    const auto di_settings = c.model.registers(blocks::di_settings.start, blocks::di_settings.count);
    json dis = json::array();
    for (int n = 1; n <= 18; ++n) {
        char id[32];
        std::snprintf(id, sizeof id, "io.di%02d.count", n);
        const Reading count = c.model.reading(*cat.find(id), now);
        std::snprintf(id, sizeof id, "io.di%02d.value", n);
        const Reading value = c.model.reading(*cat.find(id), now);
        const std::size_t at = acurev::settings::di_first - blocks::di_settings.start + acurev::settings::di_stride * (n - 1);
        const bool counter = di_settings[at + acurev::di::mode] == 1;
        dis.push_back({{"n", n},
                       {"name", "Digital Input " + std::to_string(n)},
                       {"mode", counter ? "pulse counter" : "status"},
                       {"status", c.model.inputs()[n - 1] ? "On" : "Off"},
                       {"counter", count.value},
                       {"value", value.value},
                       {"unit", acurev::di::unit_name(di_settings[at + acurev::di::unit])},
                       {"quality", quality_text(count.quality)}});
    }
    const auto ro_settings = c.model.registers(blocks::ro_settings.start, blocks::ro_settings.count);
    json ros = json::array();
    for (int n = 1; n <= 2; ++n)
        ros.push_back({{"n", n},
                       {"name", "Relay Output " + std::to_string(n)},
                       {"mode", ro_settings[acurev::settings::ro_stride * (n - 1)] == 1 ? "alarm output" : "manual"},
                       {"status", c.model.coils()[n - 1] ? "On" : "Off"}});
    const Quality q = std::max(c.model.input_quality(now), c.model.coil_quality(now), [](Quality a, Quality b) { return rank(a) < rank(b); });
    return {{"digital_inputs", dis}, {"relay_outputs", ros}, {"quality", quality_text(q)}};
}

json alarm_log(const ServiceContext& c) {
    namespace al = acurev::alarm_log;
    const auto r = c.model.registers(blocks::alarm_log.start, blocks::alarm_log.count);
    json active = json::array();
    for (int k = 0; k < 16; ++k)
        if (r[al::active] & (1U << k)) active.push_back(k + 1);
    const int newest = r[al::newest];
    json log = json::array();
    for (int i = 0; i < 16; ++i) {
        const int slot = newest >= 1 && newest <= 16 ? (newest - 1 - i + 16) % 16 + 1 : i + 1;
        const std::size_t at = al::first_slot + al::slot_registers * static_cast<std::size_t>(slot - 1);
        if (r[at + al::time] == 0 && r[at + al::time + 1] == 0) continue;  // never written
        const std::uint16_t label = r[at + al::parameter];
        const Parameter* p = Catalogue::instance().at_module_register(static_cast<std::uint16_t>(blocks::system_realtime.start + 2 * label));
        char stamp[48];
        std::snprintf(stamp, sizeof stamp, "%s.%03u", packed_time_text(r[at], r[at + 1], r[at + 2]).c_str(), static_cast<unsigned>(r[at + al::millisecond]));
        log.push_back({{"slot", slot},
                       {"time", stamp},
                       {"alarm_id", r[at + al::id]},
                       {"status", r[at + al::status] == 1 ? "alarm" : "reset"},
                       {"channel", p ? p->name : "parameter " + std::to_string(label)},
                       {"value", float_at(r, at + al::value)},
                       {"unit", p ? p->unit : ""}});
    }
    return {{"active", active}, {"records", u32_at(r, al::records)}, {"log", log},
            {"quality", quality_text(c.model.quality(blocks::alarm_log.start, blocks::alarm_log.count, c.hal.scheduler.now()))}};
}

const char* event_text(std::uint16_t type) {
    switch (type) {
        case 1: return "power on";
        case 2: return "power off";
        case 3: return "setting changed";
        case 4: return "clock set";
        case 5: return "demand reset";
        case 6: return "energy reset";
        case 7: return "alarm record reset";
        case 8: return "DI counter reset";
        case 9: return "DI change";
        case 10: return "relay change";
        case 11: return "TOU error";
        case 13: return "run time reset";
        default: return "event";
    }
}

// Reads the board's event log a window at a time (register map "Event log (SOE)"): one request
// at a time, since the window is one for the whole module.
class EventLogReader : public std::enable_shared_from_this<EventLogReader> {
public:
    EventLogReader(ServiceContext& c, std::weak_ptr<bool> alive) : c_(c), alive_(std::move(alive)) {}
    void read(std::optional<std::uint32_t> first, std::uint16_t count, HttpReply reply) {
        queue_.push_back({first, count, std::move(reply)});
        if (queue_.size() == 1) next();
    }

private:
    struct Ask {
        std::optional<std::uint32_t> first;
        std::uint16_t count;
        HttpReply reply;
        // The module's copy of the log's extent may be old: each window read brings it up to date,
        // and a window asked for from an old extent is asked for again (at most a few times).
        bool probed = false;
        int rounds = 0;
    };
    void finish(HttpResponse r) {
        auto ask = std::move(queue_.front());
        queue_.pop_front();
        ask.reply(std::move(r));
        if (!queue_.empty()) next();
    }
    void next() {
        namespace el = acurev::event_log;
        const hal::Time now = c_.hal.scheduler.now();
        if (c_.model.quality(blocks::event_log.start, blocks::event_log.count, now) == Quality::never_read) {
            // Not read since the module started: ask for the first record to learn the log's extent.
            auto self = shared_from_this();
            return board_write(c_, acurev::settings::event_window_first, {0, 1, 1}, [self, now](std::string error) {
                if (self->alive_.expired()) return;
                if (!error.empty()) return self->finish(HttpResponse::error(502, "event log: " + error));
                self->wait_for_window(1, now, 0, true);
            });
        }
        const auto head = c_.model.registers(blocks::event_log.start, blocks::event_log.count);
        const std::uint32_t written = u32_at(head, el::written), oldest = u32_at(head, el::oldest);
        auto& ask = queue_.front();
        if (written == 0 && ask.probed) return finish(HttpResponse::json(200, {{"written", 0}, {"oldest", 0}, {"events", json::array()}}));
        const std::uint32_t first = ask.first ? *ask.first : std::max<std::uint32_t>({1U, oldest, written >= ask.count ? written - ask.count + 1 : 1});
        if (ask.probed && (first < oldest || first > written))
            return finish(HttpResponse::error(404, "event " + std::to_string(first) + " is not kept: the log holds " + std::to_string(oldest) + "-" +
                                                       std::to_string(written)));
        const hal::Time asked = now;
        auto self = shared_from_this();
        board_write(c_, acurev::settings::event_window_first,
                    {static_cast<std::uint16_t>(first >> 16), static_cast<std::uint16_t>(first & 0xFFFF), ask.count},
                    [self, first, asked](std::string error) {
                        if (self->alive_.expired()) return;
                        if (!error.empty()) return self->finish(HttpResponse::error(502, "event log: " + error));
                        self->wait_for_window(first, asked, 0, false);
                    });
    }
    // The poller reads the window at once after the write: wait for that read (at most 3 s).
    void wait_for_window(std::uint32_t first, hal::Time asked, int tries, bool probe) {
        namespace el = acurev::event_log;
        if (alive_.expired()) return;
        const auto read_at = c_.model.oldest_read(blocks::event_log);
        const auto r = c_.model.registers(blocks::event_log.start, blocks::event_log.count);
        if (read_at && *read_at > asked && u32_at(r, el::window_first) == first && r[el::ready] == 1) {
            if (!probe) return reply_window(r);
            queue_.front().probed = true;
            return next();
        }
        if (tries >= 60) return finish(HttpResponse::error(504, "the meter did not show the event log window in time"));
        auto self = shared_from_this();
        c_.hal.scheduler.after(std::chrono::milliseconds(50),
                               [self, first, asked, tries, probe] { self->wait_for_window(first, asked, tries + 1, probe); });
    }
    void reply_window(const std::vector<std::uint16_t>& r) {
        namespace el = acurev::event_log;
        auto& ask = queue_.front();
        const std::uint32_t written = u32_at(r, el::written), oldest = u32_at(r, el::oldest), first = u32_at(r, el::window_first);
        const std::uint32_t wanted = ask.first ? *ask.first : std::max<std::uint32_t>({1U, oldest, written >= ask.count ? written - ask.count + 1 : 1});
        ask.probed = true;
        if (wanted != first && ++ask.rounds < 4) return next();  // the newest records moved on meanwhile
        if (written == 0) return finish(HttpResponse::json(200, {{"written", 0}, {"oldest", 0}, {"events", json::array()}}));
        if (ask.first && (first < oldest || first > written))
            return finish(HttpResponse::error(404, "event " + std::to_string(first) + " is not kept: the log holds " + std::to_string(oldest) +
                                                       "-" + std::to_string(written)));
        json events = json::array();
        for (std::size_t i = 0; i < r[el::in_window] && i < el::max_window; ++i) {
            const std::size_t at = el::first_record + el::record_registers * i;
            char stamp[48];
            std::snprintf(stamp, sizeof stamp, "%s.%03u", packed_time_text(r[at + el::time], r[at + el::time + 1], r[at + el::time + 2]).c_str(),
                          static_cast<unsigned>(r[at + el::millisecond]));
            const std::uint16_t type = r[at + el::type];
            events.push_back({{"number", u32_at(r, at + el::number)},
                              {"time", stamp},
                              {"type", type},
                              {"text", event_text(type)},
                              {"detail", r[at + el::detail]},
                              {"value", r[at + el::value]}});
        }
        std::reverse(events.begin(), events.end());  // newest first
        finish(HttpResponse::json(200, {{"written", u32_at(r, el::written)}, {"oldest", u32_at(r, el::oldest)}, {"events", events}}));
    }

    ServiceContext& c_;
    std::weak_ptr<bool> alive_;  // the web service's: a timer or board answer after it is gone does nothing
    std::deque<Ask> queue_;
};

std::string ascii(const std::vector<std::uint16_t>& r, std::size_t at, std::size_t regs) {
    std::string s;
    for (std::size_t i = 0; i < regs; ++i)
        for (const unsigned ch : {static_cast<unsigned>(r[at + i] >> 8), static_cast<unsigned>(r[at + i] & 0xFF)})
            if (ch >= 0x20 && ch < 0x7F) s += static_cast<char>(ch);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

std::string version_text(std::uint16_t x100) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "v%u.%02u", x100 / 100U, x100 % 100U);
    return buf;
}

}  // namespace

void add_reading_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    add_group(router, api, "readings", DataGroup::realtime, {"rt."}, true);
    add_group(router, api, "demand", DataGroup::demand, {"demand."}, true);
    add_group(router, api, "energy", DataGroup::energy, {"energy.", "tou.month.", "tou.prior."}, true);
    add_group(router, api, "harmonics", DataGroup::power_quality, {"pq."}, false);

    router.add({"GET", "/api/v1/io", "/api/v1/io", Access::user, [&c](const ApiCall&, HttpReply reply) { reply(HttpResponse::json(200, io_state(c))); }});
    router.add({"POST", "/api/v1/io/digital-inputs/{n}/reset-counter", "/api/v1/io/digital-inputs/1/reset-counter", Access::admin,
                [&c](const ApiCall& call, HttpReply reply) {
                    const std::string& n = call.params[0];
                    int di = 0;
                    if (n == "all")
                        di = 255;
                    else if (std::from_chars(n.data(), n.data() + n.size(), di).ec != std::errc{} || di < 1 || di > 18)
                        return reply(HttpResponse::error(404, "digital input must be 1-18 or all, got '" + n + "'"));
                    board_write(c, acurev::settings::di_counter_reset, {static_cast<std::uint16_t>(di)}, [reply](std::string error) {
                        reply(error.empty() ? HttpResponse::json(200, {{"done", true}}) : HttpResponse::error(502, error));
                    });
                }});
    router.add({"PUT", "/api/v1/io/relay-outputs/{n}", "/api/v1/io/relay-outputs/1", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const std::string& n = call.params[0];
                    if (n != "1" && n != "2") return reply(HttpResponse::error(404, "relay output must be 1 or 2, got '" + n + "'"));
                    if (!call.body.is_object() || !call.body.contains("on") || !call.body["on"].is_boolean())
                        return reply(HttpResponse::error(400, "give {\"on\": true} or {\"on\": false}"));
                    const int ro = n == "1" ? 1 : 2;
                    const auto mode = c.model.registers(static_cast<std::uint16_t>(acurev::settings::ro_first + acurev::settings::ro_stride * (ro - 1)), 1);
                    if (mode[0] == 1)
                        return reply(HttpResponse::error(409, "Relay Output " + n + " is an alarm output; set it to manual first"));
                    c.board.write_coil(static_cast<std::uint16_t>(ro - 1), call.body["on"].get<bool>(), [reply](const TransactionResult& r) {
                        if (r.error) return reply(HttpResponse::error(502, "the meter did not answer"));
                        if (r.response && r.response->exception) return reply(HttpResponse::error(409, "the meter refused the relay command"));
                        reply(HttpResponse::json(200, {{"done", true}}));
                    });
                }});
    router.add({"GET", "/api/v1/alarms", "/api/v1/alarms", Access::user, [&c](const ApiCall&, HttpReply reply) { reply(HttpResponse::json(200, alarm_log(c))); }});
    auto events = std::make_shared<EventLogReader>(c, api.alive);
    // ?first=N&count=K of the event logs; throws std::invalid_argument naming the bad one.
    const auto query_number = [](const ApiCall& call, const char* name, std::uint64_t lo, std::uint64_t hi) -> std::optional<std::uint64_t> {
        auto it = call.request.query.find(name);
        if (it == call.request.query.end()) return std::nullopt;
        std::uint64_t v = 0;
        const auto& s = it->second;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || v < lo || v > hi)
            throw std::invalid_argument(std::string(name) + " must be " + std::to_string(lo) + "-" + std::to_string(hi) + ", got '" + s + "'");
        return v;
    };
    router.add({"GET", "/api/v1/events", "/api/v1/events", Access::user, [events, query_number](const ApiCall& call, HttpReply reply) {
                    auto number = [&](const char* name, std::uint64_t lo, std::uint64_t hi) { return query_number(call, name, lo, hi); };
                    try {
                        const auto first = number("first", 1, 0xFFFFFFFFULL);
                        const auto count = number("count", 1, acurev::event_log::max_window);
                        events->read(first ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*first)) : std::nullopt,
                                     static_cast<std::uint16_t>(count.value_or(10)), std::move(reply));
                    } catch (const std::invalid_argument& e) {
                        reply(HttpResponse::error(400, e.what()));
                    }
                }});
    router.add({"GET", "/api/v1/module-events", "/api/v1/module-events", Access::user, [&c, query_number](const ApiCall& call, HttpReply reply) {
                    try {
                        const auto first = query_number(call, "first", 1, ~0ULL >> 1).value_or(0);
                        const auto count = query_number(call, "count", 1, ModuleEvents::kept).value_or(10);
                        json rows = json::array();
                        for (const auto& e : c.events.page(first, count))
                            rows.push_back({{"number", e.number}, {"time", e.time}, {"source", e.source}, {"text", e.text}});
                        reply(HttpResponse::json(200, {{"written", c.events.written()}, {"oldest", c.events.oldest()},
                                                       {"unsaved", c.events.unsaved()}, {"events", rows}}));
                    } catch (const std::invalid_argument& e) {
                        reply(HttpResponse::error(400, e.what()));
                    }
                }});
    router.add({"GET", "/api/v1/device", "/api/v1/device", Access::user, [&api](const ApiCall&, HttpReply reply) {
                    auto& cx = api.context;
                    const auto r = cx.model.registers(blocks::device_info.start, blocks::device_info.count);
                    const auto id = cx.hal.system.identity();
                    char date[32];
                    std::snprintf(date, sizeof date, "%04u-%02u-%02u", r[26], r[27], r[28]);
                    json meter{{"model", ascii(r, 0, 16)},
                               {"serial_number", ascii(r, 16, 8)},
                               {"hardware_version", version_text(r[24])},
                               {"firmware_version", version_text(r[25])},
                               {"release_date", date},
                               {"seal_status", r[29] ? "On" : "Off"},
                               {"address", cx.board.address()},
                               {"description", cx.settings.text("device.description")},
                               {"quality", quality_text(cx.model.quality(blocks::device_info.start, blocks::device_info.count, cx.hal.scheduler.now()))}};
                    json module{{"serial_number", id.module_serial},        {"hardware_version", api.module_hardware_version},
                                {"firmware_version", api.module_firmware_version}, {"mac_eth1", id.mac_eth1},
                                {"mac_eth2", id.mac_eth2},                  {"mac_wlan", id.mac_wlan}};
                    reply(HttpResponse::json(200, {{"meter", meter}, {"module", module}}));
                }});
}

}  // namespace fw
