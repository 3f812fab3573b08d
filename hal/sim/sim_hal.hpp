#pragma once
// The simulator's hal, in one place (ARCHITECTURE "The shape": one composition per backend, as
// ArduPilot's HALs are): the loop, the virtual clock's scheduler (the rig's, shared with the
// world), the device clock over it, the RS-485 port the module has on the virtual bus, virtual
// NICs at their listen addresses, the data directory with its fault knobs, the system and workers, SFTP download (an sshd child).
#include <map>
#include <memory>
#include <string>

#include "common/event_scheduler.hpp"
#include "common/thread_worker_pool.hpp"
#include "common/file_boot_control.hpp"
#include "hal/hal.hpp"
#include "sim/child_sshd.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_storage.hpp"
#include "sim/sim_system.hpp"

namespace hal::sim {

struct SimEndpoints {
    std::map<std::string, std::string> listen{{"eth1", "127.0.0.1"}};  // interface -> listen address
    std::string data_dir;
    Identity identity;
    std::uint16_t sftp_port = 0;
    bool allow_outside = false;  // services may contact hosts beyond loopback (acurev-sim --allow-outside)  // SFTP download's port (0: 10022 when free, else a free one)
};

class SimHal {
public:
    SimHal(boost::asio::io_context& io, EventScheduler& scheduler, SerialPort& rs485, const SimEndpoints& endpoints);
    Hal& hal() { return hal_; }
    SimNetwork& network() { return network_; }
    SimStorage& storage() { return storage_; }
    SimSystem& system() { return system_; }
    OffsetDeviceClock& device_clock() { return clock_; }
    ThreadWorkerPool& workers() { return workers_; }
    ChildSshd& sftp() { return sftp_; }

private:
    OffsetDeviceClock clock_;
    SimNetwork network_;
    SimStorage storage_;
    SimSystem system_;
    ThreadWorkerPool workers_;
    ChildSshd sftp_;
    FileBootControl boot_;
    Hal hal_;
};

}  // namespace hal::sim
