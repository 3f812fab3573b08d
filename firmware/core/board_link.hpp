#pragma once
// The module's RS-485 link to the metering board: the RTU master, the poller that keeps the data
// model current, and the writes services forward to the board. After a write of the board's
// RS-485 settings the module follows them, so it keeps talking to the board.
#include <cstdint>
#include <memory>
#include <vector>

#include "hal/hal.hpp"
#include "model/data_model.hpp"
#include "poller/poller.hpp"
#include "poller/rtu_master.hpp"
#include "settings/settings.hpp"

namespace fw {

class BoardLink {
public:
    BoardLink(hal::Hal& hal, DataModel& model, Settings& settings, PollerOptions poller, RtuMasterOptions rtu);
    ~BoardLink();

    void start();
    void stop();
    using Done = Poller::WriteDone;
    void write_registers(std::uint16_t address, std::vector<std::uint16_t> values, Done done);
    void write_coil(std::uint16_t address, bool on, Done done);
    std::uint8_t address() const;
    // Writes waiting on the board. The rig lets virtual time run while this is not zero so an
    // in-process client gets its answer.
    int pending() const { return pending_; }
    const Poller& poller() const { return *poller_; }
    void on_cycle_end(std::function<void()> f) { poller_->on_cycle_end(std::move(f)); }
    const RtuMaster& master() const { return *master_; }

private:
    hal::SerialConfig line() const;
    void follow_board_settings(std::uint16_t address, const std::vector<std::uint16_t>& values);

    hal::Hal& hal_;
    Settings& settings_;
    std::unique_ptr<RtuMaster> master_;
    std::unique_ptr<Poller> poller_;
    int pending_ = 0;
};

}  // namespace fw
