#pragma once
// What each value of an oracle cache entry may be (private to quant/src): one owner for the
// cache's readers (a row as SQLite returns it), its writer (an oracle's answer) and the CSV
// import, so that a value refused by one is refused by all.
#include "serialq/common/finite.hpp"
#include "serialq/quant/oracle_cache.hpp"

#include <string>

namespace serialq::quant::detail {

struct EntryField {
    const char* name;  // the column, in the entries table and in an export
    const char* expected;  // for refusals: "..., expected <this>"
};

inline constexpr EntryField kIdentityField{"identity", "an oracle identity"};
inline constexpr EntryField kBitsField{
    "bits",
    "bitwidths 1..16 like 8,4,4,8, a kernel-wise assignment like 4x10,8x6/a8;8x16, "
    "sha256:<64 hex digits>, or reference"};
inline constexpr EntryField kAccuracyField{"accuracy_percent", "a percentage 0..100"};
inline constexpr EntryField kSamplesField{"samples", "a sample count >= 0"};
inline constexpr EntryField kSecondsField{"seconds", "seconds >= 0"};
inline constexpr EntryField kUpperBoundField{"is_upper_bound", "0 or 1"};
inline constexpr EntryField kCreatedField{"created_utc", "a UTC time stamp"};

inline bool valid_identity(const std::string& s) { return !s.empty(); }
// "8,4,4,8" (each width 1..16, written as serialq writes it), a KernelBits::str() like
// "4x10,8x6/a8;8x16", a hashed one (kernel_bits_key) or "reference".
bool valid_bits_key(const std::string& bits);
inline bool valid_accuracy(double v) { return finite_in(v, 0, 100); }
inline bool valid_samples(long long n) { return n >= 0; }
inline bool valid_seconds(double v) { return finite_in(v, 0); }
inline bool valid_upper_bound(long long v) { return v == 0 || v == 1; }
inline bool valid_created(const std::string& s) { return !s.empty(); }

}  // namespace serialq::quant::detail
