#pragma once
// The one wording for a refused setting in the simulator: what, the value, what is allowed
// ("harmonic order 64 is out of range: 2-63").
#include <stdexcept>
#include <string>
#include <string_view>

namespace sim {

std::string format_value(double value);  // shortest form that reads back the same: 64, 0.25, 1e-07

[[noreturn]] inline void throw_out_of_range(std::string_view what, double value, std::string_view allowed) {
    throw std::invalid_argument(std::string(what) + " " + format_value(value) + " is out of range: " + std::string(allowed));
}

}  // namespace sim
