// The SIP's arithmetic without a kernel: bit-serial inner products equal plain dot products for
// every precision and signedness, and the events match the timing rule (p cycles per chunk).
#include "serialq/common/error.hpp"
#include "serialq/sim/sip.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

using serialq::sim::OperandFormat;
using serialq::sim::Sip;
using serialq::sim::SipEvents;

namespace {

std::vector<std::int32_t> random_values(std::mt19937_64& rng, OperandFormat f, int n) {
    std::uniform_int_distribution<std::int64_t> d(f.min_value(), f.max_value());
    std::vector<std::int32_t> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = static_cast<std::int32_t>(d(rng));
    return v;
}

std::int64_t dot(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b, int n) {
    std::int64_t s = 0;
    for (int i = 0; i < n; ++i) s += static_cast<std::int64_t>(a[i]) * b[i];
    return s;
}

}  // namespace

TEST_CASE("sip: operand formats bound their values", "[sim][sip]") {
    CHECK(OperandFormat{1, true}.min_value() == -1);
    CHECK(OperandFormat{1, true}.max_value() == 0);
    CHECK(OperandFormat{1, false}.max_value() == 1);
    CHECK(OperandFormat{8, true}.min_value() == -128);
    CHECK(OperandFormat{8, false}.max_value() == 255);
    CHECK(OperandFormat{16, true}.holds(-32768));
    CHECK_FALSE(OperandFormat{16, true}.holds(32768));
}

TEST_CASE("sip: one cycle ANDs, sums the lanes, shifts and negates the sign bit", "[sim][sip]") {
    Sip sip(4);
    const std::int32_t bits[4] = {1, 0, 1, 1};
    const std::int32_t par[4] = {5, 100, -3, 7};
    sip.cycle(bits, par, 4, 2);  // (5 - 3 + 7) << 2
    CHECK(sip.value() == 36);
    const std::int32_t sign_bits[4] = {-1, 0, -1, -1};  // the MSB of a signed operand
    sip.cycle(sign_bits, par, 3, 0);  // only 3 lanes active: -(5 - 3)
    CHECK(sip.value() == 34);
    CHECK(sip.events() == SipEvents{7, 2, 2});
    sip.clear();
    CHECK(sip.value() == 0);
    CHECK(sip.events().accumulator_cycles == 2);
}

TEST_CASE("sip: digits of two's-complement numbers", "[sim][sip]") {
    // -3 in 4 bits is 1101: one bit per cycle 1, 0, 1, -1 (the MSB weighs -8).
    const OperandFormat f{4, true};
    CHECK(Sip::digit(-3, f, 0, 1) == 1);
    CHECK(Sip::digit(-3, f, 1, 1) == 0);
    CHECK(Sip::digit(-3, f, 2, 1) == 1);
    CHECK(Sip::digit(-3, f, 3, 1) == -1);
    // Two bits per cycle: 01 = 1, then 11 as the signed top digit = -1: 1 + (-1 << 2) = -3.
    CHECK(Sip::digit(-3, f, 0, 2) == 1);
    CHECK(Sip::digit(-3, f, 2, 2) == -1);
    // 5 bits at 2 per cycle: the top digit is one bit wide. 13 = 01101 unsigned.
    CHECK(Sip::digit(13, {5, false}, 4, 2) == 0);
    CHECK(Sip::digit(13, {5, false}, 2, 2) == 3);
    CHECK(Sip::digit(-16, {5, true}, 4, 2) == -1);
    CHECK(Sip::serial_cycles(5, 2) == 3);
    CHECK(Sip::serial_cycles(8, 4) == 2);
    CHECK(Sip::serial_cycles(1, 4) == 1);
}

TEST_CASE("sip: a 1-bit signed serial operand is 0 or -1", "[sim][sip]") {
    Sip sip(2);
    const std::int32_t serial[2] = {-1, 0};
    const std::int32_t par[2] = {9, 4};
    sip.serial_chunk(serial, {1, true}, par, 2);
    CHECK(sip.value() == -9);
    CHECK(sip.events().adder_tree_cycles == 1);
}

