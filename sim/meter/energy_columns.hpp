#pragma once
// The board's 31 energy meters ("columns"), numbered as the energy registers order them (register
// map 1.4): phases A-C (0-2), system (3), input channels 1-18 (4-21), user channels s1-s9 (22-30).
// The kWh/kvarh/kVAh blocks and the TOU energy blocks both use this numbering.
namespace sim::meter {

constexpr int energy_columns = 31;
constexpr int column_phase(int p0) { return p0; }          // p0 = 0..2 (A..C)
constexpr int column_system = 3;
constexpr int column_channel(int ch0) { return 4 + ch0; }  // ch0 = 0..17
constexpr int column_user(int u0) { return 22 + u0; }      // u0 = 0..8

}  // namespace sim::meter
