#include "meter/wiring.hpp"

#include <stdexcept>

namespace sim::meter {

WiringLayout wiring_layout(std::uint16_t mode) {
    WiringLayout w;
    switch (mode) {
        case 0: w.name = "1LN"; w.channels_per_user = 1; break;
        case 1: w.name = "3LN"; w.channels_per_user = 3; break;
        case 2: w.name = "2LN"; w.channels_per_user = 2; break;
        case 3: w.name = "3-element 4-wire high-leg delta"; w.channels_per_user = 3; break;
        case 4: w.name = "2LL"; w.channels_per_user = 2; break;
        case 5: w.name = "2LN/Network"; w.channels_per_user = 2; break;
        default: throw std::invalid_argument("wiring " + std::to_string(mode) + " is out of range: 0-5");
    }
    // 9 user blocks at most (0x21D8); 1LN gives channels 1..9 a user each.
    w.users = std::min(user_channels, current_inputs / w.channels_per_user);
    for (int ch = 0; ch < current_inputs; ++ch) {
        const int slot = ch % w.channels_per_user;
        const int u = ch / w.channels_per_user;
        w.user[ch] = u < w.users ? u : -1;
        switch (mode) {
            case 2:  // split phase: the two legs of every user on Va and Vb
                w.phase[ch] = slot;
                w.element[ch] = {slot, -1};
                break;
            case 4:  // two-wattmeter: Ia with Vab, Ic with Vcb
                w.phase[ch] = slot == 0 ? 0 : 2;
                w.element[ch] = slot == 0 ? ElementVoltage{0, 1} : ElementVoltage{2, 1};
                break;
            default:  // 1LN, 3LN, high-leg, network: channels rotate A, B, C, A, ...
                w.phase[ch] = ch % 3;
                w.element[ch] = {ch % 3, -1};
                break;
        }
    }
    return w;
}

}  // namespace sim::meter
