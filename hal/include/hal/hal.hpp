#pragma once
// The aggregate the firmware is given: the only door between firmware and the world.
#include "hal/clock.hpp"
#include "hal/digital_io.hpp"
#include "hal/network.hpp"
#include "hal/serial.hpp"
#include "hal/storage.hpp"
#include "hal/system.hpp"

namespace hal {

struct Hal {
    Scheduler& scheduler;
    SerialPort& rs485;
    Network& network;
    Storage& storage;
    System& system;
};

}  // namespace hal
