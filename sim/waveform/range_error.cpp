#include "waveform/range_error.hpp"

#include <charconv>

namespace sim {

std::string format_value(double value) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

}  // namespace sim
