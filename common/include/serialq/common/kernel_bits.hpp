#pragma once
// KernelBits: a kernel-wise bit assignment (AutoQ's search space): per weight layer, the weight
// bits of each output channel ("kernel", "filter" in sim's words) and the bits of the layer's
// input activations. Checked once where it is made, like LayerBits (layer_bits.hpp), whose index
// space it shares: entry w is Network::weight_layers()[w]; channel c is that layer's c-th output
// channel in the network's own order.
//
// A layer-wise assignment is the special case in which every kernel of a layer has one width;
// from_layer_bits() makes one and layer_wise() recognises one, so that a consumer given a
// KernelBits whose layers are uniform computes exactly what it computes for the LayerBits.
//
// Activation bits: 0 means "the consumer's own default" (the accelerator's activation_bits, the
// oracle's --activation-bits); otherwise 1..16.
//
// The file format (docs/formats.md, "Kernel-wise bit assignments"), also the "assignment" of a
// search's best.json:
//   {"format": "serialq-kernel-bits/1",
//    "layers": [{"layer": "conv1", "act_bits": 8, "weight_bits": 4},
//               {"layer": "conv2", "weight_runs": [[4, 10], [8, 6]]},
//               {"layer": "fc1", "weight_bits": [4, 4, 8, ...]}]}
// weight_bits is one width for every channel or a list of one per channel; weight_runs is a
// list of [bits, count] runs in channel order. One of the two, and the layers in network order.
#include "serialq/common/layer_bits.hpp"
#include "serialq/common/network.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace serialq {

inline constexpr const char* kKernelBitsFormat = "serialq-kernel-bits/1";

class KernelBits {
public:
    KernelBits() = default;  // no layers
    // weights[w][c]: layer w's channel c; activations: empty (all defaults) or one per layer,
    // each 0 (default) or in kBitwidths. Throws ConfigError "<what>: weight layer 1, channel 3:
    // found 40 bits, expected 1..16".
    KernelBits(std::vector<std::vector<int>> weights, std::vector<int> activations = {},
               const std::string& what = "");
    // Every kernel of layer w at bits[w]; channels[w] kernels per layer.
    static KernelBits from_layer_bits(const LayerBits& bits, const std::vector<int>& channels,
                                      const LayerBits& activations = {});

    // The consumer's contract: one entry per weight layer of `net` with its output channel
    // count, weights in `weights`, set activation bits in `activations`. Throws ConfigError
    // naming `who`, the layer (index and name) and the channel.
    const KernelBits& expect(const Network& net, const std::string& who,
                             BitsRange weights = kBitwidths,
                             BitsRange activations = kBitwidths) const;

    std::size_t size() const { return weights_.size(); }
    bool empty() const { return weights_.empty(); }
    const std::vector<int>& weights(std::size_t layer) const { return weights_[layer]; }
    // 0: the consumer's default.
    int activation(std::size_t layer) const { return activations_[layer]; }
    const std::vector<int>& activations() const { return activations_; }
    // Every layer's kernels share one width (activations may still be set).
    bool layer_wise() const;
    // Per layer, its widest kernel: the layer-wise assignment that bounds this one.
    LayerBits widest() const;
    // Per layer, its kernels' mean width.
    std::vector<double> mean_weight_bits() const;
    // Activations with 0 replaced by `fallback` (each in kBitwidths).
    LayerBits activations_or(int fallback) const;
    // Compact text, one layer per ';': runs "4x10,8x6" then "/a8" when activation bits are set.
    // Stable: the cache key and messages use it.
    std::string str() const;
    bool operator==(const KernelBits&) const = default;

private:
    std::vector<std::vector<int>> weights_;
    std::vector<int> activations_;  // one per layer
};

// Parses the document (or a best.json holding it under "assignment") for `net`; `source`
// names the file in errors: "<source>: layers[2] (conv2): weight_runs cover 14 channels,
// expected 16".
KernelBits kernel_bits_from_json(const nlohmann::json& doc, const Network& net,
                                 const std::string& source);
// The document for `bits` on `net` (runs where a layer mixes widths).
nlohmann::ordered_json kernel_bits_to_json(const KernelBits& bits, const Network& net);
// Reads `file` (InputError if it cannot be read or is not JSON).
KernelBits read_kernel_bits(const std::filesystem::path& file, const Network& net);

// Whether a --bits argument names a kernel-wise file rather than a layer-wise list.
bool is_kernel_bits_file(const std::string& spec);

}  // namespace serialq
