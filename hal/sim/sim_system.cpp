#include "sim/sim_system.hpp"

namespace hal::sim {

void SimSystem::request_reboot(const std::string& reason) {
    ++reboot_requests_;
    if (handler_) handler_(reason);
}

}  // namespace hal::sim
