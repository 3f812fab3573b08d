// MQTT (web manual 7.10): "Test MQTT", and the SSL/TLS tab's CA, Cert and Key files — checked whole
// before they are saved, saved atomically, and used from a reconnect at once.
#include "services/mqtt/mqtt_service.hpp"
#include "services/web/pem_check.hpp"
#include "services/web/web_api.hpp"

namespace fw {

using nlohmann::json;

namespace {

MqttService* mqtt(ServiceContext& c) { return dynamic_cast<MqttService*>(c.module.running_service("mqtt")); }

const char* file_of(const std::string& which) {
    if (which == "ca") return MqttService::ca_file;
    if (which == "cert") return MqttService::cert_file;
    if (which == "key") return MqttService::key_file;
    return nullptr;
}

}  // namespace

void add_mqtt_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"POST", "/api/v1/mqtt/test", "/api/v1/mqtt/test", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* m = mqtt(c);
                    if (!m) return reply(HttpResponse::error(503, "the MQTT service is not running (see GET /api/v1/services)"));
                    const auto [ok, detail] = m->test();
                    reply(HttpResponse::json(200, {{"ok", ok}, {"detail", detail}}));
                }});
    router.add({"GET", "/api/v1/mqtt/tls", "/api/v1/mqtt/tls", Access::user, [&c](const ApiCall&, HttpReply reply) {
                    auto state = [&c](const char* name, bool certificates) { return pem::saved_state(c.hal.storage, name, certificates); };
                    reply(HttpResponse::json(200, {{"ca", state(MqttService::ca_file, true)},
                                                   {"cert", state(MqttService::cert_file, true)},
                                                   {"key", state(MqttService::key_file, false)}}));
                }});
    router.add({"PUT", "/api/v1/mqtt/tls/{file}", "/api/v1/mqtt/tls/ca", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const auto& which = call.params.at(0);
                    const char* name = file_of(which);
                    if (!name) return reply(HttpResponse::error(404, "MQTT SSL/TLS files are ca, cert and key, got '" + which.substr(0, 40) + "'"));
                    const auto& b = call.body;
                    if (!b.is_object() || b.size() != 1 || !b.contains("pem") || !b["pem"].is_string())
                        return reply(HttpResponse::error(400, "give {\"pem\": \"-----BEGIN ...\"}"));
                    const auto text = b["pem"].get<std::string>();
                    std::string why;
                    json subjects = json::array();
                    if (which == "key") {
                        why = pem::private_key_problem(text);
                        const auto cert = c.hal.storage.read(MqttService::cert_file);
                        if (why.empty() && cert) why = pem::key_matches_certificate(*cert, text);
                    } else {
                        const auto [found, problem] = pem::certificate_subjects(text, which == "ca" ? 100 : 10);
                        why = problem;
                        for (const auto& s : found) subjects.push_back(s);
                        const auto key = c.hal.storage.read(MqttService::key_file);
                        if (why.empty() && which == "cert" && key) why = pem::key_matches_certificate(text, *key);
                    }
                    if (!why.empty()) return reply(HttpResponse::error(400, "MQTT " + which + " file: " + why));
                    try {
                        c.hal.storage.write_atomic(name, text);
                    } catch (const hal::StorageError& e) {
                        return reply(HttpResponse::error(507, std::string("not saved: ") + e.what()));
                    }
                    if (auto* m = mqtt(c)) m->restart();
                    reply(HttpResponse::json(200, {{"saved", which}, {"certificates", subjects}}));
                }});
    router.add({"DELETE", "/api/v1/mqtt/tls/{file}", "/api/v1/mqtt/tls/ca", Access::admin, [&c](const ApiCall& call, HttpReply reply) {
                    const char* name = file_of(call.params.at(0));
                    if (!name) return reply(HttpResponse::error(404, "MQTT SSL/TLS files are ca, cert and key"));
                    c.hal.storage.remove(name);
                    if (auto* m = mqtt(c)) m->restart();
                    HttpResponse r;
                    r.status = 204;
                    reply(r);
                }});
}

}  // namespace fw
