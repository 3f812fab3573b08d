#pragma once
// The virtual AcuRev 2100 metering board. Bus face: Modbus RTU on its serial ports, the register
// map of reference/acurev2100-register-map.md. Control face (for the harness): power, digital
// inputs, fidelity, the board clock. The waveforms it measures belong to the world (the
// WaveformGenerator the rig owns).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "acurev/board_map.hpp"
#include "hal/clock.hpp"
#include "meter/alarms.hpp"
#include "meter/demand.hpp"
#include "meter/digital_inputs.hpp"
#include "meter/energy.hpp"
#include "meter/event_log.hpp"
#include "meter/power_quality.hpp"
#include "meter/tou.hpp"
#include "meter/measurement.hpp"
#include "meter/relay_outputs.hpp"
#include "meter/rtu_slave.hpp"
#include "meter/wiring.hpp"
#include "sim/sim_digital_io.hpp"
#include "modbus/pdu.hpp"

namespace sim {
class WaveformGenerator;
}

namespace sim::meter {

class MeasurementEngine;

struct BoardIdentity {
    std::string model = "AcuRev 2100";
    std::string serial = "EHM26110001";
    std::uint16_t hardware_version = 100;  // x100
    std::uint16_t firmware_version = 102;  // x100
    std::uint16_t release_year = 2026, release_month = 11, release_day = 24;
};

struct BoardConfig {
    BoardIdentity identity;
    double nominal_frequency = 50.0;
    int samples_per_cycle = 128;
    Fidelity fidelity = Fidelity::sample;
    hal::Duration turnaround{2'000'000};  // request end to reply start
    // Steady analytic windows up to the next second are measured once as a run (the same
    // registers, faster); false measures and publishes every window on its own.
    bool steady_runs = true;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> settings;  // register, value: applied over the defaults
};

class VirtualBoard final : public modbus::RegisterSpace {
public:
    VirtualBoard(hal::Scheduler& scheduler, WaveformGenerator& world, BoardConfig config);
    ~VirtualBoard() override;
    VirtualBoard(const VirtualBoard&) = delete;
    VirtualBoard& operator=(const VirtualBoard&) = delete;

    // Bus face.
    void attach(hal::SerialPort& port, bool loose_timing = false);
    hal::SerialConfig serial_config() const;
    std::uint8_t address() const;

    // Control face.
    void power_off();
    void power_on();
    bool powered() const { return powered_; }
    void set_fidelity(Fidelity f);
    // The world changed behind the board's back (a restored snapshot): windows measured ahead end now.
    void world_changed() { interrupt(); }
    Fidelity fidelity() const;
    // The level at DI terminal `index` (0..17 = DI1..DI18); the board takes it after the debounce time.
    void set_digital_input(int index, bool level);
    bool relay(int index) const { return io_.relay(static_cast<std::size_t>(index)); }
    hal::DigitalIo& io() { return io_; }
    std::uint16_t setting(std::uint16_t address) const;
    hal::Duration clock_offset() const { return clock_offset_; }  // board clock − hal clock
    void set_clock_offset(hal::Duration d) {
        interrupt();
        clock_offset_ = d;
    }
    const WindowMeasurement& last_window() const { return *last_; }
    std::uint64_t windows_measured() const { return windows_; }
    const RtuSlave& rtu() const { return *rtu_; }
    const DemandCalculator& demand() const { return demand_; }
    const EnergyMeters& energy() const { return energy_; }
    const DigitalInputs& digital_inputs() const { return di_; }
    const TouCalendar& tou_calendar() const { return tou_calendar_; }
    const TouEnergy& tou_energy() const { return tou_energy_; }
    const AlarmChannels& alarms() const { return alarms_; }
    const EventLog& events() const { return events_; }
    const PowerQuality& power_quality() const { return pq_; }
    hal::Time board_time() const;  // the board clock (local wall time)

