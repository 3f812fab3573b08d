#include "meter/energy.hpp"

#include <cmath>

#include "acurev/board_map.hpp"
#include "modbus/pdu.hpp"

namespace sim::meter {

std::array<double, energy_columns> EnergyMeters::add_window(double hours, const std::array<ChannelWindow, current_inputs>& channels,
                                                            const WiringLayout& wiring) {
    std::array<double, energy_columns> active{}, reactive{}, apparent{};
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto& c = channels[static_cast<std::size_t>(ch)];
        if (c.power.p <= 0 || c.current <= c.start_current) continue;
        const double wh = c.power.p * hours, varh = std::abs(c.power.q) * hours, vah = c.power.s * hours;
        const int cols[] = {wiring.phase[static_cast<std::size_t>(ch)], column_system, column_channel(ch),
                            wiring.user[static_cast<std::size_t>(ch)] >= 0 ? column_user(wiring.user[static_cast<std::size_t>(ch)]) : -1};
        for (const int col : cols) {
            if (col < 0) continue;
            const auto i = static_cast<std::size_t>(col);
            active[i] += wh;
            reactive[i] += varh;
            apparent[i] += vah;
        }
    }
    for (std::size_t i = 0; i < energy_columns; ++i) {
        if (active[i] == 0 && reactive[i] == 0 && apparent[i] == 0) continue;
        kwh_[i].add_wh(active[i]);
        kvarh_[i].add_wh(reactive[i]);
        kvah_[i].add_wh(apparent[i]);
    }
    return active;
}

void EnergyMeters::clear() {
    for (auto* regs : {&kwh_, &kvarh_, &kvah_})
        for (auto& r : *regs) r.clear();
}

void EnergyMeters::render(std::vector<std::uint16_t>& kwh, std::vector<std::uint16_t>& reactive_apparent) const {
    namespace e = acurev::energy;
    const auto kwh_start = acurev::blocks::energy_kwh.start, ra_start = acurev::blocks::energy_kvarh_kvah.start;
    for (int col = 0; col < energy_columns; ++col) {
        const auto i = static_cast<std::size_t>(col);
        modbus::put_u32(kwh, e::register_of(e::Kind::kwh, col) - kwh_start, kwh_[i].tenths_of_kilo());
        modbus::put_u32(reactive_apparent, e::register_of(e::Kind::kvarh, col) - ra_start, kvarh_[i].tenths_of_kilo());
        modbus::put_u32(reactive_apparent, e::register_of(e::Kind::kvah, col) - ra_start, kvah_[i].tenths_of_kilo());
    }
}

}  // namespace sim::meter
