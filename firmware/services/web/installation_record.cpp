#include "services/web/installation_record.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include "core/board_link.hpp"
#include "settings/json_input.hpp"
#include "settings/settings.hpp"

namespace fw {

using nlohmann::json;

namespace {

// The record's fields, in the order of the manual's page.
const std::vector<std::pair<const char*, const char*>> client_fields{{"client", "Client"}, {"address", "Address"}};
const std::vector<std::pair<const char*, const char*>> installation_fields{
    {"installation_date", "Installation Date"}, {"installer_name", "Installer Name"},  {"meter_location", "Meter Location"},
    {"nominal_voltage", "Nominal Voltage (V)"},  {"nominal_current", "Nominal Current (A)"}, {"nominal_frequency", "Nominal Frequency (Hz)"},
    {"service_configuration", "Service Configuration"}, {"pulse_constant", "Pulse Constant (Pulses/kWh)"}};
const std::vector<std::pair<const char*, const char*>> channel_fields{
    {"phase", "Phase"}, {"color_code", "Color Code"}, {"ct_model", "CT Model"}, {"ct_serial_number", "CT Serial Number"},
    {"panel_description", "Panel Description"}};

std::optional<std::string> merge_texts(json& into, const json& change, const std::vector<std::pair<const char*, const char*>>& fields,
                                       const std::string& where) {
    if (!change.is_object()) return where + " must be an object";
    for (const auto& [k, v] : change.items()) {
        const auto f = std::find_if(fields.begin(), fields.end(), [&k](const auto& p) { return k == p.first; });
        if (f == fields.end()) return where + " has no field '" + k + "'";
        if (!v.is_string()) return std::string(f->second) + " must be text";
        if (v.get<std::string>().size() > InstallationRecord::max_text)
            return std::string(f->second) + " must be at most " + std::to_string(InstallationRecord::max_text) + " characters";
        if (k == "phase" && v != "" && v != "A" && v != "B" && v != "C" && v != "Disabled") return "Phase must be A, B, C or Disabled";
        into[k] = v;
    }
    return std::nullopt;
}

}  // namespace

json InstallationRecord::empty() {
    json r{{"client", json::object()}, {"installation", json::object()}, {"channels", json::array()}};
    for (const auto& [k, label] : client_fields) r["client"][k] = "";
    for (const auto& [k, label] : installation_fields) r["installation"][k] = "";
    for (int n = 1; n <= 18; ++n) {
        json ch{{"channel", n}};
        for (const auto& [k, label] : channel_fields) ch[k] = "";
        r["channels"].push_back(ch);
    }
    return r;
}

std::optional<std::string> InstallationRecord::merge(json& record, const json& change) {
    if (!change.is_object()) return "give the record's parts to change as {\"client\": {...}, \"installation\": {...}, \"channels\": [...]}";
    json next = record;
    for (const auto& [part, v] : change.items()) {
        if (part == "client") {
            if (auto e = merge_texts(next["client"], v, client_fields, "client")) return e;
        } else if (part == "installation") {
            if (auto e = merge_texts(next["installation"], v, installation_fields, "installation")) return e;
        } else if (part == "channels") {
            if (!v.is_array() || v.size() > 18) return "channels must be a list of at most 18 channels";
            for (const auto& ch : v) {
                if (!ch.is_object() || !ch.contains("channel") || !ch["channel"].is_number_integer() || ch["channel"] < 1 || ch["channel"] > 18)
                    return "each channel must have \"channel\": 1-18";
                json fields = ch;
                fields.erase("channel");
                if (auto e = merge_texts(next["channels"][ch["channel"].get<int>() - 1], fields, channel_fields,
                                         "channel " + std::to_string(ch["channel"].get<int>())))
                    return e;
            }
        } else {
            return "the installation record has no part '" + part + "' (client, installation, channels)";
        }
    }
    record = std::move(next);
    return std::nullopt;
}

std::string InstallationRecord::pdf(const json& r) {
    std::string out;
    auto write = [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
    };
    constexpr double width = 595, height = 842, margin = 48;  // A4 in points
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write, &out, width, height);
    cairo_t* cr = cairo_create(surface);
    double y = margin;
    auto text = [&](const std::string& s, double x, double size, bool bold) {
        if (y > height - margin) {
            cairo_show_page(cr);
            y = margin;
        }
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, size);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, s.c_str());
    };
    auto heading = [&](const std::string& s) {
        y += 10;
        text(s, margin, 13, true);
        y += 18;
    };
    auto row = [&](const std::string& label, const json& v) {
        text(label, margin, 9.5, false);
        text(v.is_string() ? v.get<std::string>() : v.dump(), margin + 190, 9.5, false);
        y += 14;
    };
    text("AcuRev 2100 Installation Record", margin, 18, true);
    y += 26;
    heading("Client Information");
    for (const auto& [k, label] : client_fields) row(label, r["client"][k]);
    heading("Installation Information");
    for (const auto& [k, label] : installation_fields) row(label, r["installation"][k]);
    heading("Device Information");
    for (const auto& [k, v] : r["device"].items()) row(k, v);
    heading("Communication Information");
    for (const auto& [k, v] : r["communication"].items()) row(k, v);
    heading("Input Channels");
    for (const auto& ch : r["channels"]) {
        std::string line = "Input Channel " + std::to_string(ch["channel"].get<int>());
        for (const auto& [k, label] : channel_fields)
            if (!ch[k].get<std::string>().empty()) line += "   " + std::string(label) + ": " + ch[k].get<std::string>();
        text(line, margin, 9, false);
        y += 13;
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("the PDF could not be made: ") + cairo_status_to_string(status));
    return out;
}

