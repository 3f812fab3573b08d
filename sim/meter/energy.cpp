#include "meter/energy.hpp"

#include <cmath>

#include "acurev/board_map.hpp"
#include "modbus/pdu.hpp"

namespace sim::meter {

EnergyRates energy_rates(const std::array<ChannelWindow, current_inputs>& channels, const WiringLayout& wiring) {
    EnergyRates r;
    for (int ch = 0; ch < current_inputs; ++ch) {
        const auto& c = channels[static_cast<std::size_t>(ch)];
        if (c.power.p <= 0 || c.current <= c.start_current) continue;
        const int cols[] = {wiring.phase[static_cast<std::size_t>(ch)], column_system, column_channel(ch),
                            wiring.user[static_cast<std::size_t>(ch)] >= 0 ? column_user(wiring.user[static_cast<std::size_t>(ch)]) : -1};
        for (const int col : cols) {
            if (col < 0) continue;
            const auto i = static_cast<std::size_t>(col);
            r.active[i] += c.power.p;
            r.reactive[i] += std::abs(c.power.q);
            r.apparent[i] += c.power.s;
        }
    }
    return r;
}

std::array<double, energy_columns> EnergyMeters::add_window(double hours, const std::array<ChannelWindow, current_inputs>& channels,
                                                            const WiringLayout& wiring) {
    return add(energy_rates(channels, wiring), hours);
}

std::array<double, energy_columns> EnergyMeters::add(const EnergyRates& rates, double hours) {
    std::array<double, energy_columns> active{};
    for (std::size_t i = 0; i < energy_columns; ++i) {
        if (rates.active[i] == 0 && rates.reactive[i] == 0 && rates.apparent[i] == 0) continue;
        active[i] = rates.active[i] * hours;
        kwh_[i].add_wh(active[i]);
        kvarh_[i].add_wh(rates.reactive[i] * hours);
        kvah_[i].add_wh(rates.apparent[i] * hours);
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

void EnergyMeters::save(NvmWriter& w) const {
    for (const auto* table : {&kwh_, &kvarh_, &kvah_})
        for (const auto& r : *table) r.save(w);
}

void EnergyMeters::load(NvmReader& r) {
    for (auto* table : {&kwh_, &kvarh_, &kvah_})
        for (auto& x : *table) x.load(r);
}

}  // namespace sim::meter
