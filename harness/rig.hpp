#pragma once
// A rig: virtual board, bus and firmware in one process under one virtual clock
// (ARCHITECTURE "The shape"). Fast mode: advance() runs every due timer in order as fast as the
// CPU allows, serving sockets between timers. Real-time mode paces the same clock to the wall.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "bus/virtual_bus.hpp"
#include "common/event_scheduler.hpp"
#include "common/file_storage.hpp"
#include "common/thread_worker_pool.hpp"
#include "core/firmware.hpp"
#include "meter/virtual_board.hpp"
#include "rig_config.hpp"
#include "sim/sim_hal.hpp"
#include "waveform/waveform.hpp"

namespace harness {

class Rig {
public:
    explicit Rig(RigConfig config, fw::FirmwareOptions firmware_options = {});
    ~Rig();
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    void start();  // starts the firmware's services (binds its ports)
    // Changes the load of one input channel, given as a config "channels" entry (channel, current,
    // pf, lead, angle, harmonics, ...), checked like a config file; the current follows the voltage
    // of its element as it is now.
    void set_load(const nlohmann::json& load);
    // The module reboots: its services stop, the firmware is built anew from the saved settings
    // in the data directory and started again. The board keeps running.
    void reboot_module();
    void advance(hal::Duration d);
    // Advances until `done()` holds, checked after every timer; false on timeout (simulated).
    bool run_until(const std::function<bool()>& done, hal::Duration timeout);
    hal::Time now() const { return scheduler_.now(); }
    // Serves sockets with virtual time paused until `done()` holds (a client on another thread
    // finished). Time runs only while the module waits on the board for a client's write.
    void serve_until(const std::function<bool()>& done);

    // Faces.
    sim::WaveformGenerator& world() { return *world_; }
    sim::meter::VirtualBoard& board() { return *board_; }
    sim::bus::VirtualBus& bus() { return *bus_; }
    fw::Firmware& firmware() { return *firmware_; }
    hal::EventScheduler& scheduler() { return scheduler_; }
    hal::sim::SimNetwork& network() { return sim_hal_->network(); }
    hal::sim::SimStorage& storage() { return sim_hal_->storage(); }
    hal::DeviceClock& device_clock() { return sim_hal_->device_clock(); }
    hal::ThreadWorkerPool& workers() { return sim_hal_->workers(); }
    boost::asio::io_context& io() { return io_; }
    const RigConfig& config() const { return config_; }
    std::uint16_t modbus_tcp_port() const { return firmware_->modbus_tcp().server().port(); }
    const std::filesystem::path& data_dir() const { return data_dir_; }

    // The board's non-volatile memory lives in the data directory (board-memory.bin): read at
    // construction when it is there (a restart is a power cycle: settings, counts, logs, run time,
    // the clock come back; the config's installation (wiring, CT, RS-485) is not applied again, its
    // "settings" and --set, asked for at this start, are), written after
    // every write the board acknowledges, by save_board_memory() and when the rig is destroyed.
    static constexpr const char* board_memory_file = "board-memory.bin";
    void save_board_memory();
    bool restarted() const { return restarted_; }

    // The control faces a scenario may change (waveforms and frequency with their noise streams,
    // bus faults, digital inputs, relays, board power and clock), to put back with restore().
    struct Snapshot {
        sim::WaveformGenerator world{0};
        sim::bus::FaultKnobs faults;
        std::array<bool, 18> inputs{};
        std::array<bool, 2> relays{};
        bool powered = true;
        hal::Duration clock_offset{0};
    };
    Snapshot snapshot();
    void restore(const Snapshot& s);

    // Every register the module holds and every board register, as text: two runs with the same
    // config and seed give byte-identical dumps.
    std::string dump();

private:
    bool restore_board_memory();
    void settle();
    void apply_start_settings(fw::Settings& settings, const nlohmann::json& changes);
    RigConfig config_;
    boost::asio::io_context io_;
    // Keeps the loop from stopping when, for a moment, nothing waits on it (every listener closed by
    // a link knob): a stopped io_context would serve nothing until restarted.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    hal::EventScheduler scheduler_;
    std::filesystem::path data_dir_;
    bool own_data_dir_ = false;
    std::unique_ptr<sim::WaveformGenerator> world_;
    std::unique_ptr<sim::bus::VirtualBus> bus_;
    std::unique_ptr<sim::meter::VirtualBoard> board_;
    // The board's own memory is not the module's disk: the disk knobs do not reach it.
    std::unique_ptr<hal::FileStorage> board_memory_;
    std::unique_ptr<hal::sim::SimHal> sim_hal_;
    std::unique_ptr<fw::Firmware> firmware_;
    fw::FirmwareOptions firmware_options_;
    bool started_ = false;
    bool restarted_ = false;
    std::uint64_t exchange_seen_ = 0;                      // the scheduler's exchanges begun, when last seen
    std::chrono::steady_clock::time_point exchange_since_;  // when that one began (wall: the rig's pace)
};

}  // namespace harness
