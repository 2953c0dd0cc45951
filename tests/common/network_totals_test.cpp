// Every shipped trace against the figures its sources publish: total MACs and weights, the
// parameter counts frameworks print (weights plus biases or batch-norm scale and shift, which
// the trace leaves out), and the shapes the reference implementations document.
// Exact figures are compared exactly; rounded ones ("569 M") with the tolerance their rounding
// allows, stated at each check. docs/formats.md tabulates the same numbers.
#include "serialq/common/network_loader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>

using serialq::LayerKind;
using serialq::Network;
using serialq::Shape;

namespace {

Network trace(const std::string& name) {
    return serialq::load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/" + name + ".yaml");
}

const serialq::Layer& layer(const Network& net, const std::string& name) {
    const auto it = std::find_if(net.layers.begin(), net.layers.end(),
                                 [&](const serialq::Layer& l) { return l.name == name; });
    if (it == net.layers.end()) FAIL("no layer '" << name << "' in " << net.file);
    return *it;
}

// One bias per output channel or feature of every weight layer (Caffe and PyTorch default).
std::int64_t biases(const Network& net) {
    std::int64_t n = 0;
    for (const auto* l : net.weight_layers()) n += l->out_channels();
    return n;
}

// Batch norm after every conv: a learnt scale and shift per output channel.
std::int64_t batch_norm_params(const Network& net) {
    std::int64_t n = 0;
    for (const auto* l : net.weight_layers())
        if (l->kind == LayerKind::Conv) n += 2LL * l->out_channels();
    return n;
}

// |actual - published| <= tolerance x published.
bool near(std::int64_t actual, double published, double tolerance) {
    return std::abs(static_cast<double>(actual) - published) <= tolerance * published;
}

// The (out_channels, in_channels, kernel) of each weight layer, in order.
struct Geometry {
    int out;
    std::int64_t in;  // an fc's flattened input may exceed an int
    int kernel;
    bool operator==(const Geometry&) const = default;
};
std::vector<Geometry> geometry(const Network& net) {
    std::vector<Geometry> g;
    for (const auto* l : net.weight_layers())
        g.push_back(
            {l->out_channels(), l->in_channels(), l->kind == LayerKind::Conv ? l->kernel_h : 0});
    return g;
}

}  // namespace

TEST_CASE("every shipped trace loads and has a totals test here", "[common][trace][totals]") {
    // Adding a trace without checking it against its source fails this test.
    const std::set<std::string> checked = {
        "lenet",    "simplenet",        "svhn",    "svhn-dorefa",    "vgg11",
        "resnet20", "resnet20-fashion", "alexnet", "alexnet-dorefa", "mobilenet-v1",
        "resnet18", "resnet50"};
    std::set<std::string> shipped;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(SERIALQ_SOURCE_DIR) + "/traces")) {
        if (entry.path().extension() != ".yaml") continue;
        const std::string stem = entry.path().stem().string();
        INFO(entry.path().string());
        const Network net = serialq::load_network(entry.path());
        CHECK(net.name == stem);
        CHECK_FALSE(net.source.empty());
        shipped.insert(stem);
    }
    CHECK(shipped == checked);
}

