// BACnet/IP (web manual 7.8): the EDE files integrators import into their BMS (B.I.G.-EU Engineering
// Data Exchange: the object list, its state texts and unit texts) and the PICS, generated from the
// same object tables the service serves, with the device identity of the saved settings.
#include "services/bacnet/bacnet_service.hpp"
#include "services/web/web_api.hpp"

namespace fw {

namespace {

HttpResponse attachment(std::string body, const std::string& type, const std::string& name) {
    HttpResponse r;
    r.content_type = type;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
    return r;
}

}  // namespace

void add_bacnet_routes(Router& router, WebApi& api) {
    auto& c = api.context;
    auto prefix = [&c] { return "AcuRev2100-" + c.hal.system.identity().module_serial; };
    router.add({"GET", "/api/v1/bacnet/ede", "/api/v1/bacnet/ede", Access::user, [&c, prefix](const ApiCall&, HttpReply reply) {
                    const bacnet::ObjectDb db(BacnetService::device_info(c), c.model, c.hal.scheduler, c.hal.clock);
                    reply(attachment(db.ede(), "text/csv; charset=utf-8", prefix() + "-EDE.csv"));
                }});
    router.add({"GET", "/api/v1/bacnet/ede/state-texts", "/api/v1/bacnet/ede/state-texts", Access::user, [prefix](const ApiCall&, HttpReply reply) {
                    reply(attachment(bacnet::ObjectDb::ede_state_texts(), "text/csv; charset=utf-8", prefix() + "-StateTexts.csv"));
                }});
    router.add({"GET", "/api/v1/bacnet/ede/units", "/api/v1/bacnet/ede/units", Access::user, [prefix](const ApiCall&, HttpReply reply) {
                    reply(attachment(bacnet::ObjectDb::ede_units(), "text/csv; charset=utf-8", prefix() + "-Units.csv"));
                }});
    router.add({"GET", "/api/v1/bacnet/pics", "/api/v1/bacnet/pics", Access::user, [](const ApiCall&, HttpReply reply) {
                    reply(attachment(bacnet::pics_markdown(), "text/markdown; charset=utf-8", "AcuRev2100-BACnet-PICS.md"));
                }});
}

}  // namespace fw
