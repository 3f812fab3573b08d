#pragma once
// The aggregate the firmware is given: the only door between firmware and the world.
#include <boost/asio/io_context.hpp>

#include "hal/boot_control.hpp"
#include "hal/clock.hpp"
#include "hal/device_clock.hpp"
#include "hal/digital_io.hpp"
#include "hal/network.hpp"
#include "hal/serial.hpp"
#include "hal/sftp_server.hpp"
#include "hal/storage.hpp"
#include "hal/system.hpp"
#include "hal/workers.hpp"

namespace hal {

struct Hal {
    boost::asio::io_context& io;  // the loop's executor: sockets and the posts of worker jobs
    Scheduler& scheduler;         // monotonic time and every timer
    DeviceClock& clock;           // the device's date and time
    SerialPort& rs485;
    Network& network;
    Storage& storage;
    System& system;
    WorkerPool& workers;
    SftpServer& sftp;             // SFTP download of the data logs (web manual 7.5)
    BootControl& boot;            // the A/B firmware slots and the boot record (updates)
};

}  // namespace hal
