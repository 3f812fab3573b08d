#include "meter/power_values.hpp"

#include <cmath>

namespace sim::meter {

namespace {

acurev::LoadNature nature_of(double p, double q1, double s1) {
    if (s1 <= 0 || std::abs(q1) <= 0.01 * s1) return acurev::LoadNature::resistive;
    return p * q1 >= 0 ? acurev::LoadNature::inductive : acurev::LoadNature::capacitive;
}

double pf_of(double p, double q, double s, const PowerConventions& c) {
    if (s <= 0) return 1.0;
    const double magnitude = std::min(1.0, std::abs(p) / s);
    if (!c.ieee_pf) return p < 0 ? -magnitude : magnitude;
    return p * q > 0 ? -magnitude : magnitude;  // IEEE: negative when inductive, whatever the flow
}

}  // namespace

PowerValues power_values(const ElementPower& e, const PowerConventions& c) {
    PowerValues v;
    v.p = e.p;
    v.s = e.s;
    if (c.generalized_var) {
        const double n = std::sqrt(std::max(0.0, e.s * e.s - e.p * e.p));
        v.q = e.q1 < 0 ? -n : n;
    } else {
        v.q = e.q1;
    }
    v.pf = pf_of(v.p, v.q, v.s, c);
    v.nature = nature_of(e.p, e.q1, e.s1);
    return v;
}

PowerValues PowerSum::values(const PowerConventions& c) const {
    PowerValues v;
    v.p = sum.p;
    v.q = q;
    v.s = sum.s;
    v.pf = pf_of(v.p, v.q, v.s, c);
    v.nature = nature_of(sum.p, sum.q1, sum.s1);
    return v;
}

}  // namespace sim::meter
