#include "best_bits.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace serialq::workflow {

std::vector<int> bits_from_text(const std::string& text) {
    std::vector<int> bits;
    int value = -1;
    for (char c : text + " ") {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            if (value > 1000) return {};
        } else if (value >= 0) {
            bits.push_back(value);
            value = -1;
        }
    }
    return bits;
}

namespace {
std::vector<int> bits_member(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("bits")) return {};
    const auto& b = j["bits"];
    if (b.is_string()) return bits_from_text(b.get<std::string>());
    std::vector<int> bits;
    if (!b.is_array()) return {};
    for (const auto& v : b) {
        if (!v.is_number_integer()) return {};
        bits.push_back(v.get<int>());
    }
    return bits;
}
}  // namespace

std::vector<int> read_best_bits(const std::filesystem::path& path) {
    const auto file = std::filesystem::is_directory(path) ? path / "best.json" : path;
    const nlohmann::json j =
        parse_json(read_file(file), file.string(), "a search's best.json with its \"bits\"");
    auto bits = bits_member(j);
    if (bits.empty() && j.is_object() && j.contains("best")) bits = bits_member(j["best"]);
    if (bits.empty())
        throw InputError(file.string() +
                         ": bits: found nothing, expected a list of bitwidths "
                         "(\"bits\": [8, 4, 4, 8]) as a search's best.json has");
    return bits;
}

}  // namespace serialq::workflow
