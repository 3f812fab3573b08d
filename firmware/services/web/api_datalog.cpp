// The Data Log page's API (web manual 6.4.2): the local log files per logger with their update
// time and size, their download, the deletion of a selection; and the parameters a logger may log
// (7.5), by group, for the settings page's lists.
#include "catalogue/catalogue.hpp"
#include "services/datalog/datalog_service.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/post/post_service.hpp"
#include "services/web/pem_check.hpp"
#include "services/web/web_api.hpp"

namespace fw {

using nlohmann::json;

namespace {

DatalogService* datalog(ServiceContext& c) { return dynamic_cast<DatalogService*>(c.module.running_service("datalog")); }

HttpResponse not_running() { return HttpResponse::error(503, "the data log service is not running (see GET /api/v1/services)"); }

constexpr const char* ca_file = "post-ca.pem";  // read by the post service at each HTTPS/FTPS transfer
constexpr std::size_t ca_max_certificates = 100;

json group_names(const Parameter& p) {
    json g = json::array();
    if (p.groups & group_realtime) g.push_back("realtime");
    if (p.groups & group_energy) g.push_back("energy");
    if (p.groups & group_demand) g.push_back("demand");
    if (p.groups & group_power_quality) g.push_back("power_quality");
    if (p.groups & group_io) g.push_back("io");
    return g;
}

}  // namespace

void add_datalog_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"GET", "/api/v1/datalog", "/api/v1/datalog", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    auto* d = datalog(c);
                    if (!d) return reply(not_running());
                    json loggers = json::array();
                    for (int n = 0; n <= datalog_settings::loggers; ++n) loggers.push_back({{"logger", n}, {"files", json::array()}});
                    for (const auto& f : d->files())
                        loggers[static_cast<std::size_t>(f.logger)]["files"].push_back(
                            {{"name", f.name}, {"size", f.size}, {"updated", f.updated == 0 ? json(nullptr) : json(f.updated)}});
                    // The device's UTC offset now (zone and DST), for pages that show times as the device does.
                    const auto offset = std::chrono::duration_cast<std::chrono::seconds>(c.hal.clock.local() - c.hal.clock.utc()).count();
                    reply(HttpResponse::json(200, {{"loggers", loggers}, {"utc_offset", offset}}));
                }});
    router.add({"GET", "/api/v1/datalog/files/{name}", "/api/v1/datalog/files/{name}", Access::user, [&c](const ApiCall& call, HttpReply reply) {
                    auto* d = datalog(c);
                    if (!d) return reply(not_running());
                    const auto& name = call.params.at(0);
                    for (const auto& f : d->files())
                        if (f.name == name) {
                            const auto body = c.hal.storage.read(std::string(DatalogService::folder) + "/" + name);
                            if (!body) break;
                            HttpResponse r;
                            r.content_type = "application/gzip";
                            r.body = *body;
                            r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
                            return reply(r);
                        }
                    reply(HttpResponse::error(404, "no data log file '" + name.substr(0, 80) + "'"));
                }});
    // 6.4.2: "check the box next to the data log file and click on the 'Delete Selected' button".
    router.add({"POST", "/api/v1/datalog/delete", "/api/v1/datalog/delete", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    auto* d = datalog(c);
                    if (!d) return reply(not_running());
                    const auto& b = call.body;
                    if (!b.is_object() || !b.contains("files") || !b["files"].is_array() || b["files"].empty() || b["files"].size() > 10000)
                        return reply(HttpResponse::error(400, "give {\"files\": [\"name\", ...]} with 1-10000 names"));
                    std::vector<std::string> names;
                    for (const auto& n : b["files"]) {
                        if (!n.is_string()) return reply(HttpResponse::error(400, "every file must be a name (text), got " + n.dump().substr(0, 80)));
                        names.push_back(n.get<std::string>());
                    }
                    const auto errors = d->remove(names);
                    if (!errors.empty()) return reply(HttpResponse::json(400, {{"error", errors.front()}, {"errors", errors}}));
                    reply(HttpResponse::json(200, {{"deleted", names.size()}}));
                }});
    router.add({"GET", "/api/v1/post", "/api/v1/post", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    auto* p = dynamic_cast<PostService*>(c.module.running_service("post"));
                    if (!p) return reply(HttpResponse::error(503, "the post channel service is not running (see GET /api/v1/services)"));
                    json out = json::array();
                    for (const auto& s : p->status())
                        out.push_back({{"channel", s.channel}, {"enabled", s.enabled}, {"method", s.method}, {"queued", s.queued}, {"queued_bytes", s.queued_bytes},
                                       {"sent", s.sent}, {"failures", s.failures}, {"last_error", s.last_error}, {"sending", s.sending}});
                    reply(HttpResponse::json(200, {{"channels", out}}));
                }});
    // 7.6 "TEST Post Channel": a small file posted now; success, or the failure's details.
    router.add({"POST", "/api/v1/post/{channel}/test", "/api/v1/post/{channel}/test", Access::admin, [&c, alive = api.alive](const ApiCall& call, HttpReply reply) {
                    auto* p = dynamic_cast<PostService*>(c.module.running_service("post"));
                    if (!p) return reply(HttpResponse::error(503, "the post channel service is not running (see GET /api/v1/services)"));
                    const auto& ch = call.params.at(0);
                    if (ch != "0" && ch != "1" && ch != "2" && ch != "3") return reply(HttpResponse::error(404, "post channels are 1, 2 and 3 (0: AcuCloud)"));
                    std::weak_ptr<bool> weak = alive;
                    p->test(std::stoi(ch), [weak, reply](TransferResult r) {
                        if (weak.expired()) return;
                        reply(HttpResponse::json(200, {{"ok", r.ok}, {"status", r.status}, {"error", r.error}, {"response", r.response}}));
                    });
                }});
    // The CA certificates HTTPS servers of the post channels and AcuCloud are checked against instead
    // of the system's (servers signed by a private CA).
    router.add({"GET", "/api/v1/post/ca", "/api/v1/post/ca", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    reply(HttpResponse::json(200, pem::saved_state(c.hal.storage, ca_file, true)));
                }});
    router.add({"PUT", "/api/v1/post/ca", "/api/v1/post/ca", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    if (!b.is_object() || !b.contains("pem") || !b["pem"].is_string() || b.size() != 1)
                        return reply(HttpResponse::error(400, "give {\"pem\": \"-----BEGIN CERTIFICATE-----...\"}"));
                    const auto pem = b["pem"].get<std::string>();
                    const auto [subjects, why] = pem::certificate_subjects(pem, ca_max_certificates);
                    if (!why.empty()) return reply(HttpResponse::error(400, "Post CA certificates: " + why));
                    try {
                        c.hal.storage.write_atomic(ca_file, pem);
                    } catch (const hal::StorageError& e) {
                        return reply(HttpResponse::error(507, std::string("the CA certificates were not saved: ") + e.what()));
                    }
                    reply(HttpResponse::json(200, {{"certificates", subjects}}));
                }});
    router.add({"DELETE", "/api/v1/post/ca", "/api/v1/post/ca", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    c.hal.storage.remove(ca_file);
                    HttpResponse r;
                    r.status = 204;
                    reply(r);
                }});
    // 7.6 "Clear Post Channel Logs": the buffered files on the meter.
    router.add({"POST", "/api/v1/post/clear", "/api/v1/post/clear", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* p = dynamic_cast<PostService*>(c.module.running_service("post"));
                    if (!p) return reply(HttpResponse::error(503, "the post channel service is not running (see GET /api/v1/services)"));
                    p->clear();
                    HttpResponse r;
                    r.status = 204;
                    reply(r);
                }});
    router.add({"GET", "/api/v1/datalog/parameters", "/api/v1/datalog/parameters", Access::user, [](const ApiCall&, HttpReply reply) {
                    json out = json::array();
                    for (const auto* p : datalog_settings::loggable())
                        out.push_back({{"key", p->key}, {"name", p->name}, {"unit", p->unit}, {"groups", group_names(*p)},
                                       {"minimum_interval", datalog_settings::minimum_interval(*p)}});
                    reply(HttpResponse::json(200, {{"parameters", out}}));
                }});
}

}  // namespace fw