TEST_CASE("LeNet: Caffe's 431,080 parameters", "[common][trace][totals]") {
    const Network net = trace("lenet");
    REQUIRE(net.weight_layer_count() == 4);
    // conv1 20x(1x5x5) on 24x24, conv2 50x(20x5x5) on 8x8, fc 800->500, fc 500->10.
    CHECK(net.total_weights() == 500 + 25'000 + 400'000 + 5'000);
    CHECK(net.total_macs() == 500LL * 576 + 25'000LL * 64 + 400'000 + 5'000);
    // Han et al. (Deep Compression, ICLR 2016) table 1: LeNet-5 431 K; Caffe counts 431,080.
    CHECK(net.total_weights() + biases(net) == 431'080);
    CHECK(layer(net, "pool2").output == Shape{50, 4, 4});
}

TEST_CASE("CIFAR-10 SimpleNet: the PyTorch tutorial net's 62,006 parameters",
          "[common][trace][totals]") {
    const Network net = trace("simplenet");
    REQUIRE(net.weight_layer_count() == 5);
    CHECK(geometry(net) ==
          std::vector<Geometry>{{6, 3, 5}, {16, 6, 5}, {120, 400, 0}, {84, 120, 0}, {10, 84, 0}});
    CHECK(layer(net, "conv1").output == Shape{6, 28, 28});
    CHECK(layer(net, "pool2").output == Shape{16, 5, 5});
    // torch.nn.Module.parameters() of the tutorial's Net: 62,006 with biases.
    CHECK(net.total_weights() + biases(net) == 62'006);
    CHECK(net.total_macs() == 450LL * 784 + 2'400LL * 100 + 48'000 + 10'080 + 840);
}

TEST_CASE("SVHN: the layers releq_svhn.py lists", "[common][trace][totals]") {
    const Network net = trace("svhn");
    // he-actlab/releq examples/classifier_compression/releq_svhn.py, layer_info: n; c; k
    // (output channels, input channels, kernel; 0 for the fc).
    CHECK(geometry(net) == std::vector<Geometry>{{32, 3, 3},
                                                 {32, 32, 3},
                                                 {64, 32, 3},
                                                 {64, 64, 3},
                                                 {128, 64, 3},
                                                 {128, 128, 3},
                                                 {256, 128, 3},
                                                 {10, 256, 0}});
    CHECK(layer(net, "features.21").output == Shape{256, 2, 2});  // the unpadded conv
    CHECK(layer(net, "features.24").output == Shape{256, 1, 1});  // 256 features for the fc
    // Each 3x3 conv: out x in x 9 weights, times the plane it runs on (32, 16, 8, 2 squared).
    const std::int64_t w32 = 9 * (32 * 3 + 32 * 32), w16 = 9 * (64 * 32 + 64 * 64),
                       w8 = 9 * (128 * 64 + 128 * 128), w2 = 9 * 256 * 128;
    CHECK(net.total_weights() == w32 + w16 + w8 + w2 + 2'560);
    CHECK(net.total_macs() == w32 * 1024 + w16 * 256 + w8 * 64 + w2 * 4 + 2'560);
}

TEST_CASE("SVHN DoReFa: the map sizes tensorpack's script notes", "[common][trace][totals]") {
    const Network net = trace("svhn-dorefa");
    REQUIRE(net.weight_layer_count() == 8);
    // svhn-digit-dorefa.py comments the plane size after pool0 (18), pool1 (9), conv3 (7),
    // conv5 (5); conv6 (5x5 VALID) leaves 1x1 for fc1.
    CHECK(layer(net, "pool0").output == Shape{48, 18, 18});
    CHECK(layer(net, "pool1").output == Shape{64, 9, 9});
    CHECK(layer(net, "conv3").output == Shape{128, 7, 7});
    CHECK(layer(net, "conv5").output == Shape{128, 5, 5});
    CHECK(layer(net, "conv6").output == Shape{512, 1, 1});
    CHECK(net.total_weights() ==
          3'600 + 27'648 + 36'864 + 73'728 + 147'456 + 147'456 + 1'638'400 + 5'120);
    CHECK(net.total_macs() == 3'600LL * 1296 + (27'648LL + 36'864) * 324 + 73'728LL * 49 +
                                  147'456LL * 49 + 147'456LL * 25 + 1'638'400 + 5'120);
}

TEST_CASE("VGG-11 for CIFAR-10: 9.2 M weights, 153 M MACs", "[common][trace][totals]") {
    const Network net = trace("vgg11");
    REQUIRE(net.weight_layer_count() == 9);
    CHECK(layer(net, "features.18").output == Shape{512, 2, 2});
    CHECK(layer(net, "features.20").output == Shape{512, 1, 1});
    // 3x3 convs 3-64 @32, 64-128 @16, 128-256 and 256-256 @8, 256-512 and 512-512 @4,
    // two 512-512 @2, fc 512->10.
    const std::int64_t c = 9;
    CHECK(net.total_weights() ==
          c * (3 * 64 + 64 * 128 + 128 * 256 + 256 * 256 + 256 * 512 + 3 * 512 * 512) + 5'120);
    CHECK(net.total_macs() == c * (3 * 64 * 1024 + 64 * 128 * 256 + (128 + 256) * 256 * 64 +
                                   (256 + 512) * 512 * 16 + 2 * 512 * 512 * 4) +
                                  5'120);
    // With the 2,762 biases: 9,225,610 parameters (no batch norm in ReLeQ's vgg11_cifar).
    CHECK(net.total_weights() + biases(net) == 9'225'610);
}

TEST_CASE("ResNet-20: He et al.'s 0.27 M parameters and 41 M MACs", "[common][trace][totals]") {
    const Network net = trace("resnet20");
    REQUIRE(net.weight_layer_count() == 22);  // the 22 bitwidths ReLeQ assigns
    CHECK(layer(net, "layer1.2.add").output == Shape{16, 32, 32});
    CHECK(layer(net, "layer2.2.add").output == Shape{32, 16, 16});
    CHECK(layer(net, "layer3.2.add").output == Shape{64, 8, 8});
    CHECK(layer(net, "avgpool").output == Shape{64, 1, 1});
    const auto& p2 = layer(net, "layer2.0.downsample.0");
    const auto& p3 = layer(net, "layer3.0.downsample.0");
    CHECK(p2.weights() + p3.weights() == 16 * 32 + 32 * 64);
    CHECK(p2.macs() + p3.macs() == 262'144);
    // Without the two option-B projections the trace is the paper's option-A network, which
    // counts 269,722 parameters with BN and the fc bias (table 6: 0.27 M;
    // akamaster/pytorch_resnet_cifar10 prints 269,722).
    const std::int64_t projection_bn = 2 * (32 + 64);
    CHECK(net.total_weights() - p2.weights() - p3.weights() + batch_norm_params(net) -
              projection_bn + 10 ==
          269'722);
    CHECK(near(net.total_weights(), 0.27e6, 0.01));  // "0.27 M": within 1 %
    CHECK(near(net.total_macs(), 41e6, 0.01));  // "41 M": within 1 %
    CHECK(net.total_macs() - p2.macs() - p3.macs() == 40'551'040);
}

TEST_CASE("ResNet-20 for Fashion-MNIST: ResNet-20's weights on 28x28 maps, with batch norm",
          "[common][trace][totals]") {
    const Network net = trace("resnet20-fashion");
    const Network cifar = trace("resnet20");
    REQUIRE(net.weight_layer_count() == 22);
    CHECK(net.input == Shape{1, 28, 28});
    CHECK(layer(net, "layer1.2.add").output == Shape{16, 28, 28});
    CHECK(layer(net, "layer3.2.add").output == Shape{64, 7, 7});
    // One input channel instead of three: 2 x 9 x 16 fewer weights in conv1.
    CHECK(net.total_weights() == cifar.total_weights() - 2 * 9 * 16);
    // Every conv map is (28/32)^2 of CIFAR's, conv1 reads one channel instead of three, and
    // the fc after the global pool is the same.
    const std::int64_t conv1_cifar = layer(cifar, "conv1").macs(), fc = layer(cifar, "fc").macs();
    CHECK(net.total_macs() ==
          (cifar.total_macs() - conv1_cifar - fc) * 49 / 64 + conv1_cifar * 49 / 64 / 3 + fc);
    CHECK(net.total_macs() == 31'021'952);
    for (const auto& l : net.layers) {
        INFO(l.name);
        CHECK(l.batch_norm == (l.kind == serialq::LayerKind::Conv));
        const bool no_relu = l.name.find("conv2") != std::string::npos ||
                             l.name.find("downsample") != std::string::npos;
        if (l.kind == serialq::LayerKind::Conv || l.kind == serialq::LayerKind::Add) {
            REQUIRE(l.relu.has_value());
            CHECK(*l.relu == !no_relu);
        }
    }
}

TEST_CASE("AlexNet (two towers): 724 M MACs, Caffe's 60,965,224 parameters",
          "[common][trace][totals]") {
    const Network net = trace("alexnet");
    REQUIRE(net.weight_layer_count() == 8);
    CHECK(layer(net, "conv1").output == Shape{96, 55, 55});
    CHECK(layer(net, "conv2").groups == 2);
    CHECK(layer(net, "conv2").output == Shape{256, 27, 27});
    CHECK(layer(net, "conv5").output == Shape{256, 13, 13});
    CHECK(layer(net, "pool5").output == Shape{256, 6, 6});
    CHECK(net.total_weights() + biases(net) == 60'965'224);  // bvlc_alexnet's parameter count
    // Sze et al., "Efficient Processing of Deep Neural Networks", Proc. IEEE 2017, table 3:
    // 724 M MACs (666 M in conv layers), 61 M weights (2.3 M in conv layers). Rounded to 3
    // figures: within 0.1 % (2 % for the 2-figure conv weights).
    std::int64_t conv_macs = 0, conv_weights = 0;
    for (const auto* l : net.weight_layers())
        if (l->kind == LayerKind::Conv) {
            conv_macs += l->macs();
            conv_weights += l->weights();
        }
    CHECK(near(net.total_macs(), 724e6, 0.001));
    CHECK(near(conv_macs, 666e6, 0.001));
    CHECK(near(net.total_weights(), 61e6, 0.01));
    CHECK(near(conv_weights, 2.3e6, 0.02));
}

TEST_CASE("AlexNet-BN as ReLeQ's code builds it: the shapes its comments give",
          "[common][trace][totals]") {
    const Network net = trace("alexnet-dorefa");
    REQUIRE(net.weight_layer_count() == 8);
    // alexnet_batchnorm.py comments each layer's output shape.
    CHECK(layer(net, "features.0").output == Shape{96, 54, 54});
    CHECK(layer(net, "features.2").output == Shape{256, 54, 54});
    CHECK(layer(net, "features.4").output == Shape{256, 27, 27});
    CHECK(layer(net, "features.6").output == Shape{384, 27, 27});
    CHECK(layer(net, "features.8").output == Shape{384, 14, 14});
    CHECK(layer(net, "features.13").output == Shape{256, 14, 14});
    CHECK(layer(net, "features.15").output == Shape{256, 6, 6});
    const std::int64_t conv0 = 96 * 3 * 144, conv1 = 256 * 48 * 25, conv2 = 384 * 256 * 9,
                       conv3 = 384 * 192 * 9, conv4 = 256 * 192 * 9,
                       fc = 9216LL * 4096 + 4096 * 4096 + 4096 * 1000;
    CHECK(net.total_weights() == conv0 + conv1 + conv2 + conv3 + conv4 + fc);
    CHECK(net.total_macs() == (conv0 + conv1) * 2916 + conv2 * 729 + (conv3 + conv4) * 196 + fc);
}

TEST_CASE("MobileNet-v1 1.0/224: 569 M MACs, 4.2 M parameters", "[common][trace][totals]") {
    const Network net = trace("mobilenet-v1");
    REQUIRE(net.weight_layer_count() == 28);
    CHECK(layer(net, "conv0").output == Shape{32, 112, 112});
    CHECK(layer(net, "conv13_pw").output == Shape{1024, 7, 7});  // the last conv
    int depthwise = 0;
    for (const auto* l : net.weight_layers())
        if (l->groups > 1) {
            ++depthwise;
            CHECK(l->groups == l->in_channels());
            CHECK(l->reduction_length() == 9);
        }
    CHECK(depthwise == 13);
    // Howard et al. table 8: 569 million mult-adds, 4.2 million parameters (within 0.1 % and
    // 1 %: the rounding of the figures). Keras and imgclsmob count 4,231,976 trainable
    // parameters: these weights, BN scale and shift after each conv, and the fc bias.
    CHECK(near(net.total_macs(), 569e6, 0.001));
    CHECK(near(net.total_weights(), 4.2e6, 0.01));
    CHECK(net.total_weights() + batch_norm_params(net) + 1000 == 4'231'976);
}

TEST_CASE("ResNet-18: torchvision's 11,689,512 parameters, 1.81 G MACs",
          "[common][trace][totals]") {
    const Network net = trace("resnet18");
    REQUIRE(net.weight_layer_count() == 21);  // 17 convs, 3 projections, fc
    CHECK(layer(net, "maxpool").output == Shape{64, 56, 56});
    CHECK(layer(net, "layer1.1.add").output == Shape{64, 56, 56});
    CHECK(layer(net, "layer2.1.add").output == Shape{128, 28, 28});
    CHECK(layer(net, "layer3.1.add").output == Shape{256, 14, 14});
    CHECK(layer(net, "layer4.1.add").output == Shape{512, 7, 7});
    // torchvision ResNet18_Weights.IMAGENET1K_V1: num_params 11,689,512 (weights, BN, fc
    // bias), GFLOPS 1.81 (multiply-adds; He et al. table 1: 1.8 x 10^9) within 0.5 %.
    CHECK(net.total_weights() + batch_norm_params(net) + 1000 == 11'689'512);
    CHECK(near(net.total_macs(), 1.81e9, 0.005));
}

TEST_CASE("ResNet-50: torchvision's 25,557,032 parameters, 4.09 G MACs",
          "[common][trace][totals]") {
    const Network net = trace("resnet50");
    REQUIRE(net.weight_layer_count() == 54);  // 48 convs in blocks, conv1, 4 projections, fc
    CHECK(layer(net, "conv1").output == Shape{64, 112, 112});
    CHECK(layer(net, "maxpool").output == Shape{64, 56, 56});
    CHECK(layer(net, "layer1.2.add").output == Shape{256, 56, 56});
    CHECK(layer(net, "layer2.3.add").output == Shape{512, 28, 28});
    CHECK(layer(net, "layer3.5.add").output == Shape{1024, 14, 14});
    CHECK(layer(net, "layer4.2.add").output == Shape{2048, 7, 7});
    CHECK(layer(net, "fc").in_channels() == 2048);
    // v1.5: the stride sits on the 3x3 conv of a downsampling block.
    CHECK(layer(net, "layer2.0.conv1").stride_h == 1);
    CHECK(layer(net, "layer2.0.conv2").stride_h == 2);
    // torchvision ResNet50_Weights.IMAGENET1K_V1: num_params 25,557,032, GFLOPS 4.09.
    CHECK(net.total_weights() + batch_norm_params(net) + 1000 == 25'557'032);
    CHECK(near(net.total_macs(), 4.09e9, 0.005));
    CHECK(near(net.total_weights(), 25.5e6, 0.005));
}
