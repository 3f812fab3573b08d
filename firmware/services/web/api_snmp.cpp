// SNMP (web manual 7.9): "MIB File Download", the MIB module generated from the catalogue — the
// same text as `acurev-catalogue --mib`, describing exactly what the agent serves.
#include "services/snmp/snmp_objects.hpp"
#include "services/web/web_api.hpp"

namespace fw {

void add_snmp_routes(Router& router, WebApi&) {
    router.add({"GET", "/api/v1/snmp/mib", "/api/v1/snmp/mib", Access::user, [](const ApiCall&, HttpReply reply) {
                    static const std::string text = snmp::mib_text();
                    HttpResponse r;
                    r.content_type = "text/plain; charset=us-ascii";
                    r.body = text;
                    r.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"") + snmp::mib_file_name + "\"");
                    reply(r);
                }});
}

}  // namespace fw
