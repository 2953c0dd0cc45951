#pragma once
// LayerBits: a bit assignment, one bitwidth per weight layer, checked once where it is made.
//
// Index space: entry w belongs to the w-th layer that carries weights (conv and fc, in network
// order: Network::weight_layers()[w]); pooling and add layers get no entry. Network::layers
// indices are another space (Network::weight_layer_indices() maps one to the other); the
// libraries take LayerBits or a weight-layer index, never a network index for a bit.
//
// Invariant: every entry lies in kBitwidths (1..16), the widths the quantizers and the
// accelerators support; a LayerBits cannot be built otherwise. What depends on the consumer —
// the layer count, an accelerator's narrower range — is its contract, checked at its entry by
// expect(), so that every refusal of a bit assignment is worded by this one file.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace serialq {

// An inclusive range of bitwidths.
struct BitsRange {
    int min = 1, max = 16;
    bool contains(int bits) const { return bits >= min && bits <= max; }
    std::string str() const;  // "1..16"
};

// Every bitwidth serialq represents (quant::kMinBits..kMaxBits are its ends).
inline constexpr BitsRange kBitwidths{1, 16};

class LayerBits {
public:
    LayerBits() = default;  // no layers
    // Throws ConfigError "<what>: bits 8,40,8: weight layer 1: found 40 bits, expected 1..16"
    // (without "<what>: " if what is empty).
    explicit LayerBits(std::vector<int> bits, const std::string& what = "");
    LayerBits(std::initializer_list<int> bits) : LayerBits(std::vector<int>(bits)) {}
    // Every one of `layers` weight layers at `bits`.
    static LayerBits uniform(int bits, std::size_t layers, const std::string& what = "");

    // The consumer's contract: exactly `layers` entries, each in `range`. Throws ConfigError
    // naming `who` (an oracle, a network, an accelerator), the assignment and the layer.
    const LayerBits& expect(std::size_t layers, const std::string& who,
                            BitsRange range = kBitwidths) const;

    std::size_t size() const { return bits_.size(); }
    bool empty() const { return bits_.empty(); }
    int operator[](std::size_t weight_layer) const { return bits_[weight_layer]; }
    const std::vector<int>& values() const { return bits_; }
    auto begin() const { return bits_.begin(); }
    auto end() const { return bits_.end(); }
    std::string str(char separator = ',') const;  // "8,4,4,8"
    auto operator<=>(const LayerBits&) const = default;
    bool operator==(const LayerBits&) const = default;
    bool operator==(const std::vector<int>& bits) const { return bits_ == bits; }

private:
    std::vector<int> bits_;
};

// "8,4,4,8"
std::string format_bits(const std::vector<int>& bits, char separator = ',');

}  // namespace serialq
