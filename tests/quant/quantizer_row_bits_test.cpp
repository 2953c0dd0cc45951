// Per-row weight bits (Quantizer::quantize(x, row_bits)): uniform rows are quantize(x, bits)
// bit for bit, every row's codes fit its own bits, a row at b bits is that row of
// quantize(x, b) (for the per-channel quantizers, the row quantized alone), and changing one
// row's bits changes that row alone.
#include "serialq/common/error.hpp"
#include "serialq/quant/quantizer.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace serialq::quant;

namespace {

// Rows at different magnitudes, so that per-row and per-group scales differ.
WeightMatrix weights(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(0.0f, 0.2f);
    WeightMatrix w(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < cols; ++c)
            w(r, c) = n(rng) * (1.0f + 0.7f * static_cast<float>(r % 4));
    return w;
}

bool per_channel(const std::string& name) { return name.rfind("linear-channel", 0) == 0; }

const std::vector<int> kMixed = {4, 8, 1, 4, 2, 16, 8, 3};

}  // namespace

TEST_CASE("row bits: uniform rows are quantize(x, bits) bit for bit", "[quant][quantizer]") {
    const WeightMatrix x = weights(8, 50, 1);
    for (const auto& name : quantizer_names()) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor whole = q->quantize(x, bits);
            const QuantizedTensor rows = q->quantize(x, std::vector<int>(8, bits));
            CHECK(rows.codes == whole.codes);
            CHECK(rows.scales == whole.scales);
            CHECK(rows.bits == bits);
            CHECK(rows.row_bits == std::vector<int>(8, bits));
            CHECK(whole.bits_of(5) == bits);
        }
    }
}

TEST_CASE("row bits: each row's codes fit its own bits and are that row of quantize(x, b)",
          "[quant][quantizer]") {
    const WeightMatrix x = weights(8, 50, 2);
    for (const auto& name : quantizer_names()) {
        INFO(name);
        const auto q = make_quantizer(name);
        const QuantizedTensor t = q->quantize(x, kMixed);
        CHECK(t.bits == 16);
        CHECK(t.row_bits == kMixed);
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const int b = kMixed[static_cast<std::size_t>(r)];
            INFO("row " << r << " at " << b << " bits");
            CHECK(t.bits_of(r) == b);
            CHECK(t.codes.row(r).cwiseAbs().maxCoeff() <= q->max_code(b));
            if (per_channel(name)) {
                // Row-independent: the row alone at its bits.
                const QuantizedTensor alone = q->quantize(WeightMatrix(x.row(r)), b);
                CHECK(t.codes.row(r) == alone.codes.row(0));
                CHECK(t.scale(r) == alone.scale(0));
            }
        }
        // Every quantizer: the row of the whole tensor at the row's bits.
        for (Eigen::Index r = 0; r < x.rows(); ++r) {
            const int b = kMixed[static_cast<std::size_t>(r)];
            const QuantizedTensor whole = q->quantize(x, b);
            CHECK(t.codes.row(r) == whole.codes.row(r));
            CHECK(t.scale(r) == whole.scale(r));
        }
    }
}

TEST_CASE("row bits: lowering one row's bits changes that row only", "[quant][quantizer]") {
    const WeightMatrix x = weights(8, 50, 3);
    for (const auto& name : quantizer_names()) {
        INFO(name);
        const auto q = make_quantizer(name);
        std::vector<int> lowered(8, 8);
        lowered[3] = 3;
        const QuantizedTensor base = q->quantize(x, 8);
        const QuantizedTensor t = q->quantize(x, lowered);
        for (Eigen::Index r = 0; r < x.rows(); ++r)
            if (r != 3) CHECK(t.codes.row(r) == base.codes.row(r));
        CHECK(t.codes.row(3).cwiseAbs().maxCoeff() <= q->max_code(3));
        CHECK(t.codes.row(3) != base.codes.row(3));
    }
}

TEST_CASE("row bits: a wrong count or width names the quantizer and the row",
          "[quant][quantizer]") {
    const WeightMatrix x = weights(3, 5, 4);
    const auto q = make_quantizer("linear-channel-max");
    CHECK_THROWS_MATCHES(q->quantize(x, std::vector<int>{8, 8}), serialq::ConfigError,
                         Catch::Matchers::Message("linear-channel-max: found 2 row bitwidths, "
                                                  "expected 3 (one per output channel)"));
    CHECK_THROWS_MATCHES(
        q->quantize(x, std::vector<int>{8, 17, 8}), serialq::ConfigError,
        Catch::Matchers::Message("linear-channel-max: row 1: found 17 bits, expected 1..16"));
}
