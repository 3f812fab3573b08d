// MQTT's "Test MQTT" button (web manual 7.10): whether the module is connected to the broker, and a
// message of the selected parameters published now when it is.
#include "services/mqtt/mqtt_service.hpp"
#include "services/web/web_api.hpp"

namespace fw {

void add_mqtt_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    router.add({"POST", "/api/v1/mqtt/test", "/api/v1/mqtt/test", Access::admin, [&c](const ApiCall&, HttpReply reply) {
                    auto* mqtt = dynamic_cast<MqttService*>(c.module.running_service("mqtt"));
                    if (!mqtt) return reply(HttpResponse::error(503, "the MQTT service is not running (see GET /api/v1/services)"));
                    const auto [ok, detail] = mqtt->test();
                    reply(HttpResponse::json(200, {{"ok", ok}, {"detail", detail}}));
                }});
}

}  // namespace fw
