#include "acurev/board_map.hpp"

#include <algorithm>
#include <array>

namespace acurev {

namespace {

constexpr std::array all_blocks{blocks::device_info,   blocks::clock,           blocks::meter_settings,
                                blocks::rs485,         blocks::commands,        blocks::system_realtime,
                                blocks::channel_realtime, blocks::user_realtime, blocks::energy_kwh,
                                blocks::demand,        blocks::tou_energy,      blocks::di_counters};

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
    if (allowed.empty()) return std::to_string(min) + "-" + std::to_string(max);
    std::string t;
    for (std::size_t i = 0; i < allowed.size(); ++i) t += (i ? ", " : "") + std::to_string(allowed[i]);
    return t;
}

bool SettingDef::accepts(std::uint16_t v) const {
    if (!allowed.empty()) return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
    return v >= min && v <= max;
}

std::span<const SettingDef> board_settings() {
    static const std::vector<SettingDef> defs = make_settings();
    return defs;
}

const SettingDef* find_setting(std::uint16_t address) {
    for (const auto& d : board_settings())
        if (d.address == address) return &d;
    return nullptr;
}

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
    for (const auto v : values)
        if (v != 1) return "command value " + std::to_string(v) + " is out of range: 1 (act)";
    return std::nullopt;
}

std::optional<std::string> check_settings_write(std::uint16_t address, std::span<const std::uint16_t> values,
                                                const std::vector<std::uint16_t>& image) {
    auto after = image;  // the meter-settings block as it would be after the write
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto a = static_cast<std::uint16_t>(address + i);
        const SettingDef* def = find_setting(a);
        if (!def) return "register " + std::to_string(a) + " is not a writable setting";
        if (!def->accepts(values[i]))
            return std::string(def->label) + " " + std::to_string(values[i]) + " is out of range: " + def->range_text() +
                   (def->unit[0] ? std::string(" ") + def->unit : std::string());
        if (blocks::meter_settings.contains(a, 1)) after.at(a - blocks::meter_settings.start) = values[i];
    }
    const auto interval = after.at(settings::demand_interval - blocks::meter_settings.start);
    const auto sub = after.at(settings::demand_subinterval - blocks::meter_settings.start);
    if (interval < 2 * sub)
        return "Averaging Interval Window " + std::to_string(interval) + " min must be at least 2 x the sub-interval (" +
               std::to_string(sub) + " min)";
    return std::nullopt;
}

}  // namespace acurev
