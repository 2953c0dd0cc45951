// Property tests of every weight quantizer at every bitwidth 1..16: the number of levels,
// idempotence, the error bound inside the range, symmetry and the exact round trip of tensors
// that already lie on the grid.
#include "serialq/common/error.hpp"
#include "serialq/quant/quantizer.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <set>

using namespace serialq::quant;

namespace {

const std::vector<std::string> kSymmetric = {"wrpn", "linear-tensor-max", "linear-tensor-mse",
                                             "linear-channel-max", "linear-channel-mse"};

bool per_channel(const std::string& name) { return name.rfind("linear-channel", 0) == 0; }

// rows x cols of N(0, sigma) with a few rows at other magnitudes (so that per-channel scales
// differ), no exact zeros.
WeightMatrix gaussian(Eigen::Index rows, Eigen::Index cols, float sigma, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(0.0f, sigma);
    WeightMatrix w(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r) {
        const float row_scale = 1.0f + 0.5f * static_cast<float>(r % 3);
        for (Eigen::Index c = 0; c < cols; ++c) {
            float v = 0.0f;
            while (v == 0.0f) v = n(rng) * row_scale;
            w(r, c) = v;
        }
    }
    return w;
}

// Every row an evenly spaced ramp over [-range, range].
WeightMatrix ramp(Eigen::Index rows, Eigen::Index cols, float range) {
    WeightMatrix w(rows, cols);
    for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < cols; ++c)
            w(r, c) = range * (-1.0f + 2.0f * static_cast<float>(c) / static_cast<float>(cols - 1));
    return w;
}

// The values a row can take: code * scale for every code the quantizer can produce.
std::vector<float> row_levels(const Quantizer& q, const QuantizedTensor& t, Eigen::Index row) {
    std::vector<float> levels;
    const std::int32_t m = q.max_code(t.bits);
    for (std::int32_t c = -m; c <= m; ++c) {
        const bool odd = (c % 2) != 0;
        if (q.name() == "dorefa" && !odd) continue;  // odd codes only, no zero
        if (q.name() != "dorefa" && t.bits == 1 && c == 0) continue;  // binary: +-1
        levels.push_back(static_cast<float>(c) * t.scale(row));
    }
    return levels;
}

}  // namespace

TEST_CASE("quantizers: factory knows every name and rejects others", "[quant][quantizer]") {
    for (const auto& name : quantizer_names()) CHECK(make_quantizer(name)->name() == name);
    CHECK(quantizer_names().size() == 6);
    CHECK_THROWS_MATCHES(make_quantizer("wrpm", "--quantizer"), serialq::ConfigError,
                         Catch::Matchers::Message(
                             "--quantizer: found 'wrpm', expected one of wrpn, linear-tensor-max, "
                             "linear-tensor-mse, linear-channel-max, linear-channel-mse, dorefa"));
}

TEST_CASE("quantizers: bits outside 1..16 are an error naming the quantizer",
          "[quant][quantizer]") {
    const WeightMatrix w = gaussian(2, 8, 0.1f, 1);
    for (const auto& name : quantizer_names()) {
        const auto q = make_quantizer(name);
        CHECK_THROWS_MATCHES(q->quantize(w, 0), serialq::ConfigError,
                             Catch::Matchers::Message(name + ": found 0 bits, expected 1..16"));
        CHECK_THROWS_AS(q->quantize(w, 17), serialq::ConfigError);
        CHECK_NOTHROW(q->quantize(w, 1));
        CHECK_NOTHROW(q->quantize(w, 16));
    }
}

