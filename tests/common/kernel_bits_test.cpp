// KernelBits: a kernel-wise assignment is checked where it is made, read from and written to
// its JSON format (docs/formats.md), and errors name the file, the layer and the channel.
#include "serialq/common/error.hpp"
#include "serialq/common/kernel_bits.hpp"
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

#include <functional>

using serialq::KernelBits;
using serialq::LayerBits;
using serialq::Network;
using json = nlohmann::json;

namespace {

Network lenet() {
    return serialq::load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
}

// LeNet's channels: conv1 20, conv2 50, fc1 500, fc2 10.
std::vector<int> lenet_channels() { return {20, 50, 500, 10}; }

KernelBits mixed() {
    std::vector<std::vector<int>> w{std::vector<int>(20, 4), std::vector<int>(50, 2),
                                    std::vector<int>(500, 3), std::vector<int>(10, 8)};
    for (int c = 0; c < 10; ++c) w[1][static_cast<std::size_t>(c)] = 6;
    w[2][499] = 5;
    return KernelBits(w, {8, 0, 5, 0});
}

}  // namespace

TEST_CASE("a KernelBits holds bitwidths per kernel and activation bits per layer",
          "[common][kernel_bits]") {
    const KernelBits k = mixed();
    CHECK(k.size() == 4);
    CHECK(!k.layer_wise());
    CHECK(k.widest() == LayerBits{4, 6, 5, 8});
    CHECK(k.mean_weight_bits()[1] == Approx((10 * 6 + 40 * 2) / 50.0));
    CHECK(k.activations_or(7) == LayerBits{8, 7, 5, 7});
    CHECK(k.str() == "4x20/a8;6x10,2x40;3x499,5x1/a5;8x10");
    const KernelBits lw = KernelBits::from_layer_bits({8, 4, 4, 8}, lenet_channels());
    CHECK(lw.layer_wise());
    CHECK(lw.widest() == LayerBits{8, 4, 4, 8});
    CHECK(lw.activations() == std::vector<int>{0, 0, 0, 0});
    REQUIRE_THROWS_WITH(KernelBits({{8, 8}, {4, 40}}),
                        "weight layer 1, channel 1: found 40 bits, expected 1..16");
    REQUIRE_THROWS_WITH(KernelBits(std::vector<std::vector<int>>{{8}}, {17}),
                        "weight layer 0: found 17 activation bits, expected 1..16 (or 0: the "
                        "default)");
    REQUIRE_THROWS_WITH(KernelBits(std::vector<std::vector<int>>{{8}, {}}),
                        "weight layer 1: no kernels, expected at least one");
}

TEST_CASE("a consumer's contract names the layer and the channel", "[common][kernel_bits]") {
    const Network net = lenet();
    CHECK_NOTHROW(mixed().expect(net, "sim"));
    REQUIRE_THROWS_WITH(KernelBits(std::vector<std::vector<int>>{{8}}).expect(net, "sim"),
                        "sim: kernel-wise bits for 1 weight layers, expected 4 (one per conv/fc "
                        "layer of lenet)");
    auto w = std::vector<std::vector<int>>{std::vector<int>(20, 4), std::vector<int>(49, 4),
                                           std::vector<int>(500, 4), std::vector<int>(10, 4)};
    REQUIRE_THROWS_WITH(KernelBits(w).expect(net, "sim"),
                        "sim: weight layer 1 (conv2): found 49 kernel bitwidths, expected 50 (one "
                        "per output channel)");
    REQUIRE_THROWS_WITH(mixed().expect(net, "stripes", {3, 8}),
                        "stripes: weight layer 1 (conv2), channel 10: found 2 weight bits, "
                        "expected 3..8");
}

TEST_CASE("the JSON format round-trips and takes runs, lists and one width",
          "[common][kernel_bits]") {
    const Network net = lenet();
    const auto doc = kernel_bits_to_json(mixed(), net);
    CHECK(doc["layers"][0]["weight_bits"] == 4);
    CHECK(doc["layers"][0]["act_bits"] == 8);
    CHECK(doc["layers"][1]["weight_runs"].dump() == "[[6,10],[2,40]]");
    CHECK(!doc["layers"][1].contains("act_bits"));
    CHECK(kernel_bits_from_json(json::parse(doc.dump()), net, "f.json") == mixed());
    // Held under "assignment", as a search's best.json holds it.
    json best{{"bits", "whatever"}, {"assignment", json::parse(doc.dump())}};
    CHECK(kernel_bits_from_json(best, net, "best.json") == mixed());
    // A per-channel list.
    json listed = json::parse(doc.dump());
    listed["layers"][3] = {{"weight_bits", std::vector<int>(10, 8)}};
    CHECK(kernel_bits_from_json(listed, net, "f.json") == mixed());
}

TEST_CASE("malformed kernel-wise files get one-line errors naming layer and channel",
          "[common][kernel_bits]") {
    const Network net = lenet();
    const json good = json::parse(kernel_bits_to_json(mixed(), net).dump());
    const auto refuse = [&](const std::function<void(json&)>& edit, const std::string& message) {
        json d = good;
        edit(d);
        REQUIRE_THROWS_WITH(kernel_bits_from_json(d, net, "f.json"), message);
    };
    refuse([](json& d) { d["format"] = "x"; },
           "f.json: format: found \"x\", expected \"serialq-kernel-bits/1\"");
    refuse([](json& d) { d["extra"] = 1; },
           "f.json: unknown key extra, expected format, network or layers");
    refuse([](json& d) { d["layers"].erase(3); },
           "f.json: layers: found 3 entries, expected 4 (one per conv/fc layer of lenet)");
    refuse([](json& d) { d["layers"][1]["weight_runs"] = json::parse("[[6,10],[2,38]]"); },
           "f.json: layers[1] (conv2): weight_runs cover 48 channels, expected 50");
    refuse([](json& d) { d["layers"][1]["weight_runs"] = json::parse("[[6,10],[2,41]]"); },
           "f.json: layers[1] (conv2): weight_runs[1]: count 41 at channel 10, expected 1..40 "
           "(the layer has 50 channels)");
    refuse([](json& d) { d["layers"][1]["weight_runs"] = json::parse("[[6,10],[0,40]]"); },
           "f.json: layers[1] (conv2): weight_runs[1] (channel 10): found 0 bits, expected 1..16");
    refuse([](json& d) { d["layers"][3]["weight_bits"] = {8, 8, 8, 8, 8, 8, 8, 8, 8, 20}; },
           "f.json: layers[3] (fc2), channel 9: found 20 bits, expected 1..16");
    refuse([](json& d) { d["layers"][3]["weight_bits"] = "8"; },
           "f.json: layers[3] (fc2): weight_bits: found \"8\", expected an integer bitwidth");
    refuse([](json& d) { d["layers"][0]["weight_runs"] = json::parse("[[4,20]]"); },
           "f.json: layers[0] (conv1): both weight_bits and weight_runs, expected exactly one");
    refuse([](json& d) { d["layers"][2]["layer"] = "fc2"; },
           "f.json: layers[2] (fc1): layer: found \"fc2\", expected \"fc1\" (the layers in "
           "network order)");
    refuse([](json& d) { d["layers"][0]["act_bits"] = 0; },
           "f.json: layers[0] (conv1): act_bits: found 0 bits, expected 1..16");
}
