#pragma once
// Whether a number read from a file is usable: finite and within its documented range. One
// helper, because `v < lo || v > hi` lets NaN through (every comparison with NaN is false) and
// a range check alone lets infinities through when the range is open-ended; a reader states
// the range and this decides. Kept apart from text.hpp, which turns text into numbers.
#include <cmath>
#include <limits>

namespace serialq {

inline bool finite_in(double v, double lo = std::numeric_limits<double>::lowest(),
                      double hi = std::numeric_limits<double>::max()) {
    return std::isfinite(v) && v >= lo && v <= hi;
}

}  // namespace serialq
