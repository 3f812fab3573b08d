#pragma once
// The virtual AcuRev 2100 metering board. Bus face: Modbus RTU on its serial ports, the register
// map of reference/acurev2100-register-map.md. Control face (for the harness): power, digital
// inputs, fidelity, the board clock. The waveforms it measures belong to the world (the
// WaveformGenerator the rig owns).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acurev/board_map.hpp"
#include "hal/clock.hpp"
#include "meter/demand.hpp"
#include "meter/measurement.hpp"
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
    Fidelity fidelity() const;
    void set_digital_input(int index, bool level);  // index 0..17 = DI1..DI18
    bool relay(int index) const { return io_.relay(static_cast<std::size_t>(index)); }
    hal::DigitalIo& io() { return io_; }
    std::uint16_t setting(std::uint16_t address) const;
    hal::Duration clock_offset() const { return clock_offset_; }  // board clock − hal clock
    void set_clock_offset(hal::Duration d) { clock_offset_ = d; }
    const WindowMeasurement& last_window() const { return last_; }
    std::uint64_t windows_measured() const { return windows_; }
    const RtuSlave& rtu() const { return *rtu_; }
    const DemandCalculator& demand() const { return demand_; }

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
    void publish(const WindowMeasurement& w);
    void publish_clock();
    void publish_demand(const WindowMeasurement& w, const std::vector<double>& values);
    void apply_settings();
    void write_clock(const std::vector<std::uint16_t>& regs);
    std::vector<std::uint16_t>& block_image(const acurev::Block& b);
    hal::Time board_time() const;

    hal::Scheduler& scheduler_;
    WaveformGenerator& world_;
    BoardConfig config_;
    std::unique_ptr<MeasurementEngine> engine_;
    std::unique_ptr<Registers> regs_;
    std::unique_ptr<RtuSlave> rtu_;
    WiringLayout wiring_;
    WindowMeasurement last_{};
    std::uint64_t windows_ = 0;
    std::optional<hal::TimerId> window_timer_;
    bool powered_ = true;
    hal::Duration clock_offset_{0};
    hal::sim::SimDigitalIo io_;
    std::array<std::uint32_t, 18> pulse_counts_{};
    DemandCalculator demand_;
    std::array<std::uint16_t, 3> demand_settings_{};  // method, interval, sub-interval in force
    // Energy import accumulators, Wh: channels 0..17, phases 18..20, system 21, users 22..30.
    std::array<double, 31> energy_wh_{};
};

}  // namespace sim::meter
