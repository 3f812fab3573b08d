#pragma once
// Import energy of the board's 31 meters (register map 1.4; columns as meter/energy_columns.hpp
// numbers them): kWh, kvarh and kVAh each.
// Consumed energy only (web manual 6.3.3: no bi-directional energy): a channel adds a window's
// energy while it imports active power (P > 0, quadrants I and IV); kvarh adds |Q| of the billed
// reactive definition (0x0835) and kVAh adds S = Vrms·Irms while importing. Phases, users and the
// system add their channels' import energies, so a reversed CT never subtracts from the others.
// Nothing is added while a channel's current is below the starting current (0x0A10, creep).
#include <array>
#include <cstdint>
#include <vector>

#include "meter/energy_columns.hpp"
#include "meter/energy_register.hpp"
#include "meter/measurement.hpp"
#include "meter/power_values.hpp"
#include "meter/wiring.hpp"

namespace sim::meter {

struct ChannelWindow {
    PowerValues power;  // P (W), Q (var, the billed definition), S (VA)
    double current = 0; // A RMS
    double start_current = 0;  // A: below it nothing is accumulated
};

// What each column accumulates per hour while the channels stay as they are: W, var, VA of import.
struct EnergyRates {
    std::array<double, energy_columns> active{}, reactive{}, apparent{};
};
EnergyRates energy_rates(const std::array<ChannelWindow, current_inputs>& channels, const WiringLayout& wiring);

class EnergyMeters {
public:
    // Adds one measuring window of `hours`; returns the active energy (Wh) each column gained,
    // for the TOU registers.
    std::array<double, energy_columns> add_window(double hours, const std::array<ChannelWindow, current_inputs>& channels,
                                                  const WiringLayout& wiring);
    std::array<double, energy_columns> add(const EnergyRates& rates, double hours);
    void clear();  // the "Energy" reset of the Management page (web manual 8.1)

    // Register images: kwh = the 0x2500 block, reactive_apparent = the 0x2B00 block.
    void render(std::vector<std::uint16_t>& kwh, std::vector<std::uint16_t>& reactive_apparent) const;

    const EnergyRegister& kwh(int column) const { return kwh_.at(static_cast<std::size_t>(column)); }
    const EnergyRegister& kvarh(int column) const { return kvarh_.at(static_cast<std::size_t>(column)); }
    const EnergyRegister& kvah(int column) const { return kvah_.at(static_cast<std::size_t>(column)); }
    bool operator==(const EnergyMeters&) const = default;
    void save(NvmWriter& w) const;
    void load(NvmReader& r);

private:
    std::array<EnergyRegister, energy_columns> kwh_{}, kvarh_{}, kvah_{};
};

}  // namespace sim::meter
