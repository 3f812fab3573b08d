#pragma once
// The rig's configuration (acurev-sim --config FILE, scenario "rig" sections, pytest Rig(config)):
// per-channel loads, wiring, CT type, seed. Parsed strictly: an unknown or bad field is refused
// with its path and the allowed values.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hal/clock.hpp"
#include "hal/time.hpp"
#include "meter/measurement.hpp"
#include "meter/virtual_board.hpp"
#include "waveform/waveform.hpp"

namespace harness {

struct ChannelLoad {
    bool connected = false;
    std::uint16_t ct_primary = 100;  // A
    sim::ChannelWave wave;           // current: RMS in A, angle absolute (degrees)
};

struct RigConfig {
    std::uint64_t seed = 1;
    sim::meter::Fidelity fidelity = sim::meter::Fidelity::sample;
    hal::Time start_time = hal::Time(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
    double frequency = 50.0;
    std::uint16_t ct_type = 333;
    std::uint16_t wiring = 1;
    std::uint16_t rated_voltage = 220;
    std::array<sim::ChannelWave, 3> voltages;
    std::array<ChannelLoad, 18> channels;
    std::uint8_t rs485_address = 1;
    std::uint32_t rs485_baud = 19200;
    std::uint16_t rs485_parity = 3;  // register 0x0A02 encoding
    std::string bind_address = "127.0.0.1";  // where eth1's services listen
    std::string eth2_address;                // where eth2's listen (empty: eth2 serves nothing)
    bool allow_outside = false;              // services may contact hosts beyond loopback (acurev-sim --allow-outside)
    std::optional<std::uint16_t> modbus_port;  // the device setting (502 or 2000-5999)
    std::string data_dir;                      // empty: the rig makes a temporary one
    // The module's factory keys for firmware packages (docs/update.md): the signing public key (PEM
    // file) and the family key file; empty: updates are refused ("no update key installed").
    std::string update_key_file, family_key_file;
    // The wall clock, for how long the meter was off between two runs on one data directory
    // (the board clock runs on meanwhile). None: runs free, no time passes while off.
    const hal::Clock* wall_clock = nullptr;
    // Module and board settings set at start ({"meter.ct_ratio_1": 200}): validated like any
    // write; board settings are written to the board, which keeps them.
    nlohmann::json settings = nlohmann::json::object();
};

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws ConfigError("config field 'channels[2].pf' = 1.5 is out of range: 0-1").
RigConfig parse_config(const nlohmann::json& doc);
RigConfig load_config_file(const std::string& path);
// `--set KEY=VALUE` as a settings change: {"KEY": value} with true/false and numbers typed.
nlohmann::json setting_from_text(const std::string& assignment);
// The config's name of a wiring code of register 0x0888 ("3LN" for 1).
const char* wiring_name(std::uint16_t code);

// The board registers a config sets (CT type, wiring, rated voltage, RS-485, CT primaries).
std::vector<std::pair<std::uint16_t, std::uint16_t>> board_settings_of(const RigConfig& config);
// The world and the board a config describes, built in one place for the rig and acurev-meter.
void configure_world(sim::WaveformGenerator& world, const RigConfig& config);
sim::meter::BoardConfig board_config_of(const RigConfig& config);
// The built-in load acurev-sim runs without --config: 220 V 50 Hz 3LN, every channel loaded.
RigConfig default_config();

}  // namespace harness
