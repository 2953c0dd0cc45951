// The weights file: round trip, and every way a file can be damaged is a one-line InputError
// naming the file, never garbage weights.
#include "../common/temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/model.hpp"
#include "serialq/quant/weights_file.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace serialq::quant;
using serialq::test::TempDir;

namespace {

WeightsFile sample_file() {
    WeightsFile f;
    f.metadata_json = R"({"network": "tiny", "seed": 3})";
    f.tensors.push_back({"conv1.weight", {2, 1, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}});
    f.tensors.push_back({"conv1.bias", {2}, {-0.5f, 0.25f}});
    return f;
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t v) {
    std::memcpy(&bytes[at], &v, 4);
}

// Re-seals `bytes` (everything but the last 4 bytes) with a correct checksum, so that a test
// reaches the checks behind the checksum.
std::string reseal(std::string body) {
    // CRC-32 (IEEE 802.3), bit by bit: independent of the zlib the writer uses.
    std::uint32_t c = 0xffffffffu;
    for (unsigned char byte : body) {
        c ^= byte;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    c = ~c;
    body.append(reinterpret_cast<const char*>(&c), 4);
    return body;
}

std::string decode_error(const std::string& bytes, const std::string& source = "w.sqw") {
    try {
        decode_weights(bytes, source);
    } catch (const serialq::InputError& e) {
        const std::string m = e.what();
        CHECK(m.rfind(source + ": ", 0) == 0);
        CHECK(m.find('\n') == std::string::npos);
        return m;
    }
    FAIL("decode_weights accepted a damaged file");
    return "";
}

}  // namespace

TEST_CASE("weights file: encode and decode round-trip, with the layout documented",
          "[quant][weights]") {
    WeightsFile f = sample_file();
    const std::string bytes = encode_weights(f);
    // Header: magic, version 1, two tensors, the metadata's length.
    CHECK(bytes.substr(0, 8) == "SQWEIGHT");
    std::uint32_t v = 0;
    std::memcpy(&v, bytes.data() + 8, 4);
    CHECK(v == 1);
    std::memcpy(&v, bytes.data() + 12, 4);
    CHECK(v == 2);
    std::memcpy(&v, bytes.data() + 16, 4);
    CHECK(v == f.metadata_json.size());
    // 20 + metadata + (4 + 12 + 4 + 16 + 32) + (4 + 10 + 4 + 4 + 8) + 4 bytes.
    CHECK(bytes.size() == 20 + f.metadata_json.size() + 68 + 30 + 4);
    std::memcpy(&v, bytes.data() + bytes.size() - 4, 4);
    CHECK(v == f.crc32);
    CHECK(reseal(bytes.substr(0, bytes.size() - 4)) == bytes);  // CRC-32 (IEEE) of the rest

    const WeightsFile back = decode_weights(bytes, "mem");
    CHECK(back.metadata_json == f.metadata_json);
    CHECK(back.crc32 == f.crc32);
    REQUIRE(back.tensors.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(back.tensors[i].name == f.tensors[i].name);
        CHECK(back.tensors[i].shape == f.tensors[i].shape);
        CHECK(back.tensors[i].values == f.tensors[i].values);
    }
    CHECK(back.find("conv1.bias") != nullptr);
    CHECK(back.find("conv2.bias") == nullptr);

    TempDir dir;
    const auto path = dir.path() / "sub" / "w.sqw";
    write_weights_file(path, f);
    CHECK(serialq::read_file(path) == bytes);
    CHECK(read_weights_file(path).tensors[0].values == f.tensors[0].values);
}

TEST_CASE("weights file: every truncation is an error", "[quant][weights]") {
    WeightsFile f = sample_file();
    const std::string bytes = encode_weights(f);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        INFO("first " << n << " bytes");
        decode_error(bytes.substr(0, n));
    }
    CHECK_THAT(decode_error(bytes.substr(0, 3)), Catch::Matchers::Contains("truncated"));
    CHECK_THAT(decode_error(bytes.substr(0, bytes.size() - 9)),
               Catch::Matchers::Contains("checksum mismatch") &&
                   Catch::Matchers::Contains("truncated or corrupt"));
}

TEST_CASE("weights file: damage anywhere fails the checksum", "[quant][weights]") {
    WeightsFile f = sample_file();
    const std::string bytes = encode_weights(f);
    for (std::size_t at = 20; at < bytes.size(); ++at) {  // past magic and version
        std::string bad = bytes;
        bad[at] = static_cast<char>(bad[at] ^ 0x10);
        INFO("byte " << at);
        CHECK_THAT(decode_error(bad), Catch::Matchers::Contains("checksum mismatch"));
    }
    CHECK_THAT(decode_error(bytes + "x"), Catch::Matchers::Contains("checksum mismatch"));
}