TEST_CASE("quantizers: a dense ramp hits exactly levels(k) distinct codes, within max_code",
          "[quant][quantizer]") {
    // 2^17 points: dense enough for the 65,535 (or 65,536) levels at 16 bits.
    const WeightMatrix w = ramp(2, Eigen::Index{1} << 17, 0.9f);
    for (const auto& name : quantizer_names()) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            // wrpn's range is fixed at (-1, 1): a ramp to 0.9 reaches code round(0.9 m), so
            // give it the full range.
            const WeightMatrix x = name == "wrpn" ? WeightMatrix(w / 0.9f) : w;
            const QuantizedTensor t = q->quantize(x, bits);
            CHECK(t.bits == bits);
            CHECK(t.codes.rows() == x.rows());
            CHECK(t.codes.cols() == x.cols());
            for (Eigen::Index r = 0; r < t.codes.rows(); ++r) {
                std::set<std::int32_t> codes(t.codes.row(r).data(),
                                             t.codes.row(r).data() + t.codes.cols());
                CHECK(static_cast<std::int64_t>(codes.size()) == q->levels(bits));
                CHECK(*codes.rbegin() == q->max_code(bits));
                CHECK(*codes.begin() == -q->max_code(bits));
            }
        }
    }
    // The definitions, spelled out.
    const auto wrpn = make_quantizer("wrpn");
    const auto dorefa = make_quantizer("dorefa");
    CHECK(wrpn->levels(1) == 2);
    CHECK(wrpn->levels(2) == 3);
    CHECK(wrpn->levels(8) == 255);
    CHECK(wrpn->max_code(8) == 127);
    CHECK(wrpn->levels(16) == 65535);
    CHECK(dorefa->levels(1) == 2);
    CHECK(dorefa->levels(2) == 4);
    CHECK(dorefa->levels(8) == 256);
    CHECK(dorefa->max_code(16) == 65535);
}

TEST_CASE("quantizers: one bit is binary, sign(x) times a positive scale", "[quant][quantizer]") {
    WeightMatrix w = gaussian(4, 64, 0.2f, 2);
    w(0, 0) = 0.0f;  // zero counts as positive
    for (const auto& name : quantizer_names()) {
        INFO(name);
        const auto q = make_quantizer(name);
        const QuantizedTensor t = q->quantize(w, 1);
        for (Eigen::Index r = 0; r < w.rows(); ++r) {
            CHECK(t.scale(r) > 0.0f);
            for (Eigen::Index c = 0; c < w.cols(); ++c)
                CHECK(t.codes(r, c) == (w(r, c) >= 0.0f ? 1 : -1));
        }
    }
    // The symmetric quantizers' binary scale is mean|x| (per channel for linear-channel-*),
    // dorefa's is max|x|.
    const QuantizedTensor lt = make_quantizer("linear-tensor-max")->quantize(w, 1);
    CHECK(lt.scales.size() == 1);
    CHECK(lt.scales[0] == Approx(w.cwiseAbs().mean()).epsilon(1e-6));
    const QuantizedTensor lc = make_quantizer("linear-channel-mse")->quantize(w, 1);
    REQUIRE(lc.scales.size() == w.rows());
    for (Eigen::Index r = 0; r < w.rows(); ++r)
        CHECK(lc.scales[r] == Approx(w.row(r).cwiseAbs().mean()).epsilon(1e-6));
    const QuantizedTensor d = make_quantizer("dorefa")->quantize(w, 1);
    CHECK(d.scales[0] == w.cwiseAbs().maxCoeff());
    // wrpn clips to (-1, 1) before taking the mean.
    WeightMatrix big(1, 4);
    big << 3.0f, -0.5f, 0.5f, -4.0f;
    CHECK(make_quantizer("wrpn")->quantize(big, 1).scales[0] == Approx(0.75f));
}

TEST_CASE("quantizers: wrpn follows ReLeQ's formula with the range fixed at (-1, 1)",
          "[quant][quantizer]") {
    WeightMatrix w(1, 7);
    w << -2.0f, -0.5f, -0.1f, 0.0f, 0.24f, 0.26f, 1.5f;
    const QuantizedTensor t3 = make_quantizer("wrpn")->quantize(w, 3);  // m = 2^2 - 1 = 3
    CHECK(t3.scales[0] == Approx(1.0f / 3.0f));
    const std::vector<int> expect3 = {-3, -2, 0, 0, 1, 1, 3};  // round(3 clip(x))
    for (int c = 0; c < 7; ++c) CHECK(t3.codes(0, c) == expect3[static_cast<std::size_t>(c)]);
    const QuantizedTensor t2 = make_quantizer("wrpn")->quantize(w, 2);  // ternary, m = 1
    const std::vector<int> expect2 = {-1, -1, 0, 0, 0, 0, 1};  // round(clip(x))
    for (int c = 0; c < 7; ++c) CHECK(t2.codes(0, c) == expect2[static_cast<std::size_t>(c)]);
}

