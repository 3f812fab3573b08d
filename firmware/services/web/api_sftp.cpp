// SFTP download's password (web manual 7.5: "The user can configure any password or can reset to
// the default of accuenergy by clicking on the 'Reset SFTP Password'"): one change of
// `sftp.password` through the module's one validator; the server restarts with it at once.
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
                    std::string password = sftp_settings::default_password;
                    if (b.contains("reset")) {
                        if (b["reset"] != true) return reply(HttpResponse::error(400, ask));
                    } else {
                        // Never echoed: a refused password is described by its length alone.
                        if (!b["password"].is_string()) return reply(HttpResponse::error(400, "password must be text; " + ask));
                        password = b["password"].get<std::string>();
                    }
                    const bool reset = password == sftp_settings::default_password;
                    c.module.change_settings({{sftp_settings::password, password}}, [reply, reset](ModuleControl::Errors errors) {
                        if (!errors.empty()) return reply(HttpResponse::json(400, {{"errors", errors}}));
                        reply(HttpResponse::json(200, {{"changed", true}, {"default", reset}}));
                    });
                }});
}

}  // namespace fw