namespace {

json stored_record(const ServiceContext& c) {
    json r = InstallationRecord::empty();
    if (const auto text = c.hal.storage.read(InstallationRecord::file_name)) {
        try {
            const json kept = parse_json_input(*text, InstallationRecord::file_name);
            if (!InstallationRecord::merge(r, kept)) return r;
        } catch (const JsonInputError&) {
        }
        return InstallationRecord::empty();  // a damaged file reads as an empty record (the next save replaces it)
    }
    return r;
}

json full_record(WebApi& api) {
    auto& c = api.context;
    json r = stored_record(c);
    const auto id = c.hal.system.identity();
    r["device"] = {{"Serial Number", id.meter_serial},
                   {"Module Serial Number", id.module_serial},
                   {"Ethernet 1 MAC Address", id.mac_eth1},
                   {"Ethernet 2 MAC Address", id.mac_eth2},
                   {"WiFi MAC Address", id.mac_wlan},
                   {"Module Firmware Version", api.module_firmware_version}};
    // An interface the unit does not have (a Linux host without eth2) reads as disconnected.
    auto interface = [&c](const std::string& name) {
        for (const auto& i : c.hal.network.interfaces())
            if (i.name == name) return i;
        return hal::NetInterfaceState{name, "", "", "", "", false, ""};
    };
    const auto eth1 = interface("eth1"), eth2 = interface("eth2");
    r["communication"] = {{"Ethernet 1 IP", eth1.address},
                          {"Ethernet 1 Status", eth1.link_up ? "Enabled" : "Disabled"},
                          {"Ethernet 2 IP", eth2.address},
                          {"Ethernet 2 Status", eth2.link_up ? "Enabled" : "Disabled"},
                          {"Modbus TCP Port", c.settings.running("network.modbus_tcp_port")},
                          {"Modbus RTU Baud Rate", std::to_string(c.settings.number("rs485.baud")) + " bps"},
                          {"Modbus RTU Address", c.board.address()},
                          {"HTTPS Port", c.settings.running("network.https_port")}};
    return r;
}

}  // namespace

void add_installation_record_routes(Router& router, WebApi& api) {
    router.add({"GET", "/api/v1/installation-record", "/api/v1/installation-record", Access::user,
                [&api](const ApiCall&, HttpReply reply) { reply(HttpResponse::json(200, full_record(api))); }});
    router.add({"GET", "/api/v1/installation-record.pdf", "/api/v1/installation-record.pdf", Access::user, [&api](const ApiCall&, HttpReply reply) {
                    HttpResponse r;
                    r.content_type = "application/pdf";
                    r.body = InstallationRecord::pdf(full_record(api));
                    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"installation-record.pdf\"");
                    reply(r);
                }});
    router.add({"PUT", "/api/v1/installation-record", "/api/v1/installation-record", Access::admin, [&api](const ApiCall& call, HttpReply reply) {
                    auto& c = api.context;
                    json record = stored_record(c);
                    if (auto e = InstallationRecord::merge(record, call.body)) return reply(HttpResponse::error(400, *e));
                    try {
                        c.hal.storage.write_atomic(InstallationRecord::file_name, record.dump(2) + "\n");
                    } catch (const hal::StorageError& e) {
                        return reply(HttpResponse::error(507, std::string("the record could not be saved, nothing was changed: ") + e.what()));
                    }
                    reply(HttpResponse::json(200, full_record(api)));
                }});
}

}  // namespace fw