TEST_CASE("quantizers: the error is within half a step inside the range", "[quant][quantizer]") {
    const WeightMatrix w = gaussian(6, 500, 0.15f, 3);
    for (const auto& name : kSymmetric) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor t = q->quantize(w, bits);
            const WeightMatrix deq = t.dequantize();
            long long inside = 0;
            for (Eigen::Index r = 0; r < w.rows(); ++r) {
                const std::vector<float> levels = row_levels(*q, t, r);
                const float top = levels.back();
                // Step between neighbouring levels: the scale, or 2 s between -s and +s.
                const float half_step = (bits == 1 ? 2.0f : 1.0f) * t.scale(r) / 2.0f;
                for (Eigen::Index c = 0; c < w.cols(); ++c) {
                    if (std::abs(w(r, c)) > top) continue;  // clipped: outside the range
                    ++inside;
                    const float err = std::abs(w(r, c) - deq(r, c));
                    CHECK(err <= half_step * (1.0f + 1e-5f));
                }
            }
            // The max-clipping quantizers keep every value inside; the others most of them.
            CHECK(inside > w.size() / 2);
            if (name.find("-max") != std::string::npos && bits > 1) CHECK(inside == w.size());
        }
    }
    // dorefa: within half a step of its grid in its own domain t = tanh(x) / max|tanh(x)|,
    // where the levels are n / (2^k - 1) for odd n, two apart.
    const auto dorefa = make_quantizer("dorefa");
    const Eigen::ArrayXf t = Eigen::Map<const Eigen::ArrayXf>(w.data(), w.size()).tanh();
    const float t_max = t.abs().maxCoeff();
    for (int bits = 1; bits <= 16; ++bits) {
        INFO("dorefa at " << bits << " bits");
        const QuantizedTensor q = dorefa->quantize(w, bits);
        const float top = static_cast<float>(dorefa->max_code(bits));
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            CHECK(q.codes.data()[i] % 2 != 0);
            CHECK(std::abs(t[i] / t_max * top - static_cast<float>(q.codes.data()[i])) <=
                  1.0f + 1e-5f * top);
        }
        CHECK(q.scales[0] == Approx(w.cwiseAbs().maxCoeff() / top).epsilon(1e-6));
    }
}

TEST_CASE("quantizers: each value goes to the nearest level", "[quant][quantizer]") {
    const WeightMatrix w = gaussian(3, 200, 0.3f, 4);
    for (const auto& name : kSymmetric) {
        const auto q = make_quantizer(name);
        for (int bits : {1, 2, 3, 4, 6}) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor t = q->quantize(w, bits);
            const WeightMatrix deq = t.dequantize();
            for (Eigen::Index r = 0; r < w.rows(); ++r) {
                const std::vector<float> levels = row_levels(*q, t, r);
                for (Eigen::Index c = 0; c < w.cols(); ++c) {
                    float best = std::numeric_limits<float>::infinity();
                    for (float l : levels) best = std::min(best, std::abs(w(r, c) - l));
                    CHECK(std::abs(w(r, c) - deq(r, c)) <= best + 1e-6f);
                }
            }
        }
    }
}

TEST_CASE("quantizers: quantizing a quantized tensor changes nothing", "[quant][quantizer]") {
    // Values beyond 1 make wrpn clip; idempotence must hold there too.
    const WeightMatrix w = gaussian(5, 400, 0.5f, 5);
    for (const auto& name : kSymmetric) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor once = q->quantize(w, bits);
            const QuantizedTensor twice = q->quantize(once.dequantize(), bits);
            CHECK(twice.codes == once.codes);
            for (Eigen::Index r = 0; r < once.scales.size(); ++r)
                CHECK(twice.scales[r] == Approx(once.scales[r]).epsilon(1e-6));
            CHECK(twice.dequantize().isApprox(once.dequantize(), 1e-6f));
        }
    }
}

