// The session, settings and management side of the API (docs/api.md): log in and out, every
// settings section of the schema through the module's one validator, the pending-reboot list,
// reboot, the resets of web manual 8.1, passwords, the API token, service health, the certificate.
#include <algorithm>
#include <map>
#include <set>

#include "acurev/board_map.hpp"
#include "services/web/installation_record.hpp"
#include "services/web/web_api.hpp"
#include "settings/settings.hpp"
#include "settings/settings_schema.hpp"

namespace fw {

using nlohmann::json;

namespace {

std::string section_of(const std::string& key) { return key.substr(0, key.find('.')); }

std::string section_label(const std::string& s) {
    static const std::map<std::string, std::string> labels{
        {"device", "Device"},           {"meter", "Meter"},           {"network", "Network"}, {"rs485", "RS-485"},
        {"digital_inputs", "Digital Inputs"}, {"relay_outputs", "Relay Outputs"}, {"alarms", "Alarms"}, {"tou", "TOU"}, {"web", "Web"}, {"sftp", "SFTP"},
        {"data_log_1", "Data Log 1"}, {"data_log_2", "Data Log 2"}, {"data_log_3", "Data Log 3"}, {"post_channel_1", "Post Channel 1"},
        {"post_channel_2", "Post Channel 2"}, {"post_channel_3", "Post Channel 3"}, {"post", "Post Cache"}, {"acucloud", "AcuCloud"}, {"mqtt", "MQTT"}, {"bacnet", "BACnet/IP"}, {"snmp", "SNMP"}, {"time", "Date & Time"}, {"update", "Firmware Update"}};
    auto it = labels.find(s);
    return it == labels.end() ? s : it->second;
}

json setting_json(const SettingSpec& sp, const Settings& settings, const std::vector<std::string>& pending) {
    json choices = json::array();
    for (const auto& [code, label] : sp.choices) choices.push_back({{"code", code}, {"label", label}});
    json j{{"key", sp.key},
           {"label", sp.label},
           {"type", to_string(sp.type)},
           {"value", sp.secret ? json("********") : settings.value(sp.key)},
           {"default", sp.secret ? json("********") : sp.default_value},
           {"unit", sp.unit},
           {"range", sp.manual_text()},
           {"choices", choices},
           {"applies", to_string(sp.applies)},
           {"secret", sp.secret},
           {"pending", std::find(pending.begin(), pending.end(), sp.key) != pending.end()}};
    if (sp.type == SettingType::integer || sp.type == SettingType::real || sp.type == SettingType::text || sp.type == SettingType::list) {
        j["min"] = sp.min;
        j["max"] = sp.max;
    }
    if (sp.type == SettingType::list) j["items"] = sp.items;  // the names it may hold, in the order a page lists them
    return j;
}

std::string session_cookie(const std::string& token, bool secure, bool clear) {
    std::string c = std::string(Router::cookie_name) + "=" + (clear ? "" : token) + "; Path=/; HttpOnly; SameSite=Strict";
    if (secure) c += "; Secure";
    if (clear) c += "; Max-Age=0";
    return c;
}

json session_json(const Session& s, const AccessControl& access, const ServiceContext& c) {
    const auto expires = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::minutes(c.settings.number("web.session_timeout")))
                             .count();
    return {{"level", to_string(s.level)},
            {"csrf", s.csrf},
            {"expires_in", expires},
            {"default_password", access.default_password_in_use()},
            {"user_sessions", access.sessions(AccessLevel::user)},
            {"user_session_advice", AccessControl::user_session_advice},
            {"user_session_limit", AccessControl::user_session_limit}};
}

void add_session_routes(Router& router, WebApi& api) {
    auto& access = api.access;
    auto& c = api.context;
    router.add({"POST", "/api/v1/session", "/api/v1/session", Access::open, [&access, &c](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    if (!b.is_object() || !b.contains("level") || !b["level"].is_string() || !b.contains("password") || !b["password"].is_string())
                        return reply(HttpResponse::error(400, "give {\"level\": \"admin\" or \"user\", \"password\": \"...\"}"));
                    const auto level = access_level_from(b["level"].get<std::string>());
                    if (!level) return reply(HttpResponse::error(400, "level must be \"admin\" or \"user\", got \"" + b["level"].get<std::string>() + "\""));
                    const bool secure = call.request.secure;
                    access.login(*level, b["password"].get<std::string>(), call.request.client_address,
                                 [&access, &c, secure, reply](AccessControl::LoginResult r) {
                                     if (!r.session) {
                                         auto e = HttpResponse::error(r.status, r.error);
                                         if (r.status == 429) {
                                             e = HttpResponse::json(429, {{"error", r.error}, {"retry_after", r.retry_after_s}});
                                             e.headers.emplace_back("Retry-After", std::to_string(r.retry_after_s));
                                         }
                                         return reply(e);
                                     }
                                     json j = session_json(*r.session, access, c);
                                     j["token"] = r.session->token;
                                     auto res = HttpResponse::json(200, j);
                                     res.headers.emplace_back("Set-Cookie", session_cookie(r.session->token, secure, false));
                                     reply(res);
                                 });
                }});
    router.add({"GET", "/api/v1/session", "/api/v1/session", Access::user,
                [&access, &c](const ApiCall& call, HttpReply reply) { reply(HttpResponse::json(200, session_json(call.session, access, c))); }});
    router.add({"DELETE", "/api/v1/session", "/api/v1/session", Access::user, [&access](const ApiCall& call, HttpReply reply) {
                    access.logout(call.session.token);
                    HttpResponse r;
                    r.status = 204;
                    r.headers.emplace_back("Set-Cookie", session_cookie("", call.request.secure, true));
                    reply(r);
                }});
}

void add_settings_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"GET", "/api/v1/settings", "/api/v1/settings", Access::user, [](const ApiCall&, HttpReply reply) {
                    std::vector<std::pair<std::string, int>> sections;  // in schema order
                    for (const auto& sp : SettingsSchema::instance().specs()) {
                        const auto s = section_of(sp.key);
                        auto it = std::find_if(sections.begin(), sections.end(), [&s](const auto& p) { return p.first == s; });
                        if (it == sections.end())
                            sections.emplace_back(s, 1);
                        else
                            ++it->second;
                    }
                    json out = json::array();
                    for (const auto& [name, n] : sections) out.push_back({{"name", name}, {"label", section_label(name)}, {"settings", n}});
                    reply(HttpResponse::json(200, {{"sections", out}}));
                }});
    router.add({"GET", "/api/v1/settings/{section}", "/api/v1/settings/meter", Access::user, [&c](const ApiCall& call, HttpReply reply) {
                    const std::string& section = call.params[0];
                    const auto pending = c.settings.pending_reboot();
                    json list = json::array();
                    for (const auto& sp : SettingsSchema::instance().specs())
                        if (section_of(sp.key) == section) list.push_back(setting_json(sp, c.settings, pending));
                    if (list.empty()) return reply(HttpResponse::error(404, "no settings section '" + section + "'"));
                    reply(HttpResponse::json(200, {{"section", section}, {"label", section_label(section)}, {"settings", list}}));
                }});
    // One section, or (PUT /api/v1/settings) keys of any sections at once: one change, checked whole.
    auto put = [&c](const ApiCall& call, HttpReply reply, const std::string& section) {
        if (!call.body.is_object() || call.body.empty())
            return reply(HttpResponse::json(400, {{"errors", {"give the settings to change as {\"key\": value, ...}"}}}));
        std::vector<std::string> errors, keys;
        for (const auto& [k, v] : call.body.items()) {
            if (!SettingsSchema::instance().find(k))
                errors.push_back("unknown setting '" + k + "' (docs/settings.md lists them)");
            else if (!section.empty() && section_of(k) != section)
                errors.push_back("'" + k + "' is not a setting of section '" + section + "'");
            keys.push_back(k);
        }
        if (!errors.empty()) return reply(HttpResponse::json(400, {{"errors", errors}}));
        c.module.change_settings(call.body, [&c, keys, reply](ModuleControl::Errors errs) {
            if (!errs.empty()) {
                const bool board = std::all_of(errs.begin(), errs.end(), [](const std::string& e) { return e.rfind("the meter", 0) == 0; });
                return reply(HttpResponse::json(board ? 502 : 400, {{"errors", errs}}));
            }
            json pending = json::array();
            for (const auto& k : c.settings.pending_reboot())
                if (std::find(keys.begin(), keys.end(), k) != keys.end()) pending.push_back(k);
            reply(HttpResponse::json(200, {{"saved", keys}, {"pending_reboot", pending}}));
        });
    };
    router.add({"PUT", "/api/v1/settings/{section}", "/api/v1/settings/meter", Access::admin,
                [put](const ApiCall& call, HttpReply reply) { put(call, std::move(reply), call.params[0]); }});
    router.add({"PUT", "/api/v1/settings", "/api/v1/settings", Access::admin,
                [put](const ApiCall& call, HttpReply reply) { put(call, std::move(reply), ""); }});
    router.add({"GET", "/api/v1/pending-reboot", "/api/v1/pending-reboot", Access::user,
                [&c](const ApiCall&, HttpReply reply) { reply(HttpResponse::json(200, {{"keys", c.settings.pending_reboot()}})); }});
}

