// SFTP download's password (web manual 7.5: "The user can configure any password or can reset to
// the default of accuenergy by clicking on the 'Reset SFTP Password'"): kept only as a crypt(3)
// hash by the sftp service; the server restarts with it at once.
#include "services/sftp/sftp_service.hpp"
#include "services/sftp/sftp_settings.hpp"
#include "services/web/web_api.hpp"

namespace fw {

using nlohmann::json;

void add_sftp_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"POST", "/api/v1/sftp/password", "/api/v1/sftp/password", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    static const std::string ask = "give {\"password\": \"...\"} or {\"reset\": true}";
                    if (!b.is_object() || b.size() != 1 || !(b.contains("password") || b.contains("reset")))
                        return reply(HttpResponse::error(400, ask));
                    const bool reset = b.contains("reset");
                    if (reset && b["reset"] != true) return reply(HttpResponse::error(400, ask));
                    // Never echoed: a refused password is described by its length alone.
                    if (!reset && !b["password"].is_string()) return reply(HttpResponse::error(400, "password must be text; " + ask));
                    auto* sftp = dynamic_cast<SftpDownload*>(c.module.running_service("sftp"));
                    if (!sftp) return reply(HttpResponse::error(503, "the SFTP service is not running (see GET /api/v1/services)"));
                    const auto errors = sftp->set_password(reset ? std::string() : b["password"].get<std::string>(), reset);
                    if (!errors.empty()) return reply(HttpResponse::json(400, {{"errors", errors}}));
                    reply(HttpResponse::json(200, {{"changed", true}, {"default", reset}}));
                }});
}

}  // namespace fw
