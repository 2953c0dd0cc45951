#pragma once
// Counts derived from sizes (MACs, weights, bits, cycles) that refuse to wrap around: a product
// or sum past int64 is nullopt, for the caller to refuse with its own one-line error, never a
// negative figure printed with exit 0.
#include <cstdint>
#include <optional>

namespace serialq {

inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

}  // namespace serialq
