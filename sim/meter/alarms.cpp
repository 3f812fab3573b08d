#include "meter/alarms.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "meter/board_time.hpp"
#include "modbus/pdu.hpp"

namespace sim::meter {

namespace {

// Log block layout (alarms.hpp): a 16-register header, then one 10-register record per slot.
constexpr std::size_t log_header = acurev::alarm_log::first_slot, log_record = acurev::alarm_log::slot_registers;
static_assert(log_header + log_record * alarm_log_slots == alarm_log_registers);


bool condition_met(const AlarmChannelSetting& s, double v) {
    const double sp = s.setpoint;
    switch (s.comparison) {
        case AlarmComparison::greater: return v > sp;
        case AlarmComparison::less: return v < sp;
        case AlarmComparison::equal: return std::abs(v - sp) <= std::max<double>(s.hysteresis, 1e-6 * std::abs(sp));
    }
    return false;
}

bool reset_met(const AlarmChannelSetting& s, double v) {
    const double sp = s.setpoint, h = s.hysteresis;
    switch (s.comparison) {
        case AlarmComparison::greater: return v < sp - h;
        case AlarmComparison::less: return v > sp + h;
        case AlarmComparison::equal: return std::abs(v - sp) > std::max(h, 1e-6 * std::abs(sp));
    }
    return false;
}

}  // namespace

std::optional<std::string> validate_alarm_settings(std::span<const std::uint16_t> image) {
    const acurev::Block& block = acurev::blocks::alarm_settings;
    if (image.size() != block.count)
        return "alarm settings image of " + std::to_string(image.size()) + " registers: " + std::to_string(block.count) +
               " expected";
    // The image as the settings are; registers outside it (cross-field rules) at their defaults.
    const acurev::SettingLookup current = [&](std::uint16_t a) -> std::uint16_t {
        if (block.contains(a, 1)) return image[a - block.start];
        const acurev::SettingDef* d = acurev::find_setting(a);
        return d ? d->default_value : 0;
    };
    for (std::size_t i = 0; i < image.size(); ++i) {
        const auto a = static_cast<std::uint16_t>(block.start + i);
        if (!acurev::find_setting(a) && image[i] == 0) continue;  // a reserved register, as the board map's image has it
        if (auto e = acurev::check_settings_write(a, image.subspan(i, 1), current)) return e;
    }
    return std::nullopt;
}

AlarmChannelSetting decode_alarm_setting(std::span<const std::uint16_t> image, int channel) {
    if (channel < 1 || channel > alarm_channels)
        throw std::out_of_range("alarm channel " + std::to_string(channel) + " is out of range: 1-16");
    namespace f = acurev::alarm;
    const auto ch = image.subspan(alarm_channel_registers * static_cast<std::size_t>(channel - 1), alarm_channel_registers);
    AlarmChannelSetting s;
    s.enabled = ch[f::enable] == 1;
    s.parameter = ch[f::parameter];
    s.comparison = static_cast<AlarmComparison>(ch[f::comparison]);
    s.setpoint = modbus::get_float(ch, f::setpoint);
    s.delay = std::chrono::milliseconds(10 * ch[f::delay]);
    s.hysteresis = modbus::get_float(ch, f::hysteresis);
    s.relay = ch[f::relay];
    return s;
}

AlarmChannels::AlarmChannels() {
    state_.settings = acurev::default_settings_image(acurev::blocks::alarm_settings);
    for (int k = 1; k <= alarm_channels; ++k) state_.decoded[static_cast<std::size_t>(k - 1)] = decode_alarm_setting(state_.settings, k);
}

AlarmChannels::AlarmChannels(RelayRequest relay) : AlarmChannels() { relay_ = std::move(relay); }

std::optional<std::string> AlarmChannels::set_settings(std::span<const std::uint16_t> image, hal::Time now) {
    if (auto e = validate_alarm_settings(image)) return e;
    for (int k = 1; k <= alarm_channels; ++k) {
        const AlarmChannelSetting before = decode_alarm_setting(state_.settings, k);
        const AlarmChannelSetting after = decode_alarm_setting(image, k);
        if (before == after) continue;
        auto& ch = state_.channels[static_cast<std::size_t>(k - 1)];
        ch.held_since.reset();
        ch.unknown_parameter = false;
        const bool ends_alarm = !after.enabled || after.parameter != before.parameter ||
                                after.comparison != before.comparison || after.relay != before.relay;
        if (ch.in_alarm && ends_alarm) {
            ch.in_alarm = false;
            log(now, k, false, before.parameter, ch.last_value);
        }
    }
    state_.settings.assign(image.begin(), image.end());
    for (int k = 1; k <= alarm_channels; ++k) state_.decoded[static_cast<std::size_t>(k - 1)] = decode_alarm_setting(state_.settings, k);
    update_relays();
    return std::nullopt;
}

void AlarmChannels::evaluate(hal::Time window_end, const ValueLookup& lookup) {
    for (int k = 1; k <= alarm_channels; ++k) {
        const AlarmChannelSetting& s = state_.decoded[static_cast<std::size_t>(k - 1)];
        auto& ch = state_.channels[static_cast<std::size_t>(k - 1)];
        if (!s.enabled) continue;  // set_settings ended any alarm of a channel it disabled
        const std::optional<double> v = lookup(s.parameter);
        if (!v) {
            ch.unknown_parameter = true;
            ch.held_since.reset();
            if (ch.in_alarm) {  // the parameter went away under an alarm: end it with what it last saw
                ch.in_alarm = false;
                log(window_end, k, false, s.parameter, ch.last_value);
            }
            continue;
        }
        ch.unknown_parameter = false;
        ch.last_value = static_cast<float>(*v);
        if (ch.in_alarm) {
            if (reset_met(s, *v)) {
                ch.in_alarm = false;
                log(window_end, k, false, s.parameter, ch.last_value);
            }
            continue;
        }
        if (!condition_met(s, *v)) {
            ch.held_since.reset();
            continue;
        }
        if (!ch.held_since) ch.held_since = window_end;
        if (window_end - *ch.held_since >= s.delay) {
            ch.in_alarm = true;
            ch.held_since.reset();
            log(window_end, k, true, s.parameter, ch.last_value);
        }
    }
    update_relays();
}

bool AlarmChannels::any_pending() const {
    for (const auto& ch : state_.channels)
        if (ch.held_since) return true;
    return false;
}

void AlarmChannels::restart() {
    for (auto& ch : state_.channels) ch = Channel{};
    state_.relay_on = {};
}

AlarmStatus AlarmChannels::status(int channel) const {
    const AlarmChannelSetting s = decode_alarm_setting(state_.settings, channel);
    const auto& ch = state_.channels[static_cast<std::size_t>(channel - 1)];
    if (!s.enabled) return AlarmStatus::disabled;
    if (ch.in_alarm) return AlarmStatus::alarm;
    if (ch.unknown_parameter) return AlarmStatus::no_such_parameter;
    return ch.held_since ? AlarmStatus::pending : AlarmStatus::normal;
}

std::uint16_t AlarmChannels::active_mask() const {
    std::uint16_t mask = 0;
    for (std::size_t i = 0; i < state_.channels.size(); ++i)
        if (state_.channels[i].in_alarm) mask = static_cast<std::uint16_t>(mask | (1U << i));
    return mask;
}

bool AlarmChannels::relay_demand(int relay) const {
    for (int k = 1; k <= alarm_channels; ++k)
        if (state_.channels[static_cast<std::size_t>(k - 1)].in_alarm && decode_alarm_setting(state_.settings, k).relay == relay + 1)
            return true;
    return false;
}

void AlarmChannels::update_relays() {
    for (int r = 0; r < 2; ++r) {
        const bool want = relay_demand(r);
        auto& on = state_.relay_on[static_cast<std::size_t>(r)];
        if (want == on) continue;
        on = want;
        if (relay_) relay_(r, want);
    }
}

void AlarmChannels::log(hal::Time t, int channel, bool alarm, std::uint16_t parameter, float value) {
    state_.slots[state_.written % alarm_log_slots] = AlarmRecord{t, static_cast<std::uint16_t>(channel), alarm, parameter, value};
    ++state_.written;
}

std::uint16_t AlarmChannels::newest_slot() const {
    if (state_.written == 0) return 0;
    return static_cast<std::uint16_t>((state_.written - 1) % alarm_log_slots + 1);
}

void AlarmChannels::clear_log() {
    state_.slots = {};
    state_.written = 0;
}

void AlarmChannels::render_log(std::vector<std::uint16_t>& img) const {
    img.assign(alarm_log_registers, 0);
    img[0] = active_mask();
    modbus::put_u32(img, 1, state_.written);
    img[3] = newest_slot();
    for (std::size_t r = 0; r < alarm_log_slots; ++r) {
        const AlarmRecord& rec = state_.slots[r];
        if (rec.channel == 0) continue;  // empty slot: zeros
        const std::size_t at = log_header + log_record * r;
        put_board_time_ms(img, at, rec.time);
        img[at + 4] = rec.channel;
        img[at + 5] = rec.alarm ? 1 : 0;
        img[at + 6] = rec.parameter;
        modbus::put_float(img, at + 7, rec.value);
    }
}

void AlarmChannels::save_log(NvmWriter& w) const {
    for (const auto& s : state_.slots) {
        w.put(s.time.count());
        w.put(s.channel);
        w.put(s.alarm);
        w.put(s.parameter);
        w.put(s.value);
    }
    w.put(state_.written);
}

void AlarmChannels::load_log(NvmReader& r) {
    for (auto& s : state_.slots) {
        s.time = hal::Time(r.get<std::int64_t>());
        s.channel = r.get<std::uint16_t>();
        s.alarm = r.get<bool>();
        s.parameter = r.get<std::uint16_t>();
        s.value = r.get<float>();
        if (s.channel > alarm_channels) throw NvmError("board memory holds an alarm record of channel " + std::to_string(s.channel));
    }
    state_.written = r.get<std::uint32_t>();
}

}  // namespace sim::meter
