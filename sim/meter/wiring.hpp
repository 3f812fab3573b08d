#pragma once
// How register 0x0888 groups the 18 input channels into user channels and which voltage each
// current element uses (register map 1.8). Designed where the sheet is silent; docs/register-map.md
// states the rule.
#include <array>
#include <cstdint>
#include <string>

#include "meter/measurement.hpp"

namespace sim::meter {

constexpr int user_channels = 9;

struct WiringLayout {
    const char* name = "";
    int channels_per_user = 1;
    int users = 0;                             // user channels in use (s1..s<users>)
    std::array<ElementVoltage, current_inputs> element{};
    std::array<int, current_inputs> phase{};   // phase block (0..2 = A..C) each channel adds to
    std::array<int, current_inputs> user{};    // user channel 0..8, -1 when the channel has none
};

// mode: 0 1LN, 1 3LN, 2 2LN, 3 high-leg delta (3 element 4 wire), 4 2LL (2 element delta), 5 2LN/Network.
WiringLayout wiring_layout(std::uint16_t mode);

}  // namespace sim::meter
