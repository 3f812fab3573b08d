#include "acurev/board_map.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace acurev {

namespace {

constexpr std::array all_blocks{blocks::device_info,       blocks::run_time,          blocks::clock,
                                blocks::meter_settings,    blocks::rs485,
                                blocks::metering_settings, blocks::di_settings,
                                blocks::ro_settings,       blocks::commands,
                                blocks::event_window,      blocks::alarm_settings,
                                blocks::tou_settings,      blocks::system_realtime,
                                blocks::channel_realtime,  blocks::user_realtime,
                                blocks::energy_kwh,        blocks::energy_kvarh_kvah,
                                blocks::demand,            blocks::power_quality,
                                blocks::phase_angles,      blocks::tou_energy,
                                blocks::tou_channel_month, blocks::tou_channel_prior,
                                blocks::tou_user_month,    blocks::tou_user_prior,
                                blocks::tou_status,        blocks::alarm_log,
                                blocks::event_log,         blocks::di_counters,
                                blocks::di_values};

std::string n(int v) { return std::to_string(v); }

std::uint16_t float_high_word(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return static_cast<std::uint16_t>(u >> 16);
}
std::uint16_t float_low_word(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return static_cast<std::uint16_t>(u & 0xFFFF);
}

// A float32 setting: the high word holds the definition, the low word points back at it.
void add_float(std::vector<SettingDef>& s, std::uint16_t address, std::string key, std::string label, float def, double lo,
               double hi, std::string unit, std::string source) {
    SettingDef h{address, key, label, float_high_word(def), 0, 0xFFFF, {}, unit, source, Word::float_high, lo, hi};
    SettingDef l{static_cast<std::uint16_t>(address + 1), key + "_lo", label + " (low word)", float_low_word(def), 0, 0xFFFF, {},
                 unit, source, Word::float_low, lo, hi};
    s.push_back(std::move(h));
    s.push_back(std::move(l));
}

void add_io_settings(std::vector<SettingDef>& s) {
    s.push_back({settings::creep_threshold, "creep_threshold", "Starting Current", 10, 0, 1000, {}, "0.01 % of CT primary",
                 "designed: energy below this current is not accumulated (IEC 62053-22 starting current 0.1 % In)"});
    for (int d = 1; d <= 18; ++d) {
        const auto base = static_cast<std::uint16_t>(settings::di_first + settings::di_stride * (d - 1));
        const std::string k = "di" + n(d), l = "DI" + n(d);
        s.push_back({base, k + "_mode", l + " Mode", 0, 0, 1, {}, "", "web manual 6.3.5: 0 status, 1 pulse counter"});
        s.push_back({static_cast<std::uint16_t>(base + 1), k + "_pulse_constant", l + " Pulse Constant", 1, 1, 60000, {}, "pulses/count",
                     "web manual 6.3.5 (set in Acuview)"});
        s.push_back({static_cast<std::uint16_t>(base + 2), k + "_unit", l + " Unit", 0, 0, 7, {}, "",
                     "designed: 0 none, 1 kWh, 2 m3, 3 t, 4 kvarh, 5 kVAh, 6 gal, 7 $"});
        add_float(s, static_cast<std::uint16_t>(base + 3), k + "_value_per_count", l + " Value per Count", 1.0F, 0, 1e9, "",
                  "web manual 6.3.5: the value shown is counter x value per count");
    }
    s.push_back({settings::di_debounce, "di_debounce", "DI Debounce Time", 20, 1, 1000, {}, "ms",
                 "designed: a level must hold this long to count"});
    for (int r = 1; r <= 2; ++r) {
        const auto base = static_cast<std::uint16_t>(settings::ro_first + settings::ro_stride * (r - 1));
        const std::string k = "ro" + n(r), l = "RO" + n(r);
        s.push_back({base, k + "_mode", l + " Mode", 0, 0, 1, {}, "", "web manual 6.3.5: 0 manual control, 1 alarm output"});
        s.push_back({static_cast<std::uint16_t>(base + 1), k + "_output", l + " Output", 0, 0, 1, {}, "", "designed: 0 latch, 1 momentary"});
        s.push_back({static_cast<std::uint16_t>(base + 2), k + "_pulse_width", l + " Pulse Width", 500, 50, 3000, {}, "ms",
                     "register map 2: momentary 50-3000 ms"});
    }
    s.push_back({settings::event_window_first, "event_window_first", "Event Log Window First Record (high word)", 0, 0, 0xFFFF, {}, "",
                 "designed: event log read in windows (AcuRev 2000)"});
    s.push_back({static_cast<std::uint16_t>(settings::event_window_first + 1), "event_window_first_lo",
                 "Event Log Window First Record (low word)", 1, 0, 0xFFFF, {}, "", "designed: records are numbered from 1"});
    s.push_back({settings::event_window_count, "event_window_count", "Event Log Window Records", 10, 1, 10, {}, "", "designed"});
}

void add_alarm_settings(std::vector<SettingDef>& s) {
    const char* src = "register map 2: alarm settings";
    for (int k = 1; k <= 16; ++k) {
        const auto base = static_cast<std::uint16_t>(settings::alarm_first + settings::alarm_stride * (k - 1));
        const std::string key = "alarm" + n(k), l = "Alarm " + n(k);
        s.push_back({static_cast<std::uint16_t>(base + alarm::enable), key + "_enable", l + " Enable", 0, 0, 1, {}, "", src});
        SettingDef parameter{static_cast<std::uint16_t>(base + alarm::parameter), key + "_parameter", l + " Parameter", 0, 0,
                             alarm::label_users_last, {}, "",
                             "designed: (board register - 0x2000) / 2 of a float32 real-time value (AcuRev 2000 labels)"};
        parameter.ranges = {{0, alarm::label_system_last}, {alarm::label_channels_first, alarm::label_users_last}};
        s.push_back(std::move(parameter));
        s.push_back({static_cast<std::uint16_t>(base + alarm::comparison), key + "_comparison", l + " Comparison", 0, 0, 2, {}, "",
                     "0 >, 1 =, 2 <"});
        add_float(s, static_cast<std::uint16_t>(base + alarm::setpoint), key + "_setpoint", l + " Setpoint", 0.0F, -1e9, 1e9, "", src);
        s.push_back({static_cast<std::uint16_t>(base + alarm::delay), key + "_delay", l + " Delay", 0, 0, 3000, {}, "x 10 ms", src});
        add_float(s, static_cast<std::uint16_t>(base + alarm::hysteresis), key + "_hysteresis", l + " Hysteresis", 0.0F, 0, 1e9, "",
                  "designed: an alarm resets once the value is back past setpoint -/+ hysteresis");
        s.push_back({static_cast<std::uint16_t>(base + alarm::relay), key + "_relay", l + " Relay Output", 0, 0, 2, {}, "",
                     "0 none, 1 RO1, 2 RO2"});
    }
}

void add_tou_settings(std::vector<SettingDef>& s) {
    const char* src = "register map 2: TOU settings";
    auto at = [](std::size_t off) { return static_cast<std::uint16_t>(settings::tou_first + off); };
    s.push_back({at(tou::enable), "tou_enable", "TOU Enable", 0, 0, 1, {}, "", src});
    s.push_back({at(tou::weekend_mask), "tou_weekend_mask", "TOU Weekend Days", 0x41, 0, 0x7F, {}, "", "bit0 Sunday ... bit6 Saturday"});
    s.push_back({at(tou::weekend_schedule), "tou_weekend_schedule", "TOU Weekend Schedule", 1, 1, 8, {}, "", src});
    s.push_back({at(tou::seasons_in_use), "tou_seasons", "TOU Seasons in Use", 1, 1, 14, {}, "", src});
    s.push_back({at(tou::holidays_in_use), "tou_holidays", "TOU Holidays in Use", 0, 0, 30, {}, "", src});
    for (std::size_t i = 0; i < tou::seasons; ++i) {
        const auto b = tou::season_first + tou::season_stride * i;
        const std::string k = "tou_season" + n(static_cast<int>(i + 1)), l = "TOU Season " + n(static_cast<int>(i + 1));
        s.push_back({at(b), k + "_month", l + " Start Month", 1, 1, 12, {}, "", src});
        s.push_back({at(b + 1), k + "_day", l + " Start Day", 1, 1, 31, {}, "", src});
        s.push_back({at(b + 2), k + "_schedule", l + " Schedule", 1, 1, 8, {}, "", src});
    }
    for (std::size_t i = 0; i < tou::holidays; ++i) {
        const auto b = tou::holiday_first + tou::holiday_stride * i;
        const std::string k = "tou_holiday" + n(static_cast<int>(i + 1)), l = "TOU Holiday " + n(static_cast<int>(i + 1));
        s.push_back({at(b), k + "_month", l + " Month", 1, 1, 12, {}, "", src});
        s.push_back({at(b + 1), k + "_day", l + " Day", 1, 1, 31, {}, "", src});
        s.push_back({at(b + 2), k + "_schedule", l + " Schedule", 1, 1, 8, {}, "", src});
    }
    for (std::size_t d = 0; d < tou::schedules; ++d) {
        const auto b = tou::schedule_first + tou::schedule_stride * d;
        const std::string k = "tou_schedule" + n(static_cast<int>(d + 1)), l = "TOU Schedule " + n(static_cast<int>(d + 1));
        s.push_back({at(b), k + "_segments", l + " Segments in Use", 1, 1, 14, {}, "", src});
        for (std::size_t g = 0; g < tou::segments; ++g) {
            const auto o = b + 1 + 3 * g;
            const std::string kk = k + "_seg" + n(static_cast<int>(g + 1)), ll = l + " Segment " + n(static_cast<int>(g + 1));
            s.push_back({at(o), kk + "_hour", ll + " Start Hour", 0, 0, 23, {}, "", src});
            s.push_back({at(o + 1), kk + "_minute", ll + " Start Minute", 0, 0, 59, {}, "", src});
            s.push_back({at(o + 2), kk + "_tariff", ll + " Tariff", 3, 0, 3, {}, "", "0 sharp, 1 peak, 2 valley, 3 normal"});
        }
    }
}

std::vector<SettingDef> make_settings() {
    std::vector<SettingDef> s = {
        {settings::demand_method, "demand_method", "Demand Calculation Method", 1, 0, 3, {}, "",
         "register map 1.8: 0 sliding, 1 rolling, 2 fixed, 3 thermal"},
        {settings::demand_interval, "demand_interval", "Averaging Interval Window", 15, 1, 30, {}, "min",
         "register map 1.8"},
        {settings::demand_subinterval, "demand_subinterval", "Demand Sub-interval", 5, 1, 30, {}, "min",
         "register map 1.8; interval >= 2 x sub-interval"},
        {settings::ct_type, "ct_type", "Device Transformer", 333, 80, 333, {80, 100, 120, 200, 333}, "",
         "web manual 6.6.1; register map 1.8: 120 RCT, 333 333 mV, 80/100/200 mA"},
        {settings::var_method, "var_method", "VAR Calculation Method", 0, 0, 1, {}, "",
         "register map 1.8: 0 true (fundamental), 1 generalized"},
        {settings::pf_convention, "pf_convention", "VAR/PF Convention", 0, 0, 1, {}, "", "register map 1.8: 0 IEC, 1 IEEE"},
        {settings::rated_voltage, "rated_voltage", "Rated Voltage", 220, 10, 400, {}, "V", "register map 1.8"},
        {settings::wiring, "wiring", "Wiring of Three Phase User", 1, 0, 5, {}, "",
         "register map 1.8: 0 1LN, 1 3LN, 2 2LN, 3 high-leg delta, 4 2LL, 5 2LN/Network"},
        {settings::rs485_address, "rs485_address", "Modbus RTU Address", 1, 1, 247, {}, "", "register map 2; web manual 6.5"},
        {settings::rs485_baud, "rs485_baud", "Modbus RTU Baud Rate", 19200, 1200, 38400, {1200, 2400, 4800, 9600, 19200, 38400},
         "bps", "register map 2; web manual 6.5"},
        {settings::rs485_parity, "rs485_parity", "Modbus RTU Parity", 3, 0, 3, {}, "",
         "register map 2: 0 even, 1 odd, 2 none + 2 stop, 3 none + 1 stop"},
    };
    static const char* const ct_keys[18] = {"ct_primary_1",  "ct_primary_2",  "ct_primary_3",  "ct_primary_4",
                                            "ct_primary_5",  "ct_primary_6",  "ct_primary_7",  "ct_primary_8",
                                            "ct_primary_9",  "ct_primary_10", "ct_primary_11", "ct_primary_12",
                                            "ct_primary_13", "ct_primary_14", "ct_primary_15", "ct_primary_16",
                                            "ct_primary_17", "ct_primary_18"};
    static const char* const ct_labels[18] = {"CT Ratio 1",  "CT Ratio 2",  "CT Ratio 3",  "CT Ratio 4",  "CT Ratio 5",
                                              "CT Ratio 6",  "CT Ratio 7",  "CT Ratio 8",  "CT Ratio 9",  "CT Ratio 10",
                                              "CT Ratio 11", "CT Ratio 12", "CT Ratio 13", "CT Ratio 14", "CT Ratio 15",
                                              "CT Ratio 16", "CT Ratio 17", "CT Ratio 18"};
    for (std::uint16_t ch = 0; ch < 18; ++ch)
        s.push_back({static_cast<std::uint16_t>(settings::ct_primary_first + ch), ct_keys[ch], ct_labels[ch], 100, 5,
                     50000, {}, "A", "register map 1.8; web manual 6.6.1"});
    add_io_settings(s);
    add_alarm_settings(s);
    add_tou_settings(s);
    std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    return s;
}

}  // namespace