TEST_CASE("quantizers: dorefa is idempotent in its own domain", "[quant][quantizer]") {
    // Q(Q(x)) = Q(x) holds for dorefa where the grid is the tanh-normalised one: re-quantizing
    // values whose t = tanh(x) / max|tanh(x)| already sits on the grid gives the same codes.
    const auto dorefa = make_quantizer("dorefa");
    const WeightMatrix w = gaussian(4, 300, 0.2f, 6);
    const float t_max = std::tanh(w.cwiseAbs().maxCoeff());
    for (int bits = 1; bits <= 16; ++bits) {
        INFO("dorefa at " << bits << " bits");
        const QuantizedTensor once = dorefa->quantize(w, bits);
        const float top = static_cast<float>(dorefa->max_code(bits));
        WeightMatrix on_grid(w.rows(), w.cols());
        for (Eigen::Index i = 0; i < w.size(); ++i)
            on_grid.data()[i] = std::atanh(static_cast<float>(once.codes.data()[i]) / top * t_max);
        CHECK(dorefa->quantize(on_grid, bits).codes == once.codes);
    }
    // In x itself it holds only while tanh bends the grid by less than half a step: over
    // |x| <= 0.3 the bend is at most 0.13 x 0.3^2 = 0.012 of t, below 1 / (2^k - 1) up to 6 bits.
    const WeightMatrix small = w * (0.3f / w.cwiseAbs().maxCoeff());
    for (int bits = 1; bits <= 6; ++bits) {
        INFO("dorefa at " << bits << " bits, |x| <= 0.3");
        const QuantizedTensor once = dorefa->quantize(small, bits);
        CHECK(dorefa->quantize(once.dequantize(), bits).codes == once.codes);
    }
}

TEST_CASE("quantizers: Q(-x) = -Q(x)", "[quant][quantizer]") {
    const WeightMatrix w = gaussian(4, 300, 0.4f, 7);
    for (const auto& name : quantizer_names()) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor pos = q->quantize(w, bits);
            const QuantizedTensor neg = q->quantize(-w, bits);
            CHECK(neg.codes == (-pos.codes).eval());
            CHECK(neg.scales == pos.scales);
        }
    }
    // Exact ties (half a step) round away from zero on both sides.
    WeightMatrix ties(1, 6);
    ties << 3.0f, -3.0f, 0.5f, -0.5f, 1.5f, -1.5f;  // linear at 3 bits: m = 3, scale 1
    const QuantizedTensor t = make_quantizer("linear-tensor-max")->quantize(ties, 3);
    REQUIRE(t.scales[0] == 1.0f);
    const std::vector<int> expect = {3, -3, 1, -1, 2, -2};
    for (int c = 0; c < 6; ++c) CHECK(t.codes(0, c) == expect[static_cast<std::size_t>(c)]);
}

TEST_CASE("quantizers: a tensor already on the grid round-trips exactly", "[quant][quantizer]") {
    std::mt19937_64 rng(8);
    for (const auto& name : kSymmetric) {
        const auto q = make_quantizer(name);
        for (int bits = 1; bits <= 16; ++bits) {
            INFO(name << " at " << bits << " bits");
            const std::int32_t m = q->max_code(bits);
            std::uniform_int_distribution<std::int32_t> pick(-m, m);
            CodeMatrix codes(3, 64);
            for (Eigen::Index i = 0; i < codes.size(); ++i) {
                std::int32_t c = pick(rng);
                if (bits == 1) c = c >= 0 ? 1 : -1;
                codes.data()[i] = c;
            }
            // Every row reaches +-m, so that max clipping finds the grid's own range; powers of
            // two keep every product exact.
            for (Eigen::Index r = 0; r < codes.rows(); ++r) codes(r, 0) = m, codes(r, 1) = -m;
            Eigen::VectorXf scale(3);
            if (name == "wrpn")
                scale.setConstant(bits == 1 ? 0.25f : 1.0f / static_cast<float>(m));
            else if (per_channel(name))
                scale << 0.0625f, 0.125f, 0.015625f;
            else
                scale.setConstant(0.03125f);
            WeightMatrix x(3, 64);
            for (Eigen::Index r = 0; r < 3; ++r) x.row(r) = codes.row(r).cast<float>() * scale[r];
            const QuantizedTensor t = q->quantize(x, bits);
            CHECK(t.codes == codes);
            for (Eigen::Index r = 0; r < 3; ++r)
                CHECK(t.scale(r) == Approx(scale[r]).epsilon(1e-6));
            CHECK(t.dequantize().isApprox(x, 1e-6f));
        }
    }
    // dorefa: odd codes, through the inverse of its tanh normalisation.
    const auto dorefa = make_quantizer("dorefa");
    for (int bits = 1; bits <= 16; ++bits) {
        const std::int32_t top = dorefa->max_code(bits);
        std::uniform_int_distribution<std::int32_t> pick(-(top / 2) - 1, top / 2);
        CodeMatrix codes(2, 100);
        for (Eigen::Index i = 0; i < codes.size(); ++i) codes.data()[i] = 2 * pick(rng) + 1;
        codes(0, 0) = top;
        const float t_max = std::tanh(0.4f);
        WeightMatrix x(2, 100);
        for (Eigen::Index i = 0; i < x.size(); ++i)
            x.data()[i] =
                std::atanh(static_cast<float>(codes.data()[i]) / static_cast<float>(top) * t_max);
        INFO("dorefa at " << bits << " bits");
        CHECK(dorefa->quantize(x, bits).codes == codes);
    }
}