TEST_CASE("weights file: wrong magic, version, and malformed content behind a good checksum",
          "[quant][weights]") {
    WeightsFile f = sample_file();
    const std::string bytes = encode_weights(f);
    std::string body = bytes.substr(0, bytes.size() - 4);

    std::string magic = bytes;
    magic[0] = 'X';
    CHECK(decode_error(magic) ==
          "w.sqw: bad magic number, expected a serialq weights file (.sqw, docs/quant.md)");
    CHECK_THAT(decode_error("{\"not\": \"weights\"}"),
               Catch::Matchers::Contains("bad magic number"));

    std::string version = body;
    put_u32(version, 8, 2);
    CHECK_THAT(
        decode_error(reseal(version)),
        Catch::Matchers::StartsWith("w.sqw: format version 2 (this serialq reads version 1)"));

    // Trailing bytes after the last tensor.
    CHECK_THAT(decode_error(reseal(body + "junk")),
               Catch::Matchers::Contains("4 unexpected bytes after the last tensor"));
    // A tensor count larger than the file holds.
    std::string count = body;
    put_u32(count, 12, 3);
    CHECK_THAT(decode_error(reseal(count)), Catch::Matchers::Contains("truncated at byte"));
    // A metadata length beyond the end.
    std::string meta = body;
    put_u32(meta, 16, 1u << 30);
    CHECK_THAT(decode_error(reseal(meta)), Catch::Matchers::Contains("while reading the metadata"));
    // Rank 0 and absurd shapes: errors, not huge allocations.
    const std::size_t t0 = 20 + f.metadata_json.size();  // first tensor's name length
    std::string rank = body;
    put_u32(rank, t0 + 4 + 12, 0);
    CHECK_THAT(decode_error(reseal(rank)),
               Catch::Matchers::Contains("conv1.weight: rank 0, expected 1..8"));
    std::string dims = body;
    put_u32(dims, t0 + 4 + 12 + 4, 0xffffffffu);
    CHECK_THAT(decode_error(reseal(dims)),
               Catch::Matchers::Contains("conv1.weight: shape larger than the file"));
    std::string name = body;
    put_u32(name, t0, 0);
    CHECK_THAT(decode_error(reseal(name)), Catch::Matchers::Contains("tensor 0: name length 0"));
    // A zero dimension (found by fuzz/weights.cpp): a tensor without values is refused; reading
    // it used to pass memcpy the null data of an empty vector.
    WeightsFile empty;
    empty.tensors = {{"conv1.weight", {2, 0, 3, 3}, {}}};
    CHECK(decode_error(encode_weights(empty)) ==
          "w.sqw: conv1.weight: dimension 1 is 0, expected 1 or more, expected a serialq weights "
          "file (.sqw, docs/quant.md)");

    TempDir dir;
    CHECK_THROWS_MATCHES(
        read_weights_file(dir.path() / "none.sqw"), serialq::InputError,
        Catch::Matchers::Message((dir.path() / "none.sqw").string() + ": weights file not found"));
}

TEST_CASE("weights file: a NaN or an infinity behind a good checksum is refused, naming the value",
          "[quant][weights]") {
    // Issue 16: such a file was accepted, and every accuracy computed from it was garbage.
    for (const float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
          -std::numeric_limits<float>::infinity()}) {
        WeightsFile f = sample_file();
        f.tensors[1].values[1] = bad;
        const std::string what = std::isnan(bad) ? "NaN" : "infinite";
        CHECK(decode_error(encode_weights(f)) ==
              "w.sqw: conv1.bias: value 1 is " + what +
                  ", expected a finite float32, expected a serialq weights file (.sqw, "
                  "docs/quant.md)");
    }
}

