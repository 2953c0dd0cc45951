#include "serialq/common/bits_spec.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"

#include <sstream>

namespace serialq {

namespace {
int parse_one(std::string text, BitsRange range, const std::string& what) {
    // "8, 4" reads as "8,4": spaces around an item are the list's, not the number's.
    text.erase(0, text.find_first_not_of(' '));
    text.erase(text.find_last_not_of(' ') + 1);
    const auto v = parse_integer(text);
    if (!v) throw ConfigError(what + ": found '" + text + "', expected a bitwidth (an integer)");
    if (*v < range.min || *v > range.max)
        throw ConfigError(what + ": found " + text + " bits, expected " + range.str());
    return static_cast<int>(*v);
}
}  // namespace

LayerBits parse_bits(const std::string& spec, std::size_t layers, BitsRange range,
                     const std::string& what) {
    const std::string prefix = "uniform:";
    if (spec.rfind(prefix, 0) == 0) {
        const int b = parse_one(spec.substr(prefix.size()), range, what);
        return LayerBits::uniform(b, layers, what);
    }
    std::vector<int> bits;
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ',')) bits.push_back(parse_one(item, range, what));
    if (!spec.empty() && spec.back() == ',') bits.push_back(parse_one("", range, what));
    if (bits.size() != layers)
        throw ConfigError(what + ": found " + std::to_string(bits.size()) +
                          " bitwidths, expected " + std::to_string(layers) +
                          " (one per conv/fc layer) or uniform:N");
    return LayerBits(std::move(bits), what);
}

}  // namespace serialq