void add_management(Router& router, WebApi& api) {
    auto& c = api.context;
    auto& access = api.access;
    router.add({"POST", "/api/v1/reboot", "/api/v1/reboot", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    const std::string target = b.is_object() && b.contains("target") && b["target"].is_string() ? b["target"].get<std::string>() : "";
                    if (target != "module" && target != "meter") return reply(HttpResponse::error(400, "give {\"target\": \"module\" or \"meter\"}"));
                    // Web manual 8.2: the module's reboot soft-reboots the meter too.
                    board_write(c, acurev::settings::soft_reboot, {1}, [&c, target, reply](std::string error) {
                        if (target == "meter" && !error.empty()) return reply(HttpResponse::error(502, "meter soft reboot: " + error));
                        json answer{{"rebooting", target}};
                        if (!error.empty()) answer["meter"] = error;  // the module reboots all the same
                        if (target == "module") c.module.reboot("reboot asked on the web interface");
                        reply(HttpResponse::json(202, answer));
                    });
                }});
    router.add({"POST", "/api/v1/resets/{what}", "/api/v1/resets/demand", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    namespace s = acurev::settings;
                    static const std::map<std::string, std::uint16_t> commands{
                        {"demand", s::demand_reset}, {"energy", s::energy_reset}, {"alarm-record", s::alarm_record_reset}, {"run-time", s::run_time_reset}};
                    auto it = commands.find(call.params[0]);
                    if (it == commands.end())
                        return reply(HttpResponse::error(404, "resets are demand, energy, alarm-record and run-time; got '" + call.params[0] + "'"));
                    board_write(c, it->second, {1}, [reply](std::string error) {
                        reply(error.empty() ? HttpResponse::json(200, {{"done", true}}) : HttpResponse::error(502, error));
                    });
                }});
    router.add({"PUT", "/api/v1/passwords", "/api/v1/passwords", Access::admin, [&access](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    auto text = [&b](const char* k) -> std::optional<std::string> {
                        if (!b.contains(k)) return std::nullopt;
                        if (!b[k].is_string()) throw std::invalid_argument(std::string(k) + " must be text");
                        return b[k].get<std::string>();
                    };
                    AccessControl::PasswordChange change;
                    try {
                        if (!b.is_object()) throw std::invalid_argument("give {\"current_admin_password\": ..., \"admin_password\" and/or \"user_password\"}");
                        const auto current = text("current_admin_password");
                        if (!current) throw std::invalid_argument("current_admin_password is required");
                        change.current_admin = *current;
                        change.admin = text("admin_password");
                        change.user = text("user_password");
                        change.client = call.request.client_address;
                    } catch (const std::invalid_argument& e) {
                        return reply(HttpResponse::error(400, e.what()));
                    }
                    access.change_passwords(std::move(change), [reply](int status, std::string error) {
                        if (status == 204) {
                            HttpResponse r;
                            r.status = 204;
                            return reply(r);
                        }
                        reply(HttpResponse::error(status, error));
                    });
                }});
    router.add({"GET", "/api/v1/api-token", "/api/v1/api-token", Access::admin,
                [&access](const ApiCall&, HttpReply reply) { reply(HttpResponse::json(200, {{"token", access.api_token()}})); }});
    router.add({"POST", "/api/v1/api-token/reset", "/api/v1/api-token/reset", Access::admin, [&access](const ApiCall&, HttpReply reply) {
                    try {
                        reply(HttpResponse::json(200, {{"token", access.reset_api_token()}}));
                    } catch (const hal::StorageError& e) {
                        reply(HttpResponse::error(507, std::string("the new token could not be saved, the old one stays: ") + e.what()));
                    }
                }});
    router.add({"GET", "/api/v1/services", "/api/v1/services", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    json out = json::array();
                    for (const auto& s : c.module.service_states())
                        out.push_back({{"name", s.name}, {"label", s.label}, {"state", to_string(s.state)}, {"detail", s.detail}, {"failures", s.failures}});
                    reply(HttpResponse::json(200, {{"services", out}}));
                }});
    router.add({"GET", "/api/v1/certificate", "/api/v1/certificate", Access::open, [&api](const ApiCall&, HttpReply reply) {
                    HttpResponse r;
                    r.content_type = "application/x-pem-file";
                    r.body = api.identity().certificate_pem;
                    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"acurev2100.pem\"");
                    reply(r);
                }});
    router.add({"PUT", "/api/v1/certificate", "/api/v1/certificate", Access::admin, [&api](const ApiCall& call, HttpReply reply) {
                    const auto& b = call.body;
                    if (!b.is_object() || !b.contains("certificate") || !b["certificate"].is_string() || !b.contains("private_key") ||
                        !b["private_key"].is_string())
                        return reply(HttpResponse::error(400, "give {\"certificate\": PEM, \"private_key\": PEM}"));
                    const TlsIdentity id{b["certificate"].get<std::string>(), b["private_key"].get<std::string>()};
                    if (auto e = api.replace_identity(id)) return reply(HttpResponse::error(400, *e));
                    reply(HttpResponse::json(200, {{"replaced", true}}));
                }});
}

}  // namespace

void add_management_routes(Router& router, WebApi& api) {
    add_session_routes(router, api);
    add_settings_routes(router, api);
    add_management(router, api);
    add_installation_record_routes(router, api);
    router.add({"GET", "/api/v1/routes", "/api/v1/routes", Access::user, [&router](const ApiCall&, HttpReply reply) {
                    json out = json::array();
                    for (const auto& r : router.routes())
                        out.push_back({{"method", r.method}, {"path", r.pattern}, {"example", r.example}, {"access", to_string(r.access)}});
                    reply(HttpResponse::json(200, {{"routes", out}}));
                }});
}

}  // namespace fw