TEST_CASE("weights file: layers map to tensors by name and shape, in PyTorch order",
          "[quant][weights]") {
    TempDir dir;
    const auto trace = dir.write("tiny.yaml", R"(name: tiny
input: {channels: 2, height: 4, width: 4}
layers:
  - {name: conv1, type: conv, in_channels: 2, out_channels: 3, kernel: [2, 3]}
  - {name: fc1, type: fc, in_features: 18, out_features: 5}
)");
    Model m = build_model(serialq::load_network(trace));
    std::mt19937_64 rng(1);
    initialize_parameters(m, rng);
    WeightsFile f = to_weights_file(m, "{}");
    REQUIRE(f.tensors.size() == 4);
    CHECK(f.tensors[0].name == "conv1.weight");
    CHECK(f.tensors[0].shape == std::vector<std::uint32_t>{3, 2, 2, 3});  // (out, in, kh, kw)
    CHECK(f.tensors[2].shape == std::vector<std::uint32_t>{5, 18});
    // The engine's conv columns run (kernel row, kernel column, channel); the file's
    // (channel, kernel row, kernel column).
    for (int o = 0; o < 3; ++o)
        for (int c = 0; c < 2; ++c)
            for (int y = 0; y < 2; ++y)
                for (int x = 0; x < 3; ++x)
                    CHECK(f.tensors[0]
                              .values[static_cast<std::size_t>(((o * 2 + c) * 2 + y) * 3 + x)] ==
                          m.params[0].weight(o, (y * 3 + x) * 2 + c));
    // The fc after a conv: the file flattens (channel, row, column), the engine (row, column,
    // channel) of the 3x3x2 map.
    for (int o = 0; o < 5; ++o)
        for (int c = 0; c < 3; ++c)
            for (int p = 0; p < 6; ++p)
                CHECK(f.tensors[2].values[static_cast<std::size_t>(o * 18 + c * 6 + p)] ==
                      m.params[1].weight(o, p * 3 + c));

    Model back = build_model(serialq::load_network(trace));
    encode_weights(f);
    set_parameters(back, f, "w.sqw");
    CHECK(back.params[0].weight == m.params[0].weight);
    CHECK(back.params[1].weight == m.params[1].weight);
    CHECK(back.weights_crc32 == f.crc32);

    const auto fails = [&](WeightsFile bad, const std::string& message) {
        Model target = build_model(serialq::load_network(trace));
        CHECK_THROWS_MATCHES(set_parameters(target, bad, "w.sqw"), serialq::InputError,
                             Catch::Matchers::Message(message));
    };
    WeightsFile missing = f;
    missing.tensors.erase(missing.tensors.begin() + 3);
    fails(missing,
          "w.sqw: no tensor fc1.bias, expected one of shape 5 for layer fc1 of " + trace.string());
    WeightsFile shape = f;
    shape.tensors[0].shape = {3, 2, 3, 2};
    fails(shape,
          "w.sqw: tensor conv1.weight has shape 3x2x3x2, expected 3x2x2x3 for layer conv1 of " +
              trace.string());
    WeightsFile extra = f;
    extra.tensors.push_back({"fc2.weight", {1}, {0.0f}});
    fails(extra, "w.sqw: holds 5 tensors, expected 4 (a weight and a bias per conv/fc layer of " +
                     trace.string() + ")");
    WeightsFile nan = f;
    nan.tensors[2].values[7] = std::numeric_limits<float>::quiet_NaN();
    fails(nan, "w.sqw: tensor fc1 holds NaN or infinite values");
}

TEST_CASE("weights file: a trace's weights key is loaded, and its problems name the file",
          "[quant][weights]") {
    TempDir dir;
    const std::string layers = R"(input: {channels: 1, height: 2, width: 2}
layers:
  - {name: fc1, type: fc, in_features: 4, out_features: 3}
)";
    const auto no_key = dir.write("a.yaml", "name: a\n" + layers);
    CHECK_THROWS_MATCHES(load_model(no_key), serialq::ConfigError,
                         Catch::Matchers::Message(
                             no_key.string() + ": weights: nothing (the key is missing), expected "
                                               "the trained weights file of the network (e.g. "
                                               "weights: lenet-fashion.sqw)"));
    const auto trace = dir.write("b.yaml", "name: b\nweights: b.sqw\n" + layers);
    CHECK_THROWS_WITH(load_model(trace),
                      (dir.path() / "b.sqw").string() + ": weights file not found");
    Model m = build_model(serialq::load_network(trace));
    m.params[0].weight.setConstant(0.5f);
    WeightsFile f = to_weights_file(m, "{\"k\": 1}");
    write_weights_file(dir.path() / "b.sqw", f);
    const Model loaded = load_model(trace);
    CHECK(loaded.params[0].weight == m.params[0].weight);
    CHECK(loaded.metadata_json == "{\"k\": 1}");
    CHECK(loaded.weights_crc32 == f.crc32);
    // Truncated on disk.
    const std::string bytes = serialq::read_file(dir.path() / "b.sqw");
    serialq::write_file_atomically(dir.path() / "b.sqw", bytes.substr(0, bytes.size() / 2));
    CHECK_THROWS_WITH(
        load_model(trace),
        Catch::Matchers::StartsWith((dir.path() / "b.sqw").string() + ": checksum mismatch"));
}