std::span<const Block> register_blocks() { return all_blocks; }

const Block* find_block(std::uint16_t address, std::uint16_t count) {
    for (const auto& b : all_blocks)
        if (b.contains(address, count)) return &b;
    return nullptr;
}

std::string SettingDef::range_text() const {
    if (!ranges.empty()) {
        std::string t;
        for (const auto& [lo, hi] : ranges) t += (t.empty() ? "" : ", ") + std::to_string(lo) + "-" + std::to_string(hi);
        return t;
    }
    if (allowed.empty()) return std::to_string(min) + "-" + std::to_string(max);
    std::string t;
    for (std::size_t i = 0; i < allowed.size(); ++i) t += (i ? ", " : "") + std::to_string(allowed[i]);
    return t;
}

bool SettingDef::accepts(std::uint16_t v) const {
    if (!ranges.empty()) return std::any_of(ranges.begin(), ranges.end(), [v](const auto& r) { return v >= r.first && v <= r.second; });
    if (!allowed.empty()) return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
    return v >= min && v <= max;
}

std::span<const SettingDef> board_settings() {
    static const std::vector<SettingDef> defs = make_settings();
    return defs;
}

const SettingDef* find_setting(std::uint16_t address) {
    const auto defs = board_settings();
    const auto it = std::lower_bound(defs.begin(), defs.end(), address, [](const SettingDef& d, std::uint16_t a) { return d.address < a; });
    return it != defs.end() && it->address == address ? &*it : nullptr;
}

