#include "serialq/common/layer_bits.hpp"

#include "serialq/common/error.hpp"

namespace serialq {

namespace {

// "who: " unless who is empty.
std::string prefix(const std::string& who) { return who.empty() ? "" : who + ": "; }

void check_range(const std::vector<int>& bits, BitsRange range, const std::string& who) {
    for (std::size_t w = 0; w < bits.size(); ++w)
        if (!range.contains(bits[w]))
            throw ConfigError(prefix(who) + "bits " + format_bits(bits) + ": weight layer " +
                              std::to_string(w) + ": found " + std::to_string(bits[w]) +
                              " bits, expected " + range.str());
}

}  // namespace

std::string BitsRange::str() const { return std::to_string(min) + ".." + std::to_string(max); }

LayerBits::LayerBits(std::vector<int> bits, const std::string& what) : bits_(std::move(bits)) {
    check_range(bits_, kBitwidths, what);
}

LayerBits LayerBits::uniform(int bits, std::size_t layers, const std::string& what) {
    return LayerBits(std::vector<int>(layers, bits), what);
}

const LayerBits& LayerBits::expect(std::size_t layers, const std::string& who,
                                   BitsRange range) const {
    if (bits_.size() != layers)
        throw ConfigError(prefix(who) + "bits " + str() + ": found " +
                          std::to_string(bits_.size()) + " bitwidths, expected " +
                          std::to_string(layers) + " (one per conv/fc layer)");
    check_range(bits_, range, who);
    return *this;
}

std::string LayerBits::str(char separator) const { return format_bits(bits_, separator); }

std::string format_bits(const std::vector<int>& bits, char separator) {
    std::string s;
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (i) s += separator;
        s += std::to_string(bits[i]);
    }
    return s;
}

}  // namespace serialq
