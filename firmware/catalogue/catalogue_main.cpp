// acurev-catalogue: prints the parameter catalogue (docs/register-map.md is its --markdown output).
#include <iostream>

#include <CLI/CLI.hpp>

#include "catalogue/catalogue.hpp"
#include "services/bacnet/bacnet_objects.hpp"
#include "services/snmp/snmp_objects.hpp"
#include "settings/settings_schema.hpp"

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 parameter catalogue"};
    bool markdown = false;
    bool settings = false;
    bool ids = false;
    bool pics = false;
    bool mib = false;
    app.add_flag("--markdown", markdown, "print docs/register-map.md");
    app.add_flag("--settings", settings, "print docs/settings.md (the settings schema)");
    app.add_flag("--ids", ids, "print firmware/catalogue/released-ids.tsv (BACnet instances and SNMP OIDs)");
    app.add_flag("--bacnet-pics", pics, "print docs/bacnet-pics.md (the BACnet PICS)");
    app.add_flag("--mib", mib, "print the SNMP MIB (ACUREV2100-WEB2-MIB, the file GET /api/v1/snmp/mib serves)");
    CLI11_PARSE(app, argc, argv);
    if (mib) {
        std::cout << fw::snmp::mib_text();
        return 0;
    }
    if (pics) {
        std::cout << fw::bacnet::pics_markdown();
        return 0;
    }
    if (settings) {
        std::cout << fw::SettingsSchema::instance().markdown();
        return 0;
    }
    const auto& c = fw::Catalogue::instance();
    if (ids) {
        std::cout << c.released_ids();
        return 0;
    }
    if (markdown) {
        std::cout << c.markdown();
        return 0;
    }
    for (const auto& p : c.all()) std::cout << p.id << '\t' << p.module_register << '\t' << fw::type_name(p.type) << '\t' << p.key << '\n';
    return 0;
}
