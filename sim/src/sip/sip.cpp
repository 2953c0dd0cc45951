// The SIP's arithmetic and event counting (see sip.hpp for the datapath).
#include "serialq/sim/sip.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>
#include <string>

namespace serialq::sim {

std::int64_t OperandFormat::min_value() const {
    return is_signed ? -(std::int64_t{1} << (bits - 1)) : 0;
}

std::int64_t OperandFormat::max_value() const {
    return is_signed ? (std::int64_t{1} << (bits - 1)) - 1 : (std::int64_t{1} << bits) - 1;
}

SipEvents& SipEvents::operator+=(const SipEvents& other) {
    lane_cycles += other.lane_cycles;
    adder_tree_cycles += other.adder_tree_cycles;
    accumulator_cycles += other.accumulator_cycles;
    return *this;
}

Sip::Sip(int lanes) : lanes_(lanes) {
    if (lanes < 1)
        throw ConfigError("Sip: lanes: found " + std::to_string(lanes) + ", expected >= 1");
    slice_a_.resize(static_cast<std::size_t>(lanes));
    slice_b_.resize(static_cast<std::size_t>(lanes));
}

void Sip::cycle(const std::int32_t* digits, const std::int32_t* parallel, int terms, int shift) {
    std::int64_t tree = 0;  // the adder tree: sum of the lanes' digit x operand products
    for (int i = 0; i < terms; ++i) tree += static_cast<std::int64_t>(digits[i]) * parallel[i];
    accumulator_ += tree * (std::int64_t{1} << shift);
    events_.lane_cycles += terms;
    ++events_.adder_tree_cycles;
    ++events_.accumulator_cycles;
}

void Sip::cycle_both(const std::int32_t* w_digits, const std::int32_t* a_digits, int terms,
                     int shift) {
    // With one bit per cycle the lanes AND two bits and the tree counts the ones.
    std::int64_t tree = 0;
    for (int i = 0; i < terms; ++i) tree += static_cast<std::int64_t>(w_digits[i]) * a_digits[i];
    accumulator_ += tree * (std::int64_t{1} << shift);
    events_.lane_cycles += terms;
    ++events_.adder_tree_cycles;
    ++events_.accumulator_cycles;
}

void Sip::cycle_parallel(const std::int32_t* a, const std::int32_t* b, int terms) {
    std::int64_t tree = 0;
    for (int i = 0; i < terms; ++i) tree += static_cast<std::int64_t>(a[i]) * b[i];
    accumulator_ += tree;
    events_.lane_cycles += terms;
    ++events_.adder_tree_cycles;
    ++events_.accumulator_cycles;
}

std::int32_t Sip::digit(std::int32_t value, OperandFormat format, int first, int k) {
    const int width = std::min(k, format.bits - first);
    // The low `width` bits from `first` of the two's-complement representation.
    const auto raw = static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
    auto d = static_cast<std::int64_t>((raw >> first) & ((std::uint64_t{1} << width) - 1));
    // A signed operand's MSB weighs -2^(bits-1): the top digit subtracts it (the negation input).
    if (format.is_signed && first + width == format.bits && ((d >> (width - 1)) & 1))
        d -= std::int64_t{1} << width;
    return static_cast<std::int32_t>(d);
}

void Sip::serial_chunk(const std::int32_t* serial, OperandFormat format,
                       const std::int32_t* parallel, int terms, int bits_per_cycle) {
    for (int b = 0; b < format.bits; b += bits_per_cycle) {  // least significant digit first
        for (int i = 0; i < terms; ++i) slice_a_[i] = digit(serial[i], format, b, bits_per_cycle);
        cycle(slice_a_.data(), parallel, terms, b);
    }
}

void Sip::both_serial_chunk(const std::int32_t* weights, OperandFormat w,
                            const std::int32_t* activations, OperandFormat a, int terms,
                            int bits_per_cycle) {
    for (int wb = 0; wb < w.bits; wb += bits_per_cycle) {
        for (int i = 0; i < terms; ++i) slice_a_[i] = digit(weights[i], w, wb, bits_per_cycle);
        for (int ab = 0; ab < a.bits; ab += bits_per_cycle) {
            for (int i = 0; i < terms; ++i)
                slice_b_[i] = digit(activations[i], a, ab, bits_per_cycle);
            cycle_both(slice_a_.data(), slice_b_.data(), terms, wb + ab);
        }
    }
}

}  // namespace serialq::sim
