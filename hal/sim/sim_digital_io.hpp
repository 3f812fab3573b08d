#pragma once
// The board's 18 digital inputs and 2 relay outputs in the simulator. Bus face: what the board's
// registers read and write. Control face: the harness drives input levels.
#include <array>

#include "hal/digital_io.hpp"

namespace hal::sim {

class SimDigitalIo final : public DigitalIo {
public:
    bool input(std::size_t index) const override { return inputs_.at(index); }
    bool relay(std::size_t index) const override { return relays_.at(index); }
    void set_relay(std::size_t index, bool on) override { relays_.at(index) = on; }
    void on_input_change(std::function<void(std::size_t, bool, Time)> handler) override { handler_ = std::move(handler); }

    // Control face.
    void drive_input(std::size_t index, bool level, Time at);

private:
    std::array<bool, input_count> inputs_{};
    std::array<bool, relay_count> relays_{};
    std::function<void(std::size_t, bool, Time)> handler_;
};

}  // namespace hal::sim
