// The one registry of the module's services (ARCHITECTURE "Services"): adding a service is one
// entry here and a folder under services/.
#include "services/bacnet/bacnet_service.hpp"
#include "services/bacnet/bacnet_settings.hpp"
#include "services/datalog/datalog_service.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/modbus_tcp/modbus_gateway.hpp"
#include "services/ntp/ntp_service.hpp"
#include "services/ntp/ntp_settings.hpp"
#include "services/post/post_service.hpp"
#include "services/mqtt/mqtt_service.hpp"
#include "services/mqtt/mqtt_settings.hpp"
#include "services/post/post_settings.hpp"
#include "services/modbus_tcp/modbus_tcp_settings.hpp"
#include "services/service.hpp"
#include "services/sftp/sftp_service.hpp"
#include "services/snmp/snmp_service.hpp"
#include "services/snmp/snmp_settings.hpp"
#include "services/sftp/sftp_settings.hpp"
#include "services/trend/trend_service.hpp"
#include "services/web/web_service.hpp"
#include "services/web/web_settings.hpp"
#include "update/update_service.hpp"
#include "update/update_settings.hpp"

namespace fw {

const std::vector<ServiceDescriptor>& service_registry() {
    static const std::vector<ServiceDescriptor> registry{
        // First: the zone and the clock are right before anything logs or names a file.
        {"ntp", "Time/Date (NTP)", [](ServiceContext& c) { return std::make_unique<NtpService>(c); }, ntp_settings::specs(), ntp_settings::rules()},
        {"modbus_tcp", "Modbus TCP", [](ServiceContext& c) { return std::make_unique<ModbusGateway>(c); }, modbus_tcp_settings::specs()},
        {"trend", "Trend log", [](ServiceContext& c) { return std::make_unique<TrendService>(c); }},
        // The loggers' rules cross the post channels' (a channel in use cannot be disabled).
        {"datalog", "Data log", [](ServiceContext& c) { return std::make_unique<DatalogService>(c); }, datalog_settings::specs(),
         datalog_settings::rules()},
        {"post", "Post channels", [](ServiceContext& c) { return std::make_unique<PostService>(c); }, post_settings::specs(), post_settings::rules()},
        {"mqtt", "MQTT", [](ServiceContext& c) { return std::make_unique<MqttService>(c); }, mqtt_settings::specs(), mqtt_settings::rules()},
        {"bacnet", "BACnet/IP", [](ServiceContext& c) { return std::make_unique<BacnetService>(c); }, bacnet_settings::specs(),
         bacnet_settings::rules()},
        {"snmp", "SNMP", [](ServiceContext& c) { return std::make_unique<SnmpService>(c); }, snmp_settings::specs()},
        {"sftp", "SFTP download", [](ServiceContext& c) { return std::make_unique<SftpDownload>(c); }, sftp_settings::specs()},
        {"update", "Firmware update", [](ServiceContext& c) { return std::make_unique<UpdateService>(c); }, update_settings::specs(),
         update_settings::rules()},
        {"https", "Web interface", [](ServiceContext& c) { return std::make_unique<WebService>(c); }, web_settings::specs()},
    };
    return registry;
}

}  // namespace fw
