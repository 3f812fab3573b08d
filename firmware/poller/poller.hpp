#pragma once
// Polls the board's blocks into the data model and forwards Modbus TCP writes to it.
// Real-time blocks every `interval`; the slow blocks are queued when due and read a slice per cycle:
// energy, TOU totals, counters, alarm status and the clock every `frequent_every` cycles, settings,
// demand and logs every `slow_every`, power quality every `rare_every` (web manual 6.3: energy
// every 5 s, logs 10 s, harmonics 15 s); everything at start and whenever the board comes back.
// Read size adapts to the line: halved after corrupt replies (down to 8 registers), doubled again
// after a run of clean ones, so a noisy line still refreshes every block.
#include <cstdint>
#include <functional>
#include <vector>

#include "model/data_model.hpp"
#include "poller/rtu_master.hpp"

namespace fw {

struct PollerOptions {
    hal::Duration interval{1'000'000'000};
    int frequent_every = 5;
    int slow_every = 10;
    int rare_every = 15;
    int slow_registers_per_cycle = 448;  // slow blocks are read this much per cycle (about 0.5 s at 19200 baud)
    hal::Duration backoff_max{8'000'000'000};  // when the board stops answering, cycles space out up to this
};

class Poller {
public:
    Poller(hal::Scheduler& scheduler, RtuMaster& master, DataModel& model, std::function<std::uint8_t()> slave,
           PollerOptions options);
    ~Poller();

    void start();
    void stop();

    using WriteDone = std::function<void(const TransactionResult&)>;
    void write_registers(std::uint16_t address, std::vector<std::uint16_t> values, WriteDone done);
    void write_coil(std::uint16_t address, bool on, WriteDone done);
    // Told at the end of every poll cycle (the data hub publishes then).
    void on_cycle_end(std::function<void()> f) { cycle_end_ = std::move(f); }

    struct Stats {
        std::uint64_t cycles = 0, reads_ok = 0, reads_failed = 0;
        std::uint16_t chunk = 125;
        bool board_answering = false;
        hal::Duration current_interval{0};
    };
    const Stats& stats() const { return stats_; }

private:
    struct Read {
        modbus::Function function;
        std::uint16_t address;
        std::uint16_t count;
        int asked = 0;  // times this chunk was asked again in this cycle
    };
    void begin_cycle();
    void next_read();
    void on_read(const Read& r, const TransactionResult& result);
    void end_cycle();

    hal::Scheduler& scheduler_;
    RtuMaster& master_;
    DataModel& model_;
    std::function<std::uint8_t()> slave_;
    PollerOptions options_;
    bool running_ = false;
    bool need_info_ = true;
    std::vector<Read> plan_;
    std::vector<Read> slow_;  // slow blocks still to read, a slice per cycle
    void queue_due_blocks();
    std::vector<Read> soon_;  // read before anything else (the event log window after a window write)
    std::size_t next_ = 0;
    std::uint16_t chunk_ = 125;
    int clean_run_ = 0;
    int answered_in_cycle_ = 0;
    hal::Time cycle_start_{};
    hal::Duration interval_;
    std::optional<hal::TimerId> timer_;
    Stats stats_;
    std::function<void()> cycle_end_;
};

}  // namespace fw
