#pragma once
// The metering board's Modbus map as a contract between the board and the module
// (reference/acurev2100-register-map.md). The virtual board answers it; the firmware polls it and
// serves the same map over Modbus TCP. Released addresses never move (docs/register-map.md).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hal/serial.hpp"

namespace acurev {

enum class Access { read_only, read_write };
enum class Origin { published, designed };
// How the module's poller reads a block: every cycle (real-time); a slice per cycle, every few
// cycles (frequent: energy, counters, clock, alarm status), every tenth (slow: settings, demand,
// logs) or every fifteenth (rare: power quality) — web manual 6.3 refreshes energy every 5 s, logs
// every 10 s, harmonics every 15 s; at start and whenever the board comes back (once); or never
// (commands act and read 0).
enum class Poll { fast, frequent, slow, rare, once, never };

struct Block {
    const char* name;
    std::uint16_t start;
    std::uint16_t count;
    Access access;
    Origin origin;
    Poll poll = Poll::slow;
    std::uint16_t end() const { return static_cast<std::uint16_t>(start + count); }  // one past the last
    bool contains(std::uint16_t address, std::uint16_t n) const {
        return address >= start && static_cast<unsigned>(address) + n <= end();
    }
};

namespace blocks {
// Designed (register map §2; docs/register-map.md states each layout).
inline constexpr Block device_info{"device information", 0x0100, 30, Access::read_only, Origin::designed, Poll::once};
inline constexpr Block clock{"clock", 0x0180, 7, Access::read_write, Origin::designed, Poll::frequent};
inline constexpr Block rs485{"RS-485 settings", 0x0A00, 3, Access::read_write, Origin::designed};
inline constexpr Block metering_settings{"metering settings", 0x0A10, 1, Access::read_write, Origin::designed};
inline constexpr Block di_settings{"DI settings", 0x0A20, 91, Access::read_write, Origin::designed};
inline constexpr Block ro_settings{"RO settings", 0x0A80, 6, Access::read_write, Origin::designed};
inline constexpr Block run_time{"device run time", 0x0120, 2, Access::read_only, Origin::designed};
inline constexpr Block commands{"commands", 0x0B00, 6, Access::read_write, Origin::designed, Poll::never};
inline constexpr Block event_window{"event log window", 0x0B08, 3, Access::read_write, Origin::designed};
inline constexpr Block alarm_settings{"alarm settings", 0x0B10, 160, Access::read_write, Origin::designed};
// 14 seasons, 8 schedules of 14 segments and 30 holidays need 481 registers: more than is left in
// 0x0A00-0x0BFF, so the calendar has a block of its own (a documented departure).
inline constexpr Block tou_settings{"TOU settings", 0x0C00, 512, Access::read_write, Origin::designed};
inline constexpr Block tou_energy{"TOU energy, phases and system", 0x4000, 80, Access::read_only, Origin::designed, Poll::frequent};
inline constexpr Block tou_channel_month{"TOU energy, input channels, current month", 0x4100, 180, Access::read_only, Origin::designed};
inline constexpr Block tou_channel_prior{"TOU energy, input channels, prior month", 0x4200, 180, Access::read_only, Origin::designed};
inline constexpr Block tou_user_month{"TOU energy, user channels, current month", 0x4300, 90, Access::read_only, Origin::designed};
inline constexpr Block tou_user_prior{"TOU energy, user channels, prior month", 0x4380, 90, Access::read_only, Origin::designed};
inline constexpr Block tou_status{"TOU status", 0x4400, 8, Access::read_only, Origin::designed, Poll::frequent};
inline constexpr Block alarm_log{"alarm status and log", 0x4500, 176, Access::read_only, Origin::designed, Poll::frequent};
inline constexpr Block event_log{"event log window contents", 0x4600, 99, Access::read_only, Origin::designed};
inline constexpr Block di_counters{"DI pulse counters", 0x6400, 36, Access::read_only, Origin::designed, Poll::frequent};
inline constexpr Block di_values{"DI values", 0x6440, 36, Access::read_only, Origin::designed, Poll::frequent};
// Published (vendor address sheet v1.02).
inline constexpr Block meter_settings{"meter settings", 0x0800, 0x089B - 0x0800, Access::read_write, Origin::published};
inline constexpr Block system_realtime{"system real-time", 0x2000, 66, Access::read_only, Origin::published, Poll::fast};
inline constexpr Block channel_realtime{"input channel real-time", 0x2100, 216, Access::read_only, Origin::published, Poll::fast};
inline constexpr Block user_realtime{"user channel real-time", 0x21D8, 90, Access::read_only, Origin::published, Poll::fast};
inline constexpr Block energy_kwh{"active energy import", 0x2500, 0x253E - 0x2500, Access::read_only, Origin::published, Poll::frequent};
inline constexpr Block energy_kvarh_kvah{"reactive and apparent energy import", 0x2B00, 0x2B7C - 0x2B00, Access::read_only, Origin::published, Poll::frequent};
inline constexpr Block demand{"demand", 0x2D00, 0x3102 - 0x2D00, Access::read_only, Origin::published};
inline constexpr Block power_quality{"power quality", 0x3200, 0x3537 - 0x3200, Access::read_only, Origin::published, Poll::rare};
inline constexpr Block phase_angles{"phase angles", 0x3600, 20, Access::read_only, Origin::published, Poll::rare};
}  // namespace blocks

// Every register block of the map, in address order.
std::span<const Block> register_blocks();
const Block* find_block(std::uint16_t address, std::uint16_t count);

constexpr std::uint16_t coil_count = 2;             // FC01/FC05: RO1, RO2
constexpr std::uint16_t discrete_input_count = 18;  // FC02: DI1..DI18

// Energy import registers (register map 1.4): kvarh and kVAh of users s7-s9 sit after the rest.
namespace energy {
constexpr std::uint16_t kvarh_first = 0x2B00, kvah_first = 0x2B38;  // phases A, B, C, system, then ch 1-18, users s1-s6
constexpr std::uint16_t kvarh_users_7_9 = 0x2B70, kvah_users_7_9 = 0x2B76;
// Register of meter `column` (0..2 phases, 3 system, 4..21 input channels, 22..30 users) in the
// kWh (0x2500), kvarh (0x2B00) or kVAh (0x2B38) layout.
enum class Kind { kwh, kvarh, kvah };
std::uint16_t register_of(Kind kind, int column);
}  // namespace energy

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
// A float32 setting takes two registers (high word first): the high one carries the definition
// (key, label, range as min_float..max_float), the low one refers back to it.
enum class Word { single, float_high, float_low };

struct SettingDef {
    std::uint16_t address;
    std::string key;
    std::string label;  // the web page's words, used in error messages
    std::uint16_t default_value;
    std::uint16_t min;
    std::uint16_t max;
    std::vector<std::uint16_t> allowed;  // when not empty, the only values accepted
    std::string unit;
    std::string source;
    Word word = Word::single;
    double min_float = 0, max_float = 0;
    // When not empty, the ranges accepted instead of min..max (an alarm's parameter label).
    std::vector<std::pair<std::uint16_t, std::uint16_t>> ranges = {};
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
constexpr std::uint16_t creep_threshold = 0x0A10;
constexpr std::uint16_t di_first = 0x0A20, di_stride = 5, di_debounce = 0x0A7A;  // per DI: mode, constant, unit, value/count (f32)
constexpr std::uint16_t ro_first = 0x0A80, ro_stride = 3;                       // per RO: mode, output, pulse width
constexpr std::uint16_t alarm_first = 0x0B10, alarm_stride = 10;
constexpr std::uint16_t tou_first = 0x0C00;
// Commands (0x0B00-0x0B05, web manual 8.1, 8.2): write 1 to act; DI counter reset takes the DI (1-18) or 255 (all).
constexpr std::uint16_t demand_reset = 0x0B00, energy_reset = 0x0B01, alarm_record_reset = 0x0B02, di_counter_reset = 0x0B03,
                        run_time_reset = 0x0B04, soft_reboot = 0x0B05;
constexpr std::uint16_t event_window_first = 0x0B08, event_window_count = 0x0B0A;
}

// Layout of the TOU settings block (offsets from 0x0C00) and of one alarm channel (from its first register).
namespace tou {
constexpr std::size_t enable = 0, weekend_mask = 1, weekend_schedule = 2, seasons_in_use = 3, holidays_in_use = 4;
constexpr std::size_t season_first = 0x10, season_stride = 3, seasons = 14;   // month, day, schedule
constexpr std::size_t holiday_first = 0x40, holiday_stride = 3, holidays = 30;  // month, day, schedule
constexpr std::size_t schedule_first = 0xA0, schedule_stride = 43, schedules = 8, segments = 14;  // count, then [hour, minute, tariff] x 14
}  // namespace tou
namespace alarm {
// Parameter labels: (register − 0x2000) / 2 of the float32 real-time values (0x2000-0x2041, 0x2100-0x2231).
constexpr std::uint16_t label_system_last = (0x2042 - 0x2000) / 2 - 1, label_channels_first = (0x2100 - 0x2000) / 2,
                        label_users_last = (0x2232 - 0x2000) / 2 - 1;
constexpr bool is_parameter_label(std::uint16_t label) {
    return label <= label_system_last || (label >= label_channels_first && label <= label_users_last);
}
constexpr std::size_t channels = 16;
constexpr std::size_t enable = 0, parameter = 1, comparison = 2, setpoint = 3, delay = 5, hysteresis = 6, relay = 8;
}  // namespace alarm
// Power quality 0x3200 (register map 1.6): offsets from the block start.
namespace pq {
constexpr std::size_t voltage_unbalance = 0x000, thd_v = 0x001, thd_v_average = 0x004, v_harmonics = 0x005, orders = 30,
                      current_unbalance = 0x05F, v_extra = 0x060, v_extra_stride = 4, i_extra = 0x0A0, i_extra_stride = 3,
                      i_harmonics = 0x100, i_harmonics_stride = 31, user_unbalance = 0x32E;
// Phase p (0..2) voltage harmonic h (2..31); channel c (0..17) THD (h = 1) or harmonic h.
constexpr std::size_t v_harmonic(std::size_t p, std::size_t h) { return v_harmonics + orders * p + (h - 2); }
constexpr std::size_t i_harmonic(std::size_t c, std::size_t h) { return i_harmonics + i_harmonics_stride * c + (h - 1); }
}  // namespace pq

// TOU energy registers: [total, sharp, peak, valley, normal] rows.
namespace tou_energy {
constexpr std::size_t rows = 5, prior_month = 40, per_channel = 10;
// 0x4000 block: current month (prior from +40), row r, column 0..2 phases, 3 system.
constexpr std::size_t phase_register(std::size_t row, std::size_t column) { return 2 * (row * 4 + column); }
// 0x4100/0x4200 (channels) and 0x4300/0x4380 (users): meter n (0-based) at 10 n, row at +2 row.
constexpr std::size_t meter_register(std::size_t n, std::size_t row) { return per_channel * n + 2 * row; }
}  // namespace tou_energy

// Alarm log 0x4500 and event log window 0x4600 (designed).
namespace alarm_log {
constexpr std::size_t active = 0, records = 1, newest = 3, first_slot = 16, slot_registers = 10;
constexpr std::size_t time = 0, millisecond = 3, id = 4, status = 5, parameter = 6, value = 7;  // inside a slot
}  // namespace alarm_log
namespace event_log {
constexpr std::size_t written = 0, oldest = 2, window_first = 4, in_window = 6, ready = 7, first_record = 9, record_registers = 9,
                      max_window = 10;
constexpr std::size_t number = 0, time = 2, millisecond = 5, type = 6, detail = 7, value = 8;  // inside a record
}  // namespace event_log

namespace di {
constexpr std::size_t mode = 0, pulse_constant = 1, unit = 2, value_per_count = 3;
const char* unit_name(std::uint16_t code);  // 0 "", 1 kWh, 2 m3, 3 t, 4 kvarh, 5 kVAh, 6 gal, 7 $
}  // namespace di

// RS-485 line settings from registers 0x0A01 (baud) and 0x0A02 (0 even, 1 odd, 2 none + 2 stop,
// 3 none + 1 stop), and the 0x0A02 code of a line setting.
hal::SerialConfig rs485_line(std::uint16_t baud, std::uint16_t parity_code);
std::uint16_t rs485_parity_code(const hal::SerialConfig& line);

// Commands (0x0B00-0x0B05): each takes 1 ("do it"), the DI counter reset a DI or 255; anything else is refused.
std::optional<std::string> check_command_write(std::uint16_t address, std::span<const std::uint16_t> values);

// Checks a write of `values` at `address` against the map, given the settings as they are now
// (`current(register)`, for cross-field rules and the other word of a float32). Returns an error
// naming the field, the value and the range.
using SettingLookup = std::function<std::uint16_t(std::uint16_t address)>;
std::optional<std::string> check_settings_write(std::uint16_t address, std::span<const std::uint16_t> values,
                                                const SettingLookup& current);
// The default image of a settings block (registers without a definition read 0).
std::vector<std::uint16_t> default_settings_image(const Block& b);
bool is_settings_block(const Block& b);
float float_at(const SettingLookup& current, std::uint16_t high_address);

}  // namespace acurev