    // Non-volatile memory (board_memory.cpp): settings, energy, TOU, demand peaks, DI counters,
    // alarm and event logs, run time and the clock, as bytes to keep across a restart.
    std::string save_memory() const;
    // The board as after a power cut of `off_for` with this memory: the clock ran on as a
    // battery-backed RTC would, the event log records the power down (at the saved instant) and
    // up (now). A short, damaged or foreign memory throws NvmError and changes nothing.
    void restore_memory(std::string_view bytes, hal::Duration off_for);
    // Told after every write the board acknowledges (settings, commands, clock), before the
    // reply leaves: a kill right after the acknowledgement must not lose it.
    void on_memory_written(std::function<void()> f) { memory_written_ = std::move(f); }
    hal::Duration run_time() const;  // powered time since the last run time reset

    // modbus::RegisterSpace (the register map).
    std::optional<modbus::Exception> read_bits(modbus::Function f, std::uint16_t address, std::uint16_t count,
                                               std::vector<bool>& out) override;
    std::optional<modbus::Exception> read_registers(modbus::Function f, std::uint16_t address, std::uint16_t count,
                                                    std::vector<std::uint16_t>& out) override;
    std::optional<modbus::Exception> write_bits(std::uint16_t address, const std::vector<bool>& values) override;
    std::optional<modbus::Exception> write_registers(std::uint16_t address, const std::vector<std::uint16_t>& values) override;

private:
    struct Registers;  // the register image, block by block
    void schedule_window(hal::Time start);
    void on_window();
    // Publishes the windows from `from` to w.end, measured alike; `steady_run`: several windows
    // measured as the one before them.
    void publish(const WindowMeasurement& w, hal::Time from, bool steady_run);
    void derive(const WindowMeasurement& w);
    void finish_windows(std::size_t n);
    void interrupt();
    void publish_clock();
    void apply_settings();
    std::optional<modbus::Exception> write_clock(std::uint16_t address, const std::vector<std::uint16_t>& values);
    void run_command(std::uint16_t address, std::uint16_t value);
    std::vector<std::uint16_t>& block_image(const acurev::Block& b);
    void note(EventType type, std::uint16_t detail = 0, std::uint16_t value = 0);  // an event log record, now
    std::optional<modbus::Exception> write_registers_now(std::uint16_t address, const std::vector<std::uint16_t>& values);
    std::function<void()> memory_written_;
    void evaluate_alarms(hal::Time window_end);
    void publish_counts();  // demand, energy, TOU, DI, alarm log and clock registers
    void render_demand();

    hal::Scheduler& scheduler_;
    WaveformGenerator& world_;
    BoardConfig config_;
    std::unique_ptr<MeasurementEngine> engine_;
    std::unique_ptr<Registers> regs_;
    std::unique_ptr<RtuSlave> rtu_;
    WiringLayout wiring_;
    std::shared_ptr<const WindowMeasurement> last_ = std::make_shared<WindowMeasurement>();
    std::uint64_t windows_ = 0;
    std::optional<hal::TimerId> window_timer_;
    struct Pending {
        std::shared_ptr<WindowMeasurement> w;                  // what every pending window measured
        std::vector<std::pair<hal::Time, hal::Time>> windows;  // their [start, end), in order
        bool steady = false;  // a run of windows like the last one published
    };
    Pending pending_;
    bool powered_ = true;
    hal::Duration clock_offset_{0};
    hal::sim::SimDigitalIo io_;
    DigitalInputs di_;
    RelayOutputs relays_;
    DemandCalculator demand_;
    std::array<std::uint16_t, 3> demand_settings_{};  // method, interval, sub-interval in force
    EnergyMeters energy_;
    std::vector<std::uint16_t> tou_settings_in_force_;
    TouCalendar tou_calendar_;
    TouEnergy tou_energy_;
    AlarmChannels alarms_;
    EventLog events_;
    PresenceThresholds presence_;
    PowerQuality pq_{};
    std::int64_t published_second_ = -1;
    bool counts_due_ = false;
    hal::Duration run_time_before_{0};  // powered time before the present power-up (non-volatile)
    hal::Time powered_since_{};  // a second has passed since the count registers were rendered
    // What the last derived window gives (publish() reuses it while windows stay alike).
    std::uint64_t settings_version_ = 0, derived_settings_ = ~0ULL, derived_content_ = ~0ULL;
    std::vector<double> demand_values_;
    EnergyRates energy_rates_;
    bool pq_published_ = false;
    std::vector<std::int64_t> packed_peak_times_;  // the peak time each demand record's packed registers hold
};

}  // namespace sim::meter
