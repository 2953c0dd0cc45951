// Derivations of the trace loader: shapes, weights and MACs per layer kind.
#include "temp_file.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

using serialq::LayerKind;
using serialq::load_network;
using serialq::Shape;
using serialq::test::TempDir;

TEST_CASE("LeNet trace derives shapes, weights and MACs", "[common][trace]") {
    const auto net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    REQUIRE(net.name == "lenet");
    REQUIRE(net.layers.size() == 6);
    REQUIRE(net.weight_layer_count() == 4);
    const auto& conv1 = net.layers[0];
    CHECK(conv1.output == Shape{20, 24, 24});
    CHECK(conv1.weights() == 20 * 25);
    CHECK(conv1.macs() == 20LL * 24 * 24 * 25);
    CHECK(net.layers[1].output == Shape{20, 12, 12});
    CHECK(net.layers[2].macs() == 50LL * 8 * 8 * 20 * 25);
    CHECK(net.layers[4].in_channels() == 800);
    CHECK(net.layers[4].macs() == 800 * 500);
    CHECK(net.total_weights() == 500 + 25000 + 400000 + 5000);
    CHECK(net.total_macs() == 288000 + 1600000 + 400000 + 5000);
}

TEST_CASE("conv geometry: stride, padding, rectangular kernels, groups", "[common][trace]") {
    TempDir dir;
    const auto path = dir.write("g.yaml", R"(
name: geometry
input: {channels: 32, height: 15, width: 20}
layers:
  - {name: s2, type: conv, in_channels: 32, out_channels: 64, kernel: 3, stride: 2, padding: 1}
  - {name: dw, type: conv, in_channels: 64, out_channels: 64, kernel: 3, padding: 1, groups: 64}
  - {name: rect, type: conv, in_channels: 64, out_channels: 8, kernel: [1, 3], stride: [1, 2]}
  - {name: grouped, type: conv, in_channels: 8, out_channels: 16, kernel: 1, groups: 4}
)");
    const auto net = load_network(path);
    const auto& s2 = net.layers[0];
    CHECK(s2.output ==
          Shape{64, 8, 10});  // floor((15 + 2 - 3) / 2) + 1 = 8, (20 + 2 - 3) / 2 + 1 = 10
    CHECK(s2.macs() == 64LL * 8 * 10 * 32 * 9);
    const auto& dw = net.layers[1];
    CHECK(dw.output == Shape{64, 8, 10});
    CHECK(dw.reduction_length() == 9);  // depthwise: one input channel per filter
    CHECK(dw.weights() == 64 * 9);
    CHECK(dw.macs() == 64LL * 8 * 10 * 9);
    const auto& rect = net.layers[2];
    CHECK(rect.output == Shape{8, 8, 4});
    CHECK(rect.weights() == 8 * 64 * 3);
    const auto& grouped = net.layers[3];
    CHECK(grouped.reduction_length() == 2);
    CHECK(grouped.weights() == 16 * 2);
}

TEST_CASE("residual add, named inputs and global pooling", "[common][trace]") {
    TempDir dir;
    const auto path = dir.write("r.yaml", R"(
name: residual
input: {channels: 16, height: 8, width: 8}
layers:
  - {name: a, type: conv, in_channels: 16, out_channels: 16, kernel: 3, padding: 1}
  - {name: b, type: conv, in_channels: 16, out_channels: 16, kernel: 3, padding: 1}
  - {name: sum, type: add, inputs: [b, a]}
  - {name: proj, type: conv, input: a, in_channels: 16, out_channels: 32, kernel: 1, stride: 2}
  - {name: gap, type: avgpool, global: true}
  - {name: fc, type: fc, in_features: 32, out_features: 10}
)");
    const auto net = load_network(path);
    CHECK(net.layers[2].kind == LayerKind::Add);
    CHECK(net.layers[2].inputs == std::vector<int>{1, 0});
    CHECK(net.layers[2].output == Shape{16, 8, 8});
    CHECK(net.layers[2].macs() == 0);
    CHECK(net.layers[3].inputs == std::vector<int>{0});
    CHECK(net.layers[3].output == Shape{32, 4, 4});
    CHECK(net.layers[4].output == Shape{32, 1, 1});
    CHECK(net.layers[5].macs() == 320);
    CHECK(net.weight_layer_count() == 4);
}

TEST_CASE("the weights key resolves relative to the trace file", "[common][trace]") {
    TempDir dir;
    const auto path = dir.write("w.yaml", R"(
name: w
weights: model.sqw
input: {channels: 1, height: 4, width: 4}
layers:
  - {name: fc, type: fc, in_features: 16, out_features: 2}
)");
    const auto net = load_network(path);
    CHECK(net.weights_file == (dir.path() / "model.sqw").string());
}

TEST_CASE("loader errors name the file, line, layer and field", "[common][trace]") {
    TempDir dir;
    const auto chain = dir.write("chain.yaml", R"(name: c
input: {channels: 3, height: 8, width: 8}
layers:
  - {name: a, type: conv, in_channels: 3, out_channels: 4, kernel: 3}
  - {name: b, type: conv, in_channels: 5, out_channels: 4, kernel: 3}
)");
    REQUIRE_THROWS_AS(load_network(chain), serialq::ConfigError);
    REQUIRE_THROWS_WITH(load_network(chain),
                        Catch::Contains(chain.string() + ":5: layers[1](b).in_channels") &&
                            Catch::Contains("found 5") && Catch::Contains("expected 4"));

    const auto pooled = dir.write("pool.yaml", R"(name: p
input: {channels: 3, height: 2, width: 2}
layers:
  - {name: a, type: conv, in_channels: 3, out_channels: 4, kernel: 5}
)");
    REQUIRE_THROWS_WITH(load_network(pooled), Catch::Contains("layers[0](a).kernel") &&
                                                  Catch::Contains("fits its input"));

    const auto noweights = dir.write("nw.yaml", R"(name: p
input: {channels: 3, height: 4, width: 4}
layers:
  - {name: a, type: maxpool, kernel: 2}
)");
    REQUIRE_THROWS_WITH(load_network(noweights),
                        Catch::Contains("at least one layer with weights"));
}
