// The one registry of the module's services (ARCHITECTURE "Services"): adding a service is one
// entry here and a folder under services/.
#include "services/datalog/datalog_service.hpp"
#include "services/datalog/datalog_settings.hpp"
#include "services/modbus_tcp/modbus_gateway.hpp"
#include "services/post/post_settings.hpp"
#include "services/modbus_tcp/modbus_tcp_settings.hpp"
#include "services/service.hpp"
#include "services/trend/trend_service.hpp"
#include "services/web/web_service.hpp"
#include "services/web/web_settings.hpp"

namespace fw {

namespace {
template <typename T>
std::vector<T> joined(std::vector<T> a, std::vector<T> b) {
    a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
    return a;
}
}  // namespace

const std::vector<ServiceDescriptor>& service_registry() {
    static const std::vector<ServiceDescriptor> registry{
        {"modbus_tcp", "Modbus TCP", [](ServiceContext& c) { return std::make_unique<ModbusGateway>(c); }, modbus_tcp_settings::specs()},
        {"trend", "Trend log", [](ServiceContext& c) { return std::make_unique<TrendService>(c); }},
        // With the post channels' and AcuCloud's settings (web manual 7.6, 7.7), whose rules cross the
        // loggers' (a channel in use cannot be disabled); they move to the posting service when it comes.
        {"datalog", "Data log", [](ServiceContext& c) { return std::make_unique<DatalogService>(c); }, joined(datalog_settings::specs(), post_settings::specs()),
         joined(datalog_settings::rules(), post_settings::rules())},
        {"https", "Web interface", [](ServiceContext& c) { return std::make_unique<WebService>(c); }, web_settings::specs()},
    };
    return registry;
}

}  // namespace fw
