#pragma once
// The board's 16 alarm channels and their alarm log (register map §2 "Alarm settings", "Alarm
// log"; web manual 6.4.3). Each channel compares one real-time quantity with a setpoint once per
// measuring window; when the comparison has held for the delay it fires: a log record, and its
// relay output (if linked) is asked on. It resets on the far side of the hysteresis.
//   fires  (the condition held at every window since a first window t1, window_end − t1 ≥ delay):
//          ">" v > sp;  "<" v < sp;  "=" |v − sp| ≤ band, band = max(hysteresis, 1e-6·|sp|)
//   resets (at once):  ">" v < sp − hyst;  "<" v > sp + hyst;  "=" |v − sp| > band
// so between sp − hyst and sp a ">" alarm stays in force. The "=" hysteresis is its band; the
// 1e-6·|sp| floor keeps a float32 setpoint reachable with hysteresis 0.
//
// Settings image: the board map's "alarm settings" block (0x0B10, 160 registers), channel k = 1..16
// at acurev::settings::alarm_stride·(k − 1), fields at the acurev::alarm offsets; ranges, defaults,
// keys and labels are the board map's settings. Parameter label = (board register − 0x2000) / 2 of a
// float32 real-time quantity, as the AcuRev 2000 numbers its alarm parameters (F = 0, Va = 1 …):
// 0..32 the 0x2000 block, 128..280 the per-channel and per-user blocks 0x2100–0x2231.
//
// Log block (board 0x4500, 176 registers, read only):
//   +0 active alarms (bit k − 1 = channel k in alarm)   +1..+2 records since the last log reset (u32)
//   +3 slot of the newest record (1..16, 0 none)        +4..+15 reserved
//   slot r = 1..16 at 16 + 10·(r − 1): packed time (3), millisecond, alarm id (1..16),
//   status (1 alarm, 0 reset), parameter label, value (float32, 2), reserved.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "acurev/board_map.hpp"
#include "hal/time.hpp"

#include "meter/nvm.hpp"

namespace sim::meter {

constexpr int alarm_channels = static_cast<int>(acurev::alarm::channels);
constexpr std::size_t alarm_channel_registers = acurev::settings::alarm_stride;
constexpr std::size_t alarm_settings_registers = acurev::blocks::alarm_settings.count;  // 160
constexpr std::size_t alarm_log_registers = acurev::blocks::alarm_log.count;            // 176
constexpr std::size_t alarm_log_slots = 16;
static_assert(alarm_settings_registers == alarm_channels * alarm_channel_registers);

enum class AlarmComparison : std::uint16_t { greater = 0, equal = 1, less = 2 };


// Checks a whole settings image: every register as the board map checks a write of it
// (acurev::check_settings_write: ranges, finite floats, hysteresis ≥ 0), then what the map's
// per-register ranges cannot say: each parameter label names a real-time float32. Returns the
// first error, naming the field, the value and the allowed range.
std::optional<std::string> validate_alarm_settings(std::span<const std::uint16_t> image);

struct AlarmChannelSetting {
    bool enabled = false;
    std::uint16_t parameter = 0;
    AlarmComparison comparison = AlarmComparison::greater;
    float setpoint = 0;
    hal::Duration delay{0};
    float hysteresis = 0;
    int relay = 0;  // 0 none, 1 RO1, 2 RO2
    bool operator==(const AlarmChannelSetting&) const = default;
};
AlarmChannelSetting decode_alarm_setting(std::span<const std::uint16_t> image, int channel /*1..16*/);

struct AlarmRecord {
    hal::Time time{0};          // board clock, the window that fired or reset
    std::uint16_t channel = 0;  // alarm id 1..16; 0 = empty slot
    bool alarm = false;         // true alarm, false reset
    std::uint16_t parameter = 0;
    float value = 0;
    bool operator==(const AlarmRecord&) const = default;
};

enum class AlarmStatus {
    disabled,
    normal,             // enabled, condition not met
    pending,            // condition met, the delay is running
    alarm,              // fired, not reset yet
    no_such_parameter,  // the lookup knows no such label: the channel never fires
};

class AlarmChannels {
public:
    using ValueLookup = std::function<std::optional<double>(std::uint16_t label)>;
    // Relay 0 = RO1, 1 = RO2. Asked on when the first channel linked to it fires, off when the
    // last one in alarm resets. The board decides whether to act (only an RO in alarm mode).
    using RelayRequest = std::function<void(int relay, bool on)>;

    AlarmChannels();
    explicit AlarmChannels(RelayRequest relay);
    void set_relay_request(RelayRequest relay) { relay_ = std::move(relay); }

    // New settings image (160 registers), applied at `now` (board clock). Refused, nothing
    // changed, with validate_alarm_settings's error. A channel whose settings changed restarts
    // its delay; one in alarm that is disabled, or whose parameter, comparison or relay link
    // changed, is reset now (a reset record with the last value it saw).
    std::optional<std::string> set_settings(std::span<const std::uint16_t> image, hal::Time now);
    const std::vector<std::uint16_t>& settings() const { return state_.settings; }

    // Once per measuring window, at its end (board clock).
    void evaluate(hal::Time window_end, const ValueLookup& lookup);

    // Power-up: channels start out of alarm, delays not running; no records (the event log has the
    // power cycle), no relay requests (relays drop with the supply). The log is kept.
    void restart();
    // The alarm log is what a power cycle keeps (the settings are the board's registers).
    void save_log(NvmWriter& w) const;
    void load_log(NvmReader& r);

    AlarmStatus status(int channel /*1..16*/) const;
    std::uint16_t active_mask() const;          // bit k − 1 = channel k in alarm
    bool any_pending() const;                   // some channel's delay is running
    bool relay_demand(int relay /*0,1*/) const;  // some channel linked to it is in alarm

    // The log: 16 slots in a ring, slot 1 first; the 17th record wraps to slot 1 (web manual 6.4.3).
    const std::array<AlarmRecord, alarm_log_slots>& log() const { return state_.slots; }
    std::uint32_t records_written() const { return state_.written; }  // since the last log reset
    std::uint16_t newest_slot() const;                                 // 1..16, 0 none
    void clear_log();  // Management page "Alarm Record" (web manual 8.1); channels keep their state
    void render_log(std::vector<std::uint16_t>& img) const;  // the 0x4500 block; resized to 176

    bool operator==(const AlarmChannels& o) const { return state_ == o.state_; }

private:
    struct Channel {
        bool in_alarm = false;
        std::optional<hal::Time> held_since;  // first window of the current run of met conditions
        bool unknown_parameter = false;
        float last_value = 0;
        bool operator==(const Channel&) const = default;
    };
    struct State {
        std::vector<std::uint16_t> settings;
        std::array<AlarmChannelSetting, alarm_channels> decoded{};  // of `settings`, for evaluate()
        std::array<Channel, alarm_channels> channels{};
        std::array<AlarmRecord, alarm_log_slots> slots{};
        std::uint32_t written = 0;
        std::array<bool, 2> relay_on{};  // what was last asked of RO1, RO2
        bool operator==(const State&) const = default;
    };
    void log(hal::Time t, int channel, bool alarm, std::uint16_t parameter, float value);
    void update_relays();

    State state_;
    RelayRequest relay_;
};

}  // namespace sim::meter
