#pragma once
#include <cstddef>
#include <functional>

#include "hal/time.hpp"

namespace hal {

// Board I/O seen by the module: 18 digital inputs and 2 relay outputs (web manual 6.3.5).
class DigitalIo {
public:
    static constexpr std::size_t input_count = 18;
    static constexpr std::size_t relay_count = 2;

    virtual ~DigitalIo() = default;
    virtual bool input(std::size_t index) const = 0;  // index 0..17 = DI1..DI18
    virtual bool relay(std::size_t index) const = 0;  // index 0..1 = RO1, RO2
    virtual void set_relay(std::size_t index, bool on) = 0;
    virtual void on_input_change(std::function<void(std::size_t index, bool level, Time at)> handler) = 0;
};

}  // namespace hal
