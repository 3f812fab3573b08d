#pragma once
// The board's 18 digital inputs (web manual 6.3.5): each a status input or a pulse counter.
// A level at the terminal must hold for the debounce time (0x0A7A) before the board takes it;
// a pulse counter counts debounced rising edges, one count per `pulse constant` pulses, and its
// value is counts × value per count (0x0A20 + 5·(n−1)). Counters are non-volatile: they survive
// a power cycle; levels and pending debounces do not.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "hal/clock.hpp"
#include "sim/sim_digital_io.hpp"

#include "meter/nvm.hpp"

namespace sim::meter {

struct DiConfig {
    bool pulse_counter = false;
    std::uint16_t pulse_constant = 1;  // pulses per count
    std::uint16_t unit = 0;            // acurev::di::unit_name
    float value_per_count = 1.0F;
};

class DigitalInputs {
public:
    static constexpr int count = 18;
    // `on_status_change(index, level, at)`: a status-mode input changed (for the event log).
    DigitalInputs(hal::Scheduler& scheduler, hal::sim::SimDigitalIo& io,
                  std::function<void(int index, bool level, hal::Time at)> on_status_change);
    ~DigitalInputs();
    DigitalInputs(const DigitalInputs&) = delete;
    DigitalInputs& operator=(const DigitalInputs&) = delete;

    void configure(const std::array<DiConfig, count>& config, hal::Duration debounce);
    // Control face: the level at terminal `index` (0..17) from now on.
    void drive(int index, bool level);
    void reset_counter(int index);  // 0..17, or -1 for all
    void power_off();               // pending debounces are lost; levels read low until driven again
    void power_on();

    std::uint32_t counter(int index) const { return persistent_.counters.at(static_cast<std::size_t>(index)); }
    double value(int index) const;
    // 0x6400 (uint32 counters) and 0x6440 (float32 values) images.
    void render(std::vector<std::uint16_t>& counters, std::vector<std::uint16_t>& values) const;

    struct Persistent {  // what a power cycle keeps
        std::array<std::uint32_t, count> counters{};
        std::array<std::uint16_t, count> pulses{};  // pulses toward the next count
    };
    void save(NvmWriter& w) const;
    static Persistent load(NvmReader& r);
    void restore(const Persistent& p) { persistent_ = p; }

private:
    void settle(int index);

    hal::Scheduler& scheduler_;
    hal::sim::SimDigitalIo& io_;
    std::function<void(int, bool, hal::Time)> on_status_change_;
    std::array<DiConfig, count> config_{};
    hal::Duration debounce_{20'000'000};
    std::array<bool, count> terminal_{};  // raw level at the terminal
    std::array<std::optional<hal::TimerId>, count> pending_{};
    Persistent persistent_;
    bool powered_ = true;
};

}  // namespace sim::meter
