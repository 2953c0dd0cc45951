#pragma once
// Raw little-endian serialisation of the strategies' state inside a checkpoint (private to
// agent/src). Floats are stored bit-exactly: a resumed search must continue with the very
// same parameters. Reading past the end is an InputError naming `what`.
#include "serialq/common/error.hpp"
#include "serialq/common/finite.hpp"
#include "serialq/common/text.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace serialq::agent::detail {

class ByteWriter {
public:
    template <typename T>
    void put(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    template <typename T>
    void put_array(const T* data, std::int64_t n) {
        put<std::int64_t>(n);
        bytes_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n) * sizeof(T));
    }
    void put_string(const std::string& s) {
        put_array(s.data(), static_cast<std::int64_t>(s.size()));
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

class ByteReader {
public:
    ByteReader(const std::string& bytes, std::string what)
        : bytes_(&bytes), what_(std::move(what)) {}

    template <typename T>
    T get() {
        T v;
        need(sizeof v);
        std::memcpy(&v, bytes_->data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    // Reads an array written by put_array; its length must be `expected` (-1: any).
    template <typename T>
    std::vector<T> get_array(std::int64_t expected = -1) {
        const auto n = get<std::int64_t>();
        if (n < 0 || (expected >= 0 && n != expected))
            throw InputError(what_ + ": an array of " + std::to_string(n) + " values where " +
                             std::to_string(expected) + " were expected (different settings?)");
        // Divided rather than multiplied: n * sizeof(T) wraps around for a damaged length.
        if (static_cast<std::size_t>(n) > (bytes_->size() - pos_) / sizeof(T))
            throw InputError(what_ + ": truncated (an array of " + std::to_string(n) +
                             " values, more than the bytes left)");
        std::vector<T> v(static_cast<std::size_t>(n));
        if (n > 0) std::memcpy(v.data(), bytes_->data() + pos_, v.size() * sizeof(T));
        pos_ += v.size() * sizeof(T);
        return v;
    }
    // get_array of floating-point values, each finite and within [lo, hi]: a network weight, a
    // moment or a stored transition that is NaN or infinite would poison every later update.
    template <typename T>
    std::vector<T> get_finite_array(std::int64_t expected, const std::string& field,
                                    double lo = std::numeric_limits<double>::lowest(),
                                    double hi = std::numeric_limits<double>::max()) {
        std::vector<T> v = get_array<T>(expected);
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!finite_in(static_cast<double>(v[i]), lo, hi))
                throw InputError(what_ + ": " + field + "[" + std::to_string(i) + "]: found " +
                                 shortest_number(static_cast<double>(v[i])) + ", expected " +
                                 range_text(lo, hi));
        return v;
    }
    // A count (an update or step count, an episode number): negative ones are refused.
    std::int64_t get_count(const std::string& field) {
        const auto n = get<std::int64_t>();
        if (n < 0)
            throw InputError(what_ + ": " + field + ": found " + std::to_string(n) +
                             ", expected a count >= 0");
        return n;
    }
    std::string get_string() {
        const auto v = get_array<char>();
        return std::string(v.begin(), v.end());
    }
    void expect_end() const {
        if (pos_ != bytes_->size())
            throw InputError(what_ + ": " + std::to_string(bytes_->size() - pos_) +
                             " unexpected trailing bytes");
    }

private:
    static std::string range_text(double lo, double hi) {
        if (lo == std::numeric_limits<double>::lowest() && hi == std::numeric_limits<double>::max())
            return "a finite number";
        if (hi == std::numeric_limits<double>::max())
            return "a finite number >= " + shortest_number(lo);
        return "a number in " + shortest_number(lo) + ".." + shortest_number(hi);
    }
    void need(std::size_t n) const {
        if (bytes_->size() - pos_ < n) throw InputError(what_ + ": truncated");
    }
    const std::string* bytes_;
    std::string what_;
    std::size_t pos_ = 0;
};

}  // namespace serialq::agent::detail
