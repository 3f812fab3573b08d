// acurev-catalogue: prints the parameter catalogue (docs/register-map.md is its --markdown output).
#include <iostream>

#include <CLI/CLI.hpp>

#include "catalogue/catalogue.hpp"
#include "settings/settings_schema.hpp"

int main(int argc, char** argv) {
    CLI::App app{"AcuRev 2100 parameter catalogue"};
    bool markdown = false;
    bool settings = false;
    app.add_flag("--markdown", markdown, "print docs/register-map.md");
    app.add_flag("--settings", settings, "print docs/settings.md (the settings schema)");
    CLI11_PARSE(app, argc, argv);
    if (settings) {
        std::cout << fw::SettingsSchema::instance().markdown();
        return 0;
    }
    const auto& c = fw::Catalogue::instance();
    if (markdown) {
        std::cout << c.markdown();
        return 0;
    }
    for (const auto& p : c.all()) std::cout << p.id << '\t' << p.module_register << '\t' << fw::type_name(p.type) << '\t' << p.key << '\n';
    return 0;
}
