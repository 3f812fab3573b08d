#pragma once
// From measured element powers to the values the registers publish: which reactive power
// (register 0x0835), the PF sign convention (0x0836) and the load nature.
#include "acurev/board_map.hpp"
#include "meter/measurement.hpp"

namespace sim::meter {

struct PowerConventions {
    bool generalized_var = false;  // 0x0835 = 1: Q = sign(Q1)·sqrt(S² − P²); 0: Q = Q1 (fundamental)
    bool ieee_pf = false;          // 0x0836 = 1: PF negative when inductive; 0 (IEC): PF has the sign of P
};

struct PowerValues {
    double p = 0, q = 0, s = 0, pf = 1;
    acurev::LoadNature nature = acurev::LoadNature::resistive;
};

// Load nature uses Q1 so harmonics never flip it (metering-science 1.4): resistive while
// |Q1| ≤ 1 % of S1, else inductive when P·Q1 > 0, capacitive when P·Q1 < 0.
PowerValues power_values(const ElementPower& e, const PowerConventions& c);

// Arithmetic sums over elements for phases, users and the system: P, Q and S add (S
// arithmetic, metering-science 1.3), PF = P/S of the sums.
struct PowerSum {
    ElementPower sum;
    double q = 0;
    void add(const ElementPower& e, const PowerValues& v) {
        sum.p += e.p;
        sum.q1 += e.q1;
        sum.qb += e.qb;
        sum.s += e.s;
        sum.s1 += e.s1;
        q += v.q;
    }
    PowerValues values(const PowerConventions& c) const;
};

}  // namespace sim::meter
