#pragma once
// Random numbers drawn straight from the run's std::mt19937_64, with our own formulas rather
// than std::uniform_real_distribution, whose algorithm differs between standard libraries:
// the same seed gives the same search on every platform.
#include <cstdint>
#include <random>

namespace serialq::agent {

// Uniform in [0, 1) with 53 random bits.
inline double uniform01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform in [lo, hi).
inline double uniform(std::mt19937_64& rng, double lo, double hi) {
    return lo + (hi - lo) * uniform01(rng);
}

// Uniform integer in [0, n), n > 0 (rejection sampling: no modulo bias).
inline std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n) {
    const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
    std::uint64_t r = rng();
    while (r >= limit) r = rng();
    return r % n;
}

}  // namespace serialq::agent
