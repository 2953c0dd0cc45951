// Every kind of bad trace gives a typed error whose one-line message names the file, the line,
// the layer (by position and name) and the field, with what was found and what was expected.
// The fixtures are tests/data/traces-bad/*.yaml; each says in a comment what is wrong with it.
#include "temp_file.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace {

const std::string kBad = std::string(SERIALQ_TEST_DATA_DIR) + "/traces-bad/";

struct BadTrace {
    std::string file;  // in tests/data/traces-bad/
    std::vector<std::string> fragments;  // each must appear in the message
};

// Message fragments: "<file>:<line>: <key path>" first, then what was found and expected.
const std::vector<BadTrace> kCases = {
    // A required field is missing.
    {"missing-field.yaml",
     {"missing-field.yaml:6: layers[1](conv2).out_channels", "the key is missing", "an integer"}},
    {"missing-kernel.yaml",
     {"missing-kernel.yaml:5: layers[0](conv1).kernel", "the key is missing", "kernel size"}},
    {"missing-input.yaml", {"missing-input.yaml:2: input: found nothing", "a mapping"}},
    // A layer without a name (found by fuzz/trace.cpp: yaml-cpp's "invalid node" text escaped).
    {"missing-name.yaml",
     {"missing-name.yaml:7: layers[1].name", "the key is missing", "expected a string"}},
    // A value of the wrong type.
    {"wrong-type.yaml",
     {"wrong-type.yaml:5: layers[0](conv1).kernel", "found 'three'", "an integer in 1..1024"}},
    {"fractional-size.yaml",
     {"fractional-size.yaml:5: layers[0](fc1).out_features", "found '10.5'", "an integer"}},
    {"layer-not-mapping.yaml",
     {"layer-not-mapping.yaml:6: layers[1]", "found 'conv2'", "a mapping of keys"}},
    // Sizes out of range.
    {"negative-size.yaml",
     {"negative-size.yaml:5: layers[0](conv1).out_channels", "found '-16'", "1..65536"}},
    {"negative-padding.yaml",
     {"negative-padding.yaml:6: layers[1](pool1).padding", "found [0, -1]", "0..1024"}},
    {"zero-stride.yaml", {"zero-stride.yaml:5: layers[0](conv1).stride", "found '0'", "1..1024"}},
    // Counts derived from sizes within their ranges that do not fit (issue 16): the MACs
    // wrapped around to a negative total, and an fc's 2^31 inputs were narrowed to an int.
    {"macs-overflow.yaml",
     {"macs-overflow.yaml:6: layers[0](conv1): found more MACs than a 64-bit count holds",
      "expected at most 1099511627776 MACs per sample in a network"}},
    {"macs-over-limit.yaml",
     {"macs-over-limit.yaml:6: layers[1](conv2): found 2199023255552 MACs up to this layer",
      "expected at most 1099511627776 MACs"}},
    {"tensor-too-large.yaml",
     {"tensor-too-large.yaml:6: layers[0](conv1): found 32768x256x256 = 2147483648 elements",
      "expected an output of at most 2147483647 elements"}},
    {"input-too-large.yaml",
     {"input-too-large.yaml:3: input: found 32768x256x256 = 2147483648 elements",
      "expected an input of at most 2147483647 elements"}},
    // Shapes that do not chain.
    {"channels-do-not-chain.yaml",
     {"channels-do-not-chain.yaml:6: layers[1](conv2).in_channels", "found 32", "expected 16",
      "16x32x32"}},
    {"features-do-not-chain.yaml",
     {"features-do-not-chain.yaml:7: layers[2](fc1).in_features", "found 1024", "expected 4096",
      "16x16x16 flattened"}},
    {"add-mismatch.yaml",
     {"add-mismatch.yaml:7: layers[2](add1).inputs", "found 32x16x16 and 16x32x32",
      "the same shape"}},
    {"groups-not-dividing.yaml",
     {"groups-not-dividing.yaml:6: layers[1](conv2).groups", "found 3",
      "a divisor of both in_channels (16) and out_channels (48)"}},
    {"window-too-large.yaml",
     {"window-too-large.yaml:8: layers[3](pool2).kernel", "found 7x7", "fits its input 16x6x6"}},
    {"kernel-too-large.yaml",
     {"kernel-too-large.yaml:5: layers[0](conv1).kernel", "found 5x5", "fits its input 1x4x4"}},
    // Unknown keys and words.
    {"unknown-key.yaml",
     {"unknown-key.yaml:6: layers[1](conv2).paddng: unknown key", "expected one of", "padding"}},
    {"unknown-top-key.yaml", {"unknown-top-key.yaml:6: layer: unknown key", "layers"}},
    {"key-of-another-type.yaml",
     {"key-of-another-type.yaml:5: layers[0](fc1).kernel: unknown key", "in_features"}},
    {"second-producer.yaml",
     {"second-producer.yaml:6: layers[1](conv2).inputs: unknown key", "input"}},
    {"global-with-kernel.yaml",
     {"global-with-kernel.yaml:6: layers[1](avgpool).kernel", "found '2'", "global: true"}},
    {"unknown-type.yaml",
     {"unknown-type.yaml:5: layers[0](rnn1).type", "found 'lstm'",
      "one of conv, fc, maxpool, avgpool, add"}},
    // References between layers.
    {"unknown-input.yaml",
     {"unknown-input.yaml:6: layers[1](conv2).input", "found 'conv9'",
      "an earlier layer or 'input'"}},
    {"forward-input.yaml",
     {"forward-input.yaml:5: layers[0](conv1).input", "found 'conv2'", "an earlier layer"}},
    {"duplicate-name.yaml",
     {"duplicate-name.yaml:6: layers[1](conv1).name", "'conv1' again", "a unique layer name"}},
    {"layer-named-input.yaml",
     {"layer-named-input.yaml:5: layers[0](input).name", "found 'input'",
      "'input' names the network input"}},
    {"add-one-input.yaml",
     {"add-one-input.yaml:6: layers[1](add1).inputs", "a list of two earlier layer names"}},
    // Not a trace at all.
    {"empty.yaml", {"empty.yaml: empty file", "a YAML mapping"}},
    {"comments-only.yaml", {"comments-only.yaml: empty file"}},
    {"not-yaml.yaml", {"not-yaml.yaml:3:", "not valid YAML"}},
    {"plain-text.yaml", {"plain-text.yaml: found 'This is", "at the top, expected a YAML mapping"}},
    {"top-level-list.yaml", {"top-level-list.yaml: found a list at the top"}},
    {"no-layers.yaml", {"no-layers.yaml:4: layers: found an empty list", "at least one layer"}},
    {"no-weight-layers.yaml",
     {"no-weight-layers.yaml:5: layers: found no conv or fc layer",
      "at least one layer with weights"}},
};

}  // namespace