TEST_CASE("sip: serial chunks equal dot products for every precision and signedness",
          "[sim][sip]") {
    std::mt19937_64 rng(11);
    for (int lanes : {1, 3, 16}) {
        for (int k : {1, 2, 4}) {
            for (int bits = 1; bits <= 16; ++bits) {
                for (bool is_signed : {true, false}) {
                    const OperandFormat sf{bits, is_signed};
                    const OperandFormat pf{16, true};
                    Sip sip(lanes);
                    std::int64_t expected = 0;
                    long long terms_total = 0;
                    for (int chunk = 0; chunk < 3; ++chunk) {  // accumulates across chunks
                        const int terms =
                            1 + static_cast<int>(rng() % static_cast<unsigned>(lanes));
                        const auto s = random_values(rng, sf, terms);
                        const auto p = random_values(rng, pf, terms);
                        sip.serial_chunk(s.data(), sf, p.data(), terms, k);
                        expected += dot(s, p, terms);
                        terms_total += terms;
                    }
                    INFO("lanes " << lanes << " k " << k << " bits " << bits << " signed "
                                  << is_signed);
                    const long long cycles = Sip::serial_cycles(bits, k);
                    CHECK(sip.value() == expected);
                    CHECK(sip.events().adder_tree_cycles == 3 * cycles);
                    CHECK(sip.events().accumulator_cycles == 3 * cycles);
                    CHECK(sip.events().lane_cycles == terms_total * cycles);
                }
            }
        }
    }
}

TEST_CASE("sip: extreme values: most negative serial times most negative parallel", "[sim][sip]") {
    Sip sip(16);
    std::vector<std::int32_t> s(16, -128), p(16, -32768);
    sip.serial_chunk(s.data(), {8, true}, p.data(), 16);
    CHECK(sip.value() == 16LL * 128 * 32768);
}

TEST_CASE("sip: both operands serial (Loom) take pw x pa cycles and stay exact", "[sim][sip]") {
    std::mt19937_64 rng(12);
    for (int k : {1, 2}) {
        for (int wb = 1; wb <= 8; ++wb) {
            for (int ab = 1; ab <= 8; ++ab) {
                for (bool act_signed : {false, true}) {
                    const OperandFormat wf{wb, true}, af{ab, act_signed};
                    Sip sip(16);
                    const int terms = 1 + static_cast<int>(rng() % 16);
                    const auto w = random_values(rng, wf, terms);
                    const auto a = random_values(rng, af, terms);
                    sip.both_serial_chunk(w.data(), wf, a.data(), af, terms, k);
                    INFO("k " << k << " wb " << wb << " ab " << ab << " signed activations "
                              << act_signed);
                    const long long cycles = static_cast<long long>(Sip::serial_cycles(wb, k)) *
                                             Sip::serial_cycles(ab, k);
                    CHECK(sip.value() == dot(w, a, terms));
                    CHECK(sip.events().adder_tree_cycles == cycles);
                    CHECK(sip.events().lane_cycles == terms * cycles);
                }
            }
        }
    }
}

TEST_CASE("sip: bit-parallel unit: one cycle per chunk", "[sim][sip]") {
    std::mt19937_64 rng(13);
    Sip sip(16);
    const auto a = random_values(rng, {16, true}, 16);
    const auto b = random_values(rng, {16, true}, 16);
    sip.cycle_parallel(a.data(), b.data(), 16);
    CHECK(sip.value() == dot(a, b, 16));
    CHECK(sip.events() == SipEvents{16, 1, 1});
}

TEST_CASE("sip: a SIP needs at least one lane", "[sim][sip]") {
    CHECK_THROWS_AS(Sip(0), serialq::ConfigError);
}
