// Time/Date (web manual 7.4): the device clock and NTP state, the IANA zone list the Time Zone
// field offers, "Force Update", and the Device Clock set by hand.
#include <chrono>
#include <cstdio>

#include "hal/time_zone.hpp"
#include "services/ntp/ntp_service.hpp"
#include "services/web/web_api.hpp"

namespace fw {

using nlohmann::json;

namespace {

NtpService* ntp(ServiceContext& c) { return dynamic_cast<NtpService*>(c.module.running_service("ntp")); }

// The board keeps years 2000-2099 (docs/register-map.md "Clock 0x0180"): the clock is set within them.
constexpr std::int64_t earliest = 946684800;  // 2000-01-01T00:00:00Z
constexpr std::int64_t latest = 4102444799;   // 2099-12-31T23:59:59Z

// "YYYY-MM-DD HH:MM:SS" (or with a T), the picker's local time; nothing else.
std::optional<std::int64_t> parse_local(const std::string& text) {
    if (text.size() != 19) return std::nullopt;
    int y, mo, d, h, mi, s;
    char sep;
    int used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &s, &used) != 7 || used != 19) return std::nullopt;
    if ((sep != ' ' && sep != 'T') || h > 23 || mi > 59 || s > 59 || h < 0 || mi < 0 || s < 0) return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count() * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

void add_time_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"GET", "/api/v1/time", "/api/v1/time", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    auto* t = ntp(c);
                    if (!t) return reply(HttpResponse::error(503, "the Time/Date service is not running (see GET /api/v1/services)"));
                    reply(HttpResponse::json(200, t->status()));
                }});
    router.add({"GET", "/api/v1/time/zones", "/api/v1/time/zones", Access::user, [](const ApiCall&, HttpReply reply) {
                    reply(HttpResponse::json(200, {{"zones", hal::TimeZoneDatabase::installed().names()}}));
                }});
    router.add({"POST", "/api/v1/time/sync", "/api/v1/time/sync", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* t = ntp(c);
                    if (!t) return reply(HttpResponse::error(503, "the Time/Date service is not running (see GET /api/v1/services)"));
                    t->force_update([reply](const NtpService::Outcome& o) { reply(HttpResponse::json(200, {{"ok", o.ok}, {"detail", o.detail}})); });
                }});
    router.add({"PUT", "/api/v1/time/clock", "/api/v1/time/clock", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    auto* t = ntp(c);
                    if (!t) return reply(HttpResponse::error(503, "the Time/Date service is not running (see GET /api/v1/services)"));
                    const auto& b = call.body;
                    const char* form = "give {\"utc\": seconds since 1970} or {\"local\": \"YYYY-MM-DD HH:MM:SS\"} (the device's local time)";
                    if (!b.is_object() || b.size() != 1 || !(b.contains("utc") || b.contains("local"))) return reply(HttpResponse::error(400, form));
                    std::int64_t utc = 0;
                    if (b.contains("utc")) {
                        if (!b["utc"].is_number()) return reply(HttpResponse::error(400, std::string("utc must be a number: ") + form));
                        const double v = b["utc"].get<double>();
                        if (!(v >= earliest && v <= latest))
                            return reply(HttpResponse::error(400, "utc " + b["utc"].dump() + " is out of range: 946684800 - 4102444799 (2000-2099)"));
                        utc = static_cast<std::int64_t>(v);
                    } else {
                        if (!b["local"].is_string()) return reply(HttpResponse::error(400, std::string("local must be a string: ") + form));
                        const auto text = b["local"].get<std::string>();
                        const auto local = parse_local(text);
                        if (!local) return reply(HttpResponse::error(400, "local '" + text.substr(0, 40) + "' is not a date and time: YYYY-MM-DD HH:MM:SS"));
                        // The zone's offset at that local time: the one in force an offset earlier, then checked once more
                        // (a local time in a DST gap or overlap takes the offset before the change).
                        const auto offset_now = c.hal.clock.zone_now().utc_offset_s;
                        utc = *local - offset_now;
                        if (!c.hal.clock.zone_name().empty()) {
                            const auto rules = hal::TimeZoneDatabase::installed().load(c.hal.clock.zone_name());
                            utc = *local - rules.at(*local - rules.at(*local - offset_now).utc_offset_s).utc_offset_s;
                        }
                        if (utc < earliest || utc > latest)
                            return reply(HttpResponse::error(400, "local '" + text + "' is out of range: 2000-01-01 - 2099-12-31"));
                    }
                    t->set_clock(std::chrono::seconds(utc));
                    reply(HttpResponse::json(200, t->status()));
                }});
}

}  // namespace fw
