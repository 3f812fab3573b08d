#include "sim/sim_hal.hpp"

#include <sstream>
#include <stdexcept>

namespace hal::sim {

std::map<std::string, std::string> parse_listen(const std::string& text) {
    std::map<std::string, std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
            throw std::invalid_argument("listen endpoint '" + item + "' must be INTERFACE=ADDRESS, e.g. eth2=127.0.0.2");
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

SimHal::SimHal(boost::asio::io_context& io, EventScheduler& scheduler, SerialPort& rs485, const SimEndpoints& endpoints)
    : clock_(scheduler),
      network_(endpoints.listen),
      storage_(endpoints.data_dir),
      system_(endpoints.identity),
      workers_(io, 2),
      hal_{io, scheduler, clock_, rs485, network_, storage_, system_, workers_} {}

}  // namespace hal::sim
