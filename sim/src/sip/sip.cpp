// The SIP's arithmetic and event counting (see sip.hpp for the datapath).
#include "serialq/sim/sip.hpp"

#include "serialq/common/error.hpp"

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
    if (lanes < 1) throw ConfigError("Sip: lanes: found " + std::to_string(lanes) + ", expected >= 1");
    slice_a_.resize(static_cast<std::size_t>(lanes));
    slice_b_.resize(static_cast<std::size_t>(lanes));
}

void Sip::cycle(const std::uint8_t* bits, const std::int32_t* parallel, int terms, int shift,
                bool negate) {
    std::int64_t tree = 0;  // the adder tree: sum of the ANDed lanes
    for (int i = 0; i < terms; ++i) tree += bits[i] ? parallel[i] : 0;
    const std::int64_t shifted = tree * (std::int64_t{1} << shift);
    accumulator_ += negate ? -shifted : shifted;
    events_.lane_cycles += terms;
    ++events_.adder_tree_cycles;
    ++events_.accumulator_cycles;
}

void Sip::cycle_both(const std::uint8_t* w_bits, const std::uint8_t* a_bits, int terms,
                     int shift, bool negate) {
    std::int64_t ones = 0;  // the adder tree counts the lanes where both bits are 1
    for (int i = 0; i < terms; ++i) ones += w_bits[i] & a_bits[i];
    const std::int64_t shifted = ones * (std::int64_t{1} << shift);
    accumulator_ += negate ? -shifted : shifted;
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

namespace {

// Bit `bit` of `value`'s two's-complement representation (valid for any bit < 63).
inline std::uint8_t bit_of(std::int32_t value, int bit) {
    return static_cast<std::uint8_t>((static_cast<std::uint64_t>(static_cast<std::int64_t>(value)) >> bit) & 1u);
}

}  // namespace

void Sip::serial_chunk(const std::int32_t* serial, OperandFormat format,
                       const std::int32_t* parallel, int terms) {
    for (int b = 0; b < format.bits; ++b) {  // least significant bit first
        for (int i = 0; i < terms; ++i) slice_a_[i] = bit_of(serial[i], b);
        const bool sign_bit = format.is_signed && b == format.bits - 1;
        cycle(slice_a_.data(), parallel, terms, b, sign_bit);
    }
}

void Sip::both_serial_chunk(const std::int32_t* weights, OperandFormat w,
                            const std::int32_t* activations, OperandFormat a, int terms) {
    for (int wb = 0; wb < w.bits; ++wb) {
        for (int i = 0; i < terms; ++i) slice_a_[i] = bit_of(weights[i], wb);
        const bool w_sign = w.is_signed && wb == w.bits - 1;
        for (int ab = 0; ab < a.bits; ++ab) {
            for (int i = 0; i < terms; ++i) slice_b_[i] = bit_of(activations[i], ab);
            const bool a_sign = a.is_signed && ab == a.bits - 1;
            // A product of two bits weighs -2^(wb+ab) when exactly one of them is a sign bit.
            cycle_both(slice_a_.data(), slice_b_.data(), terms, wb + ab, w_sign != a_sign);
        }
    }
}

}  // namespace serialq::sim
