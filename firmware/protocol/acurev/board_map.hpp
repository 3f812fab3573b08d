#pragma once
// The metering board's Modbus map as a contract between the board and the module
// (reference/acurev2100-register-map.md). The virtual board answers it; the firmware polls it and
// serves the same map over Modbus TCP. Released addresses never move (docs/register-map.md).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hal/serial.hpp"

namespace acurev {

enum class Access { read_only, read_write };
enum class Origin { published, designed };

struct Block {
    const char* name;
    std::uint16_t start;
    std::uint16_t count;
    Access access;
    Origin origin;
    std::uint16_t end() const { return static_cast<std::uint16_t>(start + count); }  // one past the last
    bool contains(std::uint16_t address, std::uint16_t n) const {
        return address >= start && static_cast<unsigned>(address) + n <= end();
    }
};

namespace blocks {
// Designed (register map §2).
inline constexpr Block device_info{"device information", 0x0100, 30, Access::read_only, Origin::designed};
inline constexpr Block clock{"clock", 0x0180, 7, Access::read_write, Origin::designed};
inline constexpr Block rs485{"RS-485 settings", 0x0A00, 3, Access::read_write, Origin::designed};
inline constexpr Block tou_energy{"TOU energy, phases and system", 0x4000, 80, Access::read_only, Origin::designed};
inline constexpr Block di_counters{"DI pulse counters", 0x6400, 36, Access::read_only, Origin::designed};
// Published (vendor address sheet v1.02).
inline constexpr Block meter_settings{"meter settings", 0x0800, 0x089B - 0x0800, Access::read_write, Origin::published};
inline constexpr Block system_realtime{"system real-time", 0x2000, 66, Access::read_only, Origin::published};
inline constexpr Block channel_realtime{"input channel real-time", 0x2100, 216, Access::read_only, Origin::published};
inline constexpr Block user_realtime{"user channel real-time", 0x21D8, 90, Access::read_only, Origin::published};
inline constexpr Block energy_kwh{"active energy import", 0x2500, 0x253E - 0x2500, Access::read_only, Origin::published};
inline constexpr Block demand{"demand", 0x2D00, 0x3102 - 0x2D00, Access::read_only, Origin::published};
// Designed: command registers of the Management page (write 1 to act; reads 0).
inline constexpr Block commands{"commands", 0x0B00, 1, Access::read_write, Origin::designed};
}  // namespace blocks

// Every register block of the map, in address order.
std::span<const Block> register_blocks();
const Block* find_block(std::uint16_t address, std::uint16_t count);

constexpr std::uint16_t coil_count = 2;             // FC01/FC05: RO1, RO2
constexpr std::uint16_t discrete_input_count = 18;  // FC02: DI1..DI18

// Register offsets inside the real-time blocks (register map §1.1–1.3).
namespace rt {
constexpr std::uint16_t frequency = 0x2000, v_ln = 0x2002, v_ln_avg = 0x2008, v_ll = 0x200A, v_ll_avg = 0x2010,
                        i_phase = 0x2012, i_avg = 0x2018, p_sys = 0x201A, q_sys = 0x201C, s_sys = 0x201E,
                        pf_sys = 0x2020, load_sys = 0x2022, p_phase = 0x2024, q_phase = 0x202A, s_phase = 0x2030,
                        pf_phase = 0x2036, load_phase = 0x203C;
constexpr std::uint16_t channel_base = 0x2100, channel_stride = 12;
constexpr std::uint16_t user_base = 0x21D8, user_stride = 10;
}  // namespace rt

// Load nature as the float32 load-nature registers hold it (designed).
enum class LoadNature { resistive = 0, inductive = 1, capacitive = 2 };

// A board setting register: range and default from the register map and the web manual.
struct SettingDef {
    std::uint16_t address;
    const char* key;
    const char* label;  // the web page's words, used in error messages
    std::uint16_t default_value;
    std::uint16_t min;
    std::uint16_t max;
    std::vector<std::uint16_t> allowed;  // when not empty, the only values accepted
    const char* unit;
    const char* source;
    std::string range_text() const;
    bool accepts(std::uint16_t v) const;
};

std::span<const SettingDef> board_settings();
const SettingDef* find_setting(std::uint16_t address);

namespace settings {
constexpr std::uint16_t demand_method = 0x080A, demand_interval = 0x080B, demand_subinterval = 0x080C,
                        ct_type = 0x080D, var_method = 0x0835, pf_convention = 0x0836, rated_voltage = 0x0887,
                        wiring = 0x0888, ct_primary_first = 0x0889, rs485_address = 0x0A00, rs485_baud = 0x0A01,
                        rs485_parity = 0x0A02;
constexpr std::uint16_t demand_reset = 0x0B00;  // write 1: clear every demand peak
}

// RS-485 line settings from registers 0x0A01 (baud) and 0x0A02 (0 even, 1 odd, 2 none + 2 stop,
// 3 none + 1 stop), and the 0x0A02 code of a line setting.
hal::SerialConfig rs485_line(std::uint16_t baud, std::uint16_t parity_code);
std::uint16_t rs485_parity_code(const hal::SerialConfig& line);

// Commands (0x0B00): each register takes 1 ("do it"); anything else is refused.
std::optional<std::string> check_command_write(std::uint16_t address, std::span<const std::uint16_t> values);

// Checks a write of `values` at `address` against the map, given the image of the settings as they
// are now (for cross-field rules). Returns an error naming the field, the value and the range.
std::optional<std::string> check_settings_write(std::uint16_t address, std::span<const std::uint16_t> values,
                                                const std::vector<std::uint16_t>& meter_settings_image);

}  // namespace acurev
