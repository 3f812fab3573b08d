#pragma once
// Seeded Gaussian noise, one stream per channel: splitmix64 for uniform bits, the polar form of
// Box–Muller (one log and one sqrt per pair, no trigonometry) for the normal deviates. The same
// seed and the same sequence of draws give the same numbers (for a given libm's log).
#include <cmath>
#include <cstdint>

namespace sim {

class GaussianNoise {
public:
    // Seed and stream index are both mixed, so neighbouring seeds or channels are unrelated.
    GaussianNoise() : GaussianNoise(0, 0) {}
    GaussianNoise(std::uint64_t seed, std::uint64_t stream) : state_(mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03ULL))) {}

    double next() {  // N(0, 1)
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u, v, s;
        do {
            u = 2 * uniform() - 1;
            v = 2 * uniform() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        const double k = std::sqrt(-2 * std::log(s) / s);
        spare_ = v * k;
        has_spare_ = true;
        return u * k;
    }

private:
    static std::uint64_t mix(std::uint64_t z) {  // splitmix64 finaliser
        z += 0x9E3779B97F4A7C15ULL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() {  // [0, 1), 53 bits
        state_ += 0x9E3779B97F4A7C15ULL;
        return static_cast<double>(mix(state_) >> 11) * 0x1.0p-53;
    }

    std::uint64_t state_;
    double spare_ = 0;
    bool has_spare_ = false;
};

}  // namespace sim
