#include "sim/sim_digital_io.hpp"

namespace hal::sim {

void SimDigitalIo::drive_input(std::size_t index, bool level, Time at) {
    auto& in = inputs_.at(index);
    if (in == level) return;
    in = level;
    if (handler_) handler_(index, level, at);
}

}  // namespace hal::sim