bool is_settings_block(const Block& b) {
    return b.access == Access::read_write && b.poll != Poll::never && b.start != blocks::clock.start;
}

std::vector<std::uint16_t> default_settings_image(const Block& b) {
    std::vector<std::uint16_t> img(b.count, 0);
    for (const auto& d : board_settings())
        if (b.contains(d.address, 1)) img[d.address - b.start] = d.default_value;
    return img;
}

float float_at(const SettingLookup& current, std::uint16_t high_address) {
    const std::uint32_t u = (static_cast<std::uint32_t>(current(high_address)) << 16) | current(static_cast<std::uint16_t>(high_address + 1));
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

namespace energy {
std::uint16_t register_of(Kind kind, int column) {
    if (column < 0 || column > 30) throw std::out_of_range("energy column " + std::to_string(column) + " is out of range: 0-30");
    if (kind == Kind::kwh) return static_cast<std::uint16_t>(blocks::energy_kwh.start + 2 * column);
    const std::uint16_t base = kind == Kind::kvarh ? kvarh_first : kvah_first;
    if (column < 28) return static_cast<std::uint16_t>(base + 2 * column);  // through user s6
    return static_cast<std::uint16_t>((kind == Kind::kvarh ? kvarh_users_7_9 : kvah_users_7_9) + 2 * (column - 28));
}
}  // namespace energy

namespace di {
const char* unit_name(std::uint16_t code) {
    static const char* const names[] = {"", "kWh", "m3", "t", "kvarh", "kVAh", "gal", "$"};
    return code < 8 ? names[code] : "?";
}
}  // namespace di

hal::SerialConfig rs485_line(std::uint16_t baud, std::uint16_t parity_code) {
    hal::SerialConfig c;
    c.baud = baud;
    c.parity = parity_code == 0 ? hal::Parity::even : parity_code == 1 ? hal::Parity::odd : hal::Parity::none;
    c.stop_bits = parity_code == 2 ? 2 : 1;
    return c;
}

std::uint16_t rs485_parity_code(const hal::SerialConfig& line) {
    if (line.parity == hal::Parity::even) return 0;
    if (line.parity == hal::Parity::odd) return 1;
    return line.stop_bits == 2 ? 2 : 3;
}

std::optional<std::string> check_command_write(std::uint16_t address, std::span<const std::uint16_t> values) {
    if (!blocks::commands.contains(address, static_cast<std::uint16_t>(values.size())))
        return "register " + std::to_string(address) + " is not a command";
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto a = static_cast<std::uint16_t>(address + i);
        const auto v = values[i];
        if (a == settings::di_counter_reset) {
            if ((v < 1 || v > 18) && v != 255) return "DI counter reset " + std::to_string(v) + " is out of range: 1-18 (one DI) or 255 (all)";
        } else if (v != 1) {
            return "command value " + std::to_string(v) + " is out of range: 1 (act)";
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_settings_write(std::uint16_t address, std::span<const std::uint16_t> values,
                                                const SettingLookup& current) {
    auto after = [&](std::uint16_t a) -> std::uint16_t {  // the settings as they would be after the write
        if (a >= address && a < address + values.size()) return values[a - address];
        return current(a);
    };
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto a = static_cast<std::uint16_t>(address + i);
        const SettingDef* def = find_setting(a);
        if (!def) return "register " + std::to_string(a) + " is not a writable setting";
        if (def->word != Word::single) {
            const auto high = static_cast<std::uint16_t>(def->word == Word::float_high ? a : a - 1);
            const SettingDef& h = *find_setting(high);
            const float f = float_at(after, high);
            if (!std::isfinite(f) || f < h.min_float || f > h.max_float)
                return h.label + " " + std::to_string(f) + " is out of range: " + std::to_string(h.min_float) + " to " +
                       std::to_string(h.max_float);
            continue;
        }
        if (!def->accepts(values[i]))
            return def->label + " " + std::to_string(values[i]) + " is out of range: " + def->range_text() +
                   (def->unit.empty() ? std::string() : " " + def->unit);
    }
    if (address < settings::event_window_first + 2 && address + values.size() > settings::event_window_first &&
        (static_cast<std::uint32_t>(after(settings::event_window_first)) << 16 | after(settings::event_window_first + 1)) == 0)
        return "Event Log Window First Record 0 is out of range: 1 or more (records are numbered from 1)";
    const auto interval = after(settings::demand_interval);
    const auto sub = after(settings::demand_subinterval);
    if (interval < 2 * sub)
        return "Averaging Interval Window " + std::to_string(interval) + " min must be at least 2 x the sub-interval (" +
               std::to_string(sub) + " min)";
    return std::nullopt;
}

}  // namespace acurev
