#pragma once
// The Linux hal, in one place (a real unit, or a laptop against acurev-meter --pty): the wall
// clock and a scheduler paced to it, the RS-485 tty from its endpoint string
// ("rs485:/dev/ttyS1?baud=19200&parity=none"), the network, the data directory, the system.
#include <memory>
#include <string>

#include "common/event_scheduler.hpp"
#include "common/file_boot_control.hpp"
#include "common/file_storage.hpp"
#include "common/thread_worker_pool.hpp"
#include "hal/hal.hpp"
#include "linux/linux_platform.hpp"
#include "linux/realtime_pacer.hpp"
#include "linux/serial_endpoint.hpp"
#include "linux/system_sshd.hpp"
#include "linux/tty_serial_port.hpp"

namespace hal::linux_backend {

struct LinuxEndpoints {
    std::string serial = "rs485:/dev/ttyS1?baud=19200&parity=none";
    std::string bind = "0.0.0.0";
    std::string data_dir = "/var/lib/acurev";
    Identity identity;
    std::string sshd_config_dir;  // the system sshd's drop-in folder, for SFTP download (empty: none here)
};

class LinuxHal {
public:
    LinuxHal(boost::asio::io_context& io, const LinuxEndpoints& endpoints);  // throws naming a bad endpoint
    Hal& hal() { return *hal_; }
    EventScheduler& scheduler() { return scheduler_; }
    TtySerialPort& rs485() { return *port_; }
    const SerialEndpoint& serial_endpoint() const { return endpoint_; }
    LinuxSystem& system() { return system_; }

private:
    WallClock wall_;
    EventScheduler scheduler_;
    SerialEndpoint endpoint_;
    OffsetDeviceClock clock_;  // the unit's RTC: the system clock, set by NTP or the clock page
    std::unique_ptr<TtySerialPort> port_;
    LinuxNetwork network_;
    FileStorage storage_;
    LinuxSystem system_;
    ThreadWorkerPool workers_;
    SystemSshd sftp_;
    FileBootControl boot_{storage_};  // the data dir's slots until the U-Boot environment is wired (docs/update.md)
    std::unique_ptr<Hal> hal_;
};

}  // namespace hal::linux_backend
