// Config Management (web manual 11): the List of Local Configurations, Backup, Detail, Delete,
// Export (the .conf.ehm file as an attachment), Apply (settings that apply on reboot are listed
// as pending: the page asks "reboot now or later") and Import (the raw file as the body).
#include "services/config/config_store.hpp"
#include "services/web/web_api.hpp"
#include "settings/settings.hpp"

namespace fw {

namespace {

using nlohmann::json;

HttpResponse refused(const config::ConfigStore::Result& r) { return HttpResponse::error(r.status, *r.error); }

}  // namespace

void add_config_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    using config::ConfigStore;
    router.add({"GET", "/api/v1/config", "/api/v1/config", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    reply(HttpResponse::json(200, {{"configurations", ConfigStore(c).list()}, {"max", ConfigStore::max_local}}));
                }});
    router.add({"POST", "/api/v1/config/backup", "/api/v1/config/backup", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    if (!b.is_object() || b.size() != 1 || !b.contains("description") || !b["description"].is_string())
                        return reply(HttpResponse::error(400, "give {\"description\": text of at most 64 characters}"));
                    const auto r = ConfigStore(c).backup(b["description"].get<std::string>());
                    if (r.error) return reply(refused(r));
                    c.events.add("config", "configuration backed up: " + r.name);
                    reply(HttpResponse::json(200, {{"name", r.name}}));
                }});
    Route import{"POST", "/api/v1/config/import", "/api/v1/config/import", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                     if (call.request.body.empty()) return reply(HttpResponse::error(400, "send the .conf.ehm file as the request body"));
                     const auto r = ConfigStore(c).import(call.request.body);
                     if (r.error) return reply(refused(r));
                     c.events.add("config", "configuration imported: " + r.name);
                     reply(HttpResponse::json(200, {{"name", r.name}, {"message", ConfigStore::imported}}));
                 }};
    import.raw_body = true;
    router.add(import);
    router.add({"GET", "/api/v1/config/{name}", "/api/v1/config/x.conf.ehm", Access::user, [&c](const ApiCall& call, HttpReply reply) {
                    auto d = ConfigStore(c).detail(call.params[0]);
                    if (!d) return reply(HttpResponse::error(404, "no local configuration named '" + call.params[0] + "'"));
                    reply(HttpResponse::json(200, *d));
                }});
    router.add({"GET", "/api/v1/config/{name}/file", "/api/v1/config/x.conf.ehm/file", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    auto text = ConfigStore(c).file(call.params[0]);
                    if (!text) return reply(HttpResponse::error(404, "no local configuration named '" + call.params[0] + "'"));
                    HttpResponse r;
                    r.content_type = "application/octet-stream";
                    r.body = std::move(*text);
                    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + call.params[0] + "\"");
                    reply(std::move(r));
                }});
    router.add({"DELETE", "/api/v1/config/{name}", "/api/v1/config/x.conf.ehm", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    if (!ConfigStore(c).remove(call.params[0])) return reply(HttpResponse::error(404, "no local configuration named '" + call.params[0] + "'"));
                    c.events.add("config", "configuration deleted: " + call.params[0]);
                    reply(HttpResponse::json(200, {{"deleted", call.params[0]}}));
                }});
    router.add({"POST", "/api/v1/config/{name}/apply", "/api/v1/config/x.conf.ehm/apply", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const std::string name = call.params[0];
                    ConfigStore(c).apply(name, [&c, name, reply](std::vector<std::string> errors, std::vector<std::string> keys) {
                        if (!errors.empty()) return reply(HttpResponse::json(400, {{"errors", errors}}));
                        json pending = json::array();
                        for (const auto& k : c.settings.pending_reboot())
                            if (std::find(keys.begin(), keys.end(), k) != keys.end()) pending.push_back(k);
                        c.events.add("config", "configuration applied: " + name + (pending.empty() ? "" : " (a reboot applies some settings)"));
                        // web manual 11.2: a reboot is needed; now, or later from the Management page.
                        reply(HttpResponse::json(200, {{"applied", keys}, {"pending_reboot", pending}, {"reboot_required", !pending.empty()}}));
                    });
                }});
}

}  // namespace fw
