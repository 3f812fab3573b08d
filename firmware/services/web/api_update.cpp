// Firmware update (web manual 10.1, manual update): upload a package (raw octets of the .a2up file),
// see it "ready for processing", Process (the module reboots into it on trial) or Cancel; and the
// running version with the slots. How the package is checked: docs/update.md.
#include "services/web/web_api.hpp"
#include "update/update_service.hpp"

namespace fw {

namespace {

UpdateService* updates(ServiceContext& c) { return dynamic_cast<UpdateService*>(c.module.running_service("update")); }
HttpResponse not_running() { return HttpResponse::error(503, "the update service is not running (see GET /api/v1/services)"); }

}  // namespace

void add_update_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"GET", "/api/v1/firmware", "/api/v1/firmware", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    auto* u = updates(c);
                    if (!u) return reply(not_running());
                    reply(HttpResponse::json(200, u->status()));
                }});
    Route upload{"POST", "/api/v1/firmware/upload", "/api/v1/firmware/upload", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                     auto* u = updates(c);
                     if (!u) return reply(not_running());
                     const auto& body = call.request.body;
                     if (body.empty()) return reply(HttpResponse::error(400, "send the .a2up file as the request body"));
                     const auto error = u->upload(std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
                     if (error) return reply(HttpResponse::error(400, "firmware package refused: " + *error));
                     reply(HttpResponse::json(200, u->status()));
                 }};
    upload.raw_body = true;
    router.add(upload);
    router.add({"POST", "/api/v1/firmware/process", "/api/v1/firmware/process", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* u = updates(c);
                    if (!u) return reply(not_running());
                    if (const auto error = u->process()) return reply(HttpResponse::error(409, *error));
                    reply(HttpResponse::json(202, {{"rebooting", true}}));
                }});
    // 10.1.3 Remote Update: Check answers once the update server did; Download once the package is in
    // the slot (the module then reboots into it, as the manual says).
    router.add({"POST", "/api/v1/firmware/check", "/api/v1/firmware/check", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* u = updates(c);
                    if (!u) return reply(not_running());
                    u->check([u, reply](std::optional<std::string> error) {
                        if (error) return reply(HttpResponse::error(502, *error));
                        auto s = u->status();
                        s["available"] = u->offer().has_value();
                        reply(HttpResponse::json(200, s));
                    });
                }});
    router.add({"POST", "/api/v1/firmware/download", "/api/v1/firmware/download", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* u = updates(c);
                    if (!u) return reply(not_running());
                    u->download([reply](std::optional<std::string> error) {
                        if (error) return reply(HttpResponse::error(400, "firmware download refused: " + *error));
                        reply(HttpResponse::json(202, {{"rebooting", true}}));
                    });
                }});
    router.add({"POST", "/api/v1/firmware/cancel", "/api/v1/firmware/cancel", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* u = updates(c);
                    if (!u) return reply(not_running());
                    u->cancel();
                    reply(HttpResponse::json(200, u->status()));
                }});
}

}  // namespace fw
