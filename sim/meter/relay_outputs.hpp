#pragma once
// The board's 2 relay outputs (web manual 6.3.5; register map 2). Each is under manual control
// (FC05 switches it) or an alarm output (it follows the alarm channels linked to it, and FC05 is
// refused with exception 03). Latch: the relay stays as switched. Momentary: ON closes it for the
// pulse width (0x0A80 + 3·(n−1) + 2, 50-3000 ms), then it opens by itself. Relays open when the
// board loses power and stay open at power-up until switched again.
#include <array>
#include <functional>
#include <optional>

#include "hal/clock.hpp"
#include "modbus/pdu.hpp"
#include "sim/sim_digital_io.hpp"

namespace sim::meter {

struct RoConfig {
    bool alarm_output = false;
    bool momentary = false;
    hal::Duration pulse_width{500'000'000};
};

class RelayOutputs {
public:
    static constexpr int count = 2;
    // `on_change(index, on, at)`: the relay's state changed (for the event log).
    RelayOutputs(hal::Scheduler& scheduler, hal::sim::SimDigitalIo& io, std::function<void(int, bool, hal::Time)> on_change);
    ~RelayOutputs();
    RelayOutputs(const RelayOutputs&) = delete;
    RelayOutputs& operator=(const RelayOutputs&) = delete;

    void configure(const std::array<RoConfig, count>& config);
    // FC05 (manual control); exception 03 when the relay is an alarm output.
    std::optional<modbus::Exception> command(int index, bool on);
    // The alarm channels linked to relay `index` want it on (any active) or off.
    void alarm_state(int index, bool active);
    void power_off();

private:
    void set(int index, bool on);

    hal::Scheduler& scheduler_;
    hal::sim::SimDigitalIo& io_;
    std::function<void(int, bool, hal::Time)> on_change_;
    std::array<RoConfig, count> config_{};
    std::array<bool, count> alarm_active_{};
    std::array<std::optional<hal::TimerId>, count> pulse_{};
};

}  // namespace sim::meter
