#pragma once
// The JSON API under /api/v1 (docs/api.md): its routes, registered in the router's one table.
// Readings come from the data model through the catalogue, with their quality; writes go through
// the module's one settings validator or the board's command registers.
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "services/web/access_control.hpp"
#include "services/web/router.hpp"
#include "services/web/tls_identity.hpp"

namespace fw {

class LivePolls;

struct WebApi {
    ServiceContext& context;
    AccessControl& access;
    // The certificate served, and how an uploaded one replaces it (returns the error, if any).
    std::function<const TlsIdentity&()> identity;
    std::function<std::optional<std::string>(const TlsIdentity&)> replace_identity;
    // The module's firmware and hardware versions (About > Information).
    std::string module_firmware_version, module_hardware_version;
    LivePolls* live = nullptr;  // long-polls of group replies (the service owns them)
    // False once the service is gone: timers and board answers still queued then do nothing.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

void add_reading_routes(Router& router, WebApi& api);     // readings, demand, energy, harmonics, I/O, logs, device
void add_management_routes(Router& router, WebApi& api);
void add_trend_routes(Router& router, WebApi& api);       // the trend log's queries
void add_trend_management_routes(Router& router, WebApi& api);
void add_datalog_routes(Router& router, WebApi& api);     // the Data Log page: files, download, delete; loggable parameters  // trendlog management: the file, Clear Logs  // session, settings, installation record, management, certificate
void add_sftp_routes(Router& router, WebApi& api);        // SFTP download's password (7.5): change, reset
void add_update_routes(Router& router, WebApi& api);      // firmware update (10.1): upload, process, cancel
void add_bacnet_routes(Router& router, WebApi& api);      // BACnet/IP (7.8): EDE files and the PICS
void add_time_routes(Router& router, WebApi& api);        // Time/Date (7.4): status, zones, Force Update, the clock set by hand
void add_mqtt_routes(Router& router, WebApi& api);        // MQTT (7.10): Test MQTT
void add_snmp_routes(Router& router, WebApi& api);
void add_config_routes(Router& router, WebApi& api);      // Config Management (11): backup, detail, delete, export, apply, import        // SNMP (7.9): MIB File Download

// The device's local date and time of a reading taken at scheduler time `t`: "2026-12-02 16:00:05".
std::string local_time_text(const ServiceContext& c, hal::Time t);
// Board-packed time (year - 2000, month), (day, hour), (minute, second): "2020-03-27 17:04:08".
std::string packed_time_text(std::uint16_t a, std::uint16_t b, std::uint16_t c);
// Writes `values` to board registers; `done(error)` with an empty error once acknowledged.
void board_write(ServiceContext& c, std::uint16_t address, std::vector<std::uint16_t> values, std::function<void(std::string)> done);

}  // namespace fw