TEST_CASE("bad traces: a ConfigError naming file, line, layer and field",
          "[common][trace][errors]") {
    for (const auto& c : kCases) {
        DYNAMIC_SECTION(c.file) {
            const std::string path = kBad + c.file;
            REQUIRE_THROWS_AS(serialq::load_network(path), serialq::ConfigError);
            // The whole path as given, so a user can open it; one line, so the CLI prints
            // exactly one.
            REQUIRE_THROWS_WITH(serialq::load_network(path), Catch::StartsWith(path));
            REQUIRE_THROWS_WITH(serialq::load_network(path), !Catch::Contains("\n"));
            for (const auto& fragment : c.fragments)
                REQUIRE_THROWS_WITH(serialq::load_network(path), Catch::Contains(fragment));
        }
    }
}

TEST_CASE("a trace that does not exist is an InputError naming it", "[common][trace][errors]") {
    const std::string path = kBad + "no-such-trace.yaml";
    REQUIRE_THROWS_AS(serialq::load_network(path), serialq::InputError);
    REQUIRE_THROWS_WITH(serialq::load_network(path),
                        Catch::StartsWith(path) && Catch::Contains("cannot open"));
}

TEST_CASE("every bad-trace fixture is exercised", "[common][trace][errors]") {
    std::set<std::string> fixtures, covered;
    for (const auto& entry : std::filesystem::directory_iterator(kBad))
        fixtures.insert(entry.path().filename().string());
    for (const auto& c : kCases) covered.insert(c.file);
    CHECK(fixtures == covered);
}

TEST_CASE("'input' names the network input, e.g. for a shortcut", "[common][trace][errors]") {
    // The example at the top of docs/formats.md.
    serialq::test::TempDir dir;
    const auto path = dir.write("block.yaml", R"(
name: resnet-block
source: "He et al., CVPR 2016"
input: {channels: 16, height: 32, width: 32}
layers:
  - {name: conv1, type: conv, in_channels: 16, out_channels: 32, kernel: 3, stride: 2, padding: 1}
  - {name: conv2, type: conv, in_channels: 32, out_channels: 32, kernel: 3, padding: 1}
  - {name: proj, type: conv, input: input, in_channels: 16, out_channels: 32, kernel: 1, stride: 2}
  - {name: sum, type: add, inputs: [conv2, proj]}
  - {name: gap, type: avgpool, global: true}
  - {name: fc, type: fc, in_features: 32, out_features: 10}
)");
    const serialq::Network net = serialq::load_network(path);
    REQUIRE(net.layers.size() == 6);
    CHECK(net.layers[2].inputs == std::vector<int>{-1});
    CHECK(net.layers[2].input == net.input);
    CHECK(net.layers[3].output == serialq::Shape{32, 16, 16});
    CHECK(net.total_weights() == 32 * 16 * 9 + 32 * 32 * 9 + 32 * 16 + 320);
}