TEST_CASE("quantizers: an all-zero tensor stays zero", "[quant][quantizer]") {
    const WeightMatrix zero = WeightMatrix::Zero(3, 10);
    for (const auto& name : quantizer_names())
        for (int bits : {2, 8}) {
            INFO(name << " at " << bits << " bits");
            const QuantizedTensor t = make_quantizer(name)->quantize(zero, bits);
            CHECK(t.codes.isZero());
            CHECK(t.dequantize().isZero());
            for (Eigen::Index i = 0; i < t.scales.size(); ++i) CHECK(t.scales[i] > 0.0f);
        }
}

TEST_CASE("quantizers: scales are per tensor or per output channel", "[quant][quantizer]") {
    const WeightMatrix w = gaussian(6, 50, 0.1f, 9);
    for (const auto& name : quantizer_names()) {
        const QuantizedTensor t = make_quantizer(name)->quantize(w, 4);
        CHECK(t.scales.size() == (per_channel(name) ? w.rows() : 1));
    }
    // max clipping: the largest |x| of the group maps to the largest code.
    const QuantizedTensor c = make_quantizer("linear-channel-max")->quantize(w, 5);
    for (Eigen::Index r = 0; r < w.rows(); ++r)
        CHECK(c.scales[r] * 15.0f == Approx(w.row(r).cwiseAbs().maxCoeff()).epsilon(1e-6));
}

TEST_CASE("quantizers: mse clipping never loses to max clipping and wins at low bits",
          "[quant][quantizer]") {
    const WeightMatrix w = gaussian(8, 800, 0.05f, 10);
    for (int bits = 2; bits <= 8; ++bits) {
        INFO(bits << " bits");
        const auto sse = [&](const std::string& name) {
            return static_cast<double>(
                (w - make_quantizer(name)->quantize(w, bits).dequantize()).squaredNorm());
        };
        const double tensor_max = sse("linear-tensor-max");
        const double tensor_mse = sse("linear-tensor-mse");
        const double channel_max = sse("linear-channel-max");
        const double channel_mse = sse("linear-channel-mse");
        CHECK(tensor_mse <= tensor_max);
        CHECK(channel_mse <= channel_max);
        CHECK(channel_max <= tensor_max);  // rows of different magnitudes
        if (bits <= 4) CHECK(tensor_mse < 0.9 * tensor_max);
    }
    // The exposed helpers agree: the optimum's error is no larger than at max|x|, and it lies
    // inside (0, max|x|].
    const float top = w.cwiseAbs().maxCoeff();
    const float clip = mse_optimal_clip(w.data(), w.size(), 1);
    CHECK(clip > 0.0f);
    CHECK(clip <= top);
    CHECK(quantization_sse(w.data(), w.size(), clip, 1) <=
          quantization_sse(w.data(), w.size(), top, 1));
}
