#pragma once
// The serial inner-product unit (SIP) of a Stripes-style array as a plain class: the arithmetic
// and the event counts of one unit, with no simulation kernel, so that both the functional mode
// and the SystemC tiles use the same rules and the rules are unit-tested alone.
//
// One SIP has `lanes` lanes. Each cycle every active lane ANDs one bit of its serial operand
// with its other operand, the adder tree sums the lanes, and the shift-accumulator adds the sum
// shifted to that bit's weight (partially serial variants take k bits per cycle: a k-bit digit
// per lane). Bits go least significant first, so the accumulator keeps
// adding across lane chunks of a long inner product without being reset. The serial operand is
// a p-bit two's-complement (or unsigned) number: for a signed operand the most significant
// bit weighs -2^(p-1), so its partial sum is subtracted (the negation input of the
// accumulator). With both operands serial (Loom), each cycle ANDs one weight bit with one
// activation bit per lane, the tree counts the ones, and a chunk takes p_w x p_a cycles. With no
// serial operand (DaDianNao), each lane is a full multiplier and a chunk takes one cycle.
#include <cstdint>
#include <vector>

namespace serialq::sim {

// How an operand is stored: `bits` wide, two's complement when `is_signed`.
struct OperandFormat {
    int bits = 8;
    bool is_signed = true;
    std::int64_t min_value() const;  // -2^(bits-1) or 0
    std::int64_t max_value() const;  // 2^(bits-1) - 1 or 2^bits - 1
    bool holds(std::int64_t value) const { return value >= min_value() && value <= max_value(); }
};

// Activity of SIPs, the events the energy table prices.
struct SipEvents {
    long long lane_cycles = 0;  // active lanes (lanes holding a term), summed over cycles
    long long adder_tree_cycles = 0;  // cycles in which a SIP's adder tree reduced its lanes
    long long accumulator_cycles = 0;  // cycles in which a SIP's accumulator was updated
    SipEvents& operator+=(const SipEvents& other);
    bool operator==(const SipEvents&) const = default;
};

class Sip {
public:
    explicit Sip(int lanes);  // lanes >= 1

    int lanes() const { return lanes_; }
    std::int64_t value() const { return accumulator_; }
    const SipEvents& events() const { return events_; }

    // Starts a new output: the accumulator holds 0. Events keep counting.
    void clear() { accumulator_ = 0; }

    // One cycle, one serial digit per lane (serial operand x parallel operand):
    //   accumulator += (sum_i digit_i * parallel[i]) * 2^shift
    // digits[i] is the lane's digit of the serial operand: 0 or 1 with one bit per cycle; with
    // k bits per cycle a k-bit digit, negative for the top digit of a signed operand (its MSB
    // weighs -2^(p-1)). terms <= lanes lanes are active.
    void cycle(const std::int32_t* digits, const std::int32_t* parallel, int terms, int shift);

    // One cycle with both operands serial (Loom): one weight digit and one activation digit per
    // lane, accumulator += (sum_i w_digit_i * a_digit_i) * 2^shift.
    void cycle_both(const std::int32_t* w_digits, const std::int32_t* a_digits, int terms,
                    int shift);

    // One cycle of a bit-parallel unit: accumulator += sum_i a[i] * b[i].
    void cycle_parallel(const std::int32_t* a, const std::int32_t* b, int terms);

    // A whole lane chunk as the dispatcher feeds it, `bits_per_cycle` serial bits per cycle,
    // least significant digit first: `serial` in `format` (serial_cycles(format.bits, k)
    // cycles), `parallel` at full width. Adds the chunk's inner product to the accumulator.
    // Values must fit their formats (the caller checks).
    void serial_chunk(const std::int32_t* serial, OperandFormat format,
                      const std::int32_t* parallel, int terms, int bits_per_cycle = 1);
    // Both serial: serial_cycles(w.bits, k) x serial_cycles(a.bits, k) cycles.
    void both_serial_chunk(const std::int32_t* weights, OperandFormat w,
                           const std::int32_t* activations, OperandFormat a, int terms,
                           int bits_per_cycle = 1);

    // Resumes a partial sum kept in memory between reduction segments.
    void load(std::int64_t partial_sum) { accumulator_ = partial_sum; }

    // Cycles a p-bit serial operand takes at k bits per cycle: ceil(p / k).
    static int serial_cycles(int bits, int bits_per_cycle) {
        return (bits + bits_per_cycle - 1) / bits_per_cycle;
    }

    // The digit of `value` (a `format` number) at bits [first, first + k): unsigned, except the
    // top digit of a signed number, which carries the sign.
    static std::int32_t digit(std::int32_t value, OperandFormat format, int first, int k);

private:
    int lanes_;
    std::int64_t accumulator_ = 0;
    SipEvents events_;
    std::vector<std::int32_t> slice_a_, slice_b_;  // one digit slice per lane, sized once
};

}  // namespace serialq::sim
