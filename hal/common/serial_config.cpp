#include <string>

#include "hal/serial.hpp"

namespace hal {

std::string SerialConfig::describe() const {
    const char p = parity == Parity::none ? 'N' : parity == Parity::even ? 'E' : 'O';
    return std::to_string(baud) + " " + std::to_string(data_bits) + p + std::to_string(stop_bits);
}

}  // namespace hal
