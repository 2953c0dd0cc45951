#include "serialq/common/kernel_bits.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

namespace serialq {

namespace {

std::string prefix(const std::string& who) { return who.empty() ? "" : who + ": "; }

std::string layer_at(std::size_t w) { return "weight layer " + std::to_string(w); }

// [bits, count] runs of `v` in order.
std::vector<std::pair<int, int>> runs_of(const std::vector<int>& v) {
    std::vector<std::pair<int, int>> runs;
    for (int b : v) {
        if (!runs.empty() && runs.back().first == b)
            ++runs.back().second;
        else
            runs.emplace_back(b, 1);
    }
    return runs;
}

void check_activation(int bits, BitsRange range, const std::string& where) {
    if (bits != 0 && !range.contains(bits))
        throw ConfigError(where + ": found " + std::to_string(bits) +
                          " activation bits, expected " + range.str() + " (or 0: the default)");
}

}  // namespace

KernelBits::KernelBits(std::vector<std::vector<int>> weights, std::vector<int> activations,
                       const std::string& what)
    : weights_(std::move(weights)), activations_(std::move(activations)) {
    if (activations_.empty()) activations_.assign(weights_.size(), 0);
    if (activations_.size() != weights_.size())
        throw ConfigError(prefix(what) + "found " + std::to_string(activations_.size()) +
                          " activation bitwidths, expected " + std::to_string(weights_.size()) +
                          " (one per weight layer)");
    for (std::size_t w = 0; w < weights_.size(); ++w) {
        if (weights_[w].empty())
            throw ConfigError(prefix(what) + layer_at(w) + ": no kernels, expected at least one");
        for (std::size_t c = 0; c < weights_[w].size(); ++c)
            if (!kBitwidths.contains(weights_[w][c]))
                throw ConfigError(prefix(what) + layer_at(w) + ", channel " + std::to_string(c) +
                                  ": found " + std::to_string(weights_[w][c]) + " bits, expected " +
                                  kBitwidths.str());
        check_activation(activations_[w], kBitwidths, prefix(what) + layer_at(w));
    }
}

KernelBits KernelBits::from_layer_bits(const LayerBits& bits, const std::vector<int>& channels,
                                       const LayerBits& activations) {
    if (channels.size() != bits.size())
        throw ConfigError("bits " + bits.str() + ": found " + std::to_string(bits.size()) +
                          " bitwidths, expected " + std::to_string(channels.size()) +
                          " (one per conv/fc layer)");
    std::vector<std::vector<int>> w;
    for (std::size_t i = 0; i < bits.size(); ++i)
        w.emplace_back(static_cast<std::size_t>(std::max(channels[i], 1)), bits[i]);
    return KernelBits(std::move(w), activations.values());
}

const KernelBits& KernelBits::expect(const Network& net, const std::string& who, BitsRange weights,
                                     BitsRange activations) const {
    const auto layers = net.weight_layers();
    if (weights_.size() != layers.size())
        throw ConfigError(prefix(who) + "kernel-wise bits for " + std::to_string(weights_.size()) +
                          " weight layers, expected " + std::to_string(layers.size()) +
                          " (one per conv/fc layer of " + net.name + ")");
    for (std::size_t w = 0; w < layers.size(); ++w) {
        const std::string where = prefix(who) + layer_at(w) + " (" + layers[w]->name + ")";
        const auto channels = static_cast<std::size_t>(layers[w]->out_channels());
        if (weights_[w].size() != channels)
            throw ConfigError(where + ": found " + std::to_string(weights_[w].size()) +
                              " kernel bitwidths, expected " + std::to_string(channels) +
                              " (one per output channel)");
        for (std::size_t c = 0; c < channels; ++c)
            if (!weights.contains(weights_[w][c]))
                throw ConfigError(where + ", channel " + std::to_string(c) + ": found " +
                                  std::to_string(weights_[w][c]) + " weight bits, expected " +
                                  weights.str());
        check_activation(activations_[w], activations, where);
    }
    return *this;
}

bool KernelBits::layer_wise() const {
    return std::all_of(weights_.begin(), weights_.end(), [](const std::vector<int>& v) {
        return std::all_of(v.begin(), v.end(), [&](int b) { return b == v.front(); });
    });
}

LayerBits KernelBits::widest() const {
    std::vector<int> out;
    for (const auto& v : weights_) out.push_back(*std::max_element(v.begin(), v.end()));
    return LayerBits(std::move(out));
}

std::vector<double> KernelBits::mean_weight_bits() const {
    std::vector<double> out;
    for (const auto& v : weights_)
        out.push_back(std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()));
    return out;
}

LayerBits KernelBits::activations_or(int fallback) const {
    std::vector<int> out;
    for (int a : activations_) out.push_back(a == 0 ? fallback : a);
    return LayerBits(std::move(out));
}

std::string KernelBits::str() const {
    std::string s;
    for (std::size_t w = 0; w < weights_.size(); ++w) {
        if (w) s += ';';
        bool first = true;
        for (const auto& [bits, count] : runs_of(weights_[w])) {
            if (!first) s += ',';
            first = false;
            s += std::to_string(bits) + "x" + std::to_string(count);
        }
        if (activations_[w] != 0) s += "/a" + std::to_string(activations_[w]);
    }
    return s;
}

namespace {

using json = nlohmann::json;

int bits_value(const json& v, const std::string& where) {
    if (!v.is_number_integer())
        throw ConfigError(where + ": found " + v.dump() + ", expected an integer bitwidth");
    const auto b = v.get<long long>();
    if (b < kBitwidths.min || b > kBitwidths.max)
        throw ConfigError(where + ": found " + std::to_string(b) + " bits, expected " +
                          kBitwidths.str());
    return static_cast<int>(b);
}

std::vector<int> layer_weights(const json& entry, int channels, const std::string& where) {
    const bool has_bits = entry.contains("weight_bits"), has_runs = entry.contains("weight_runs");
    if (has_bits == has_runs)
        throw ConfigError(where + ": " +
                          (has_bits ? "both weight_bits and weight_runs"
                                    : "neither weight_bits nor weight_runs") +
                          ", expected exactly one");
    std::vector<int> out;
    if (has_bits) {
        const json& b = entry["weight_bits"];
        if (!b.is_array())
            return std::vector<int>(static_cast<std::size_t>(channels),
                                    bits_value(b, where + ": weight_bits"));
        for (std::size_t c = 0; c < b.size(); ++c)
            out.push_back(bits_value(b[c], where + ", channel " + std::to_string(c)));
        if (out.size() != static_cast<std::size_t>(channels))
            throw ConfigError(where + ": weight_bits lists " + std::to_string(out.size()) +
                              " channels, expected " + std::to_string(channels));
        return out;
    }
    const json& runs = entry["weight_runs"];
    if (!runs.is_array())
        throw ConfigError(where + ": weight_runs: found " + runs.dump() +
                          ", expected a list of [bits, count]");
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const std::string at = where + ": weight_runs[" + std::to_string(r) + "]";
        if (!runs[r].is_array() || runs[r].size() != 2 || !runs[r][1].is_number_integer())
            throw ConfigError(at + ": found " + runs[r].dump() + ", expected [bits, count]");
        const int bits =
            bits_value(runs[r][0], at + " (channel " + std::to_string(out.size()) + ")");
        const auto count = runs[r][1].get<long long>();
        if (count < 1 || count > channels - static_cast<long long>(out.size()))
            throw ConfigError(at + ": count " + std::to_string(count) + " at channel " +
                              std::to_string(out.size()) + ", expected 1.." +
                              std::to_string(channels - static_cast<long long>(out.size())) +
                              " (the layer has " + std::to_string(channels) + " channels)");
        out.insert(out.end(), static_cast<std::size_t>(count), bits);
    }
    if (out.size() != static_cast<std::size_t>(channels))
        throw ConfigError(where + ": weight_runs cover " + std::to_string(out.size()) +
                          " channels, expected " + std::to_string(channels));
    return out;
}

}  // namespace

KernelBits kernel_bits_from_json(const json& doc_in, const Network& net,
                                 const std::string& source) {
    const json& doc =
        doc_in.is_object() && doc_in.contains("assignment") ? doc_in["assignment"] : doc_in;
    if (!doc.is_object() || !doc.contains("format") || doc["format"] != kKernelBitsFormat)
        throw ConfigError(source + ": format: found " +
                          (doc.is_object() && doc.contains("format") ? doc["format"].dump()
                                                                     : std::string("none")) +
                          ", expected \"" + kKernelBitsFormat + "\"");
    for (const auto& [key, value] : doc.items())
        if (key != "format" && key != "layers" && key != "network")
            throw ConfigError(source + ": unknown key " + key +
                              ", expected format, network or layers");
    if (!doc.contains("layers") || !doc["layers"].is_array())
        throw ConfigError(source + ": layers: expected a list, one entry per conv/fc layer");
    const json& entries = doc["layers"];
    const auto layers = net.weight_layers();
    if (entries.size() != layers.size())
        throw ConfigError(source + ": layers: found " + std::to_string(entries.size()) +
                          " entries, expected " + std::to_string(layers.size()) +
                          " (one per conv/fc layer of " + net.name + ")");
    std::vector<std::vector<int>> weights;
    std::vector<int> activations;
    for (std::size_t w = 0; w < layers.size(); ++w) {
        const json& e = entries[w];
        const std::string where =
            source + ": layers[" + std::to_string(w) + "] (" + layers[w]->name + ")";
        if (!e.is_object()) throw ConfigError(where + ": expected an object");
        for (const auto& [key, value] : e.items())
            if (key != "layer" && key != "act_bits" && key != "weight_bits" && key != "weight_runs")
                throw ConfigError(where + ": unknown key " + key +
                                  ", expected layer, act_bits, weight_bits or weight_runs");
        if (e.contains("layer") && e["layer"] != layers[w]->name)
            throw ConfigError(where + ": layer: found " + e["layer"].dump() + ", expected \"" +
                              layers[w]->name + "\" (the layers in network order)");
        weights.push_back(layer_weights(e, layers[w]->out_channels(), where));
        activations.push_back(
            e.contains("act_bits") ? bits_value(e["act_bits"], where + ": act_bits") : 0);
    }
    return KernelBits(std::move(weights), std::move(activations), source);
}

nlohmann::ordered_json kernel_bits_to_json(const KernelBits& bits, const Network& net) {
    bits.expect(net, "kernel_bits_to_json");
    const auto layers = net.weight_layers();
    nlohmann::ordered_json doc;
    doc["format"] = kKernelBitsFormat;
    doc["network"] = net.name;
    doc["layers"] = nlohmann::ordered_json::array();
    for (std::size_t w = 0; w < bits.size(); ++w) {
        nlohmann::ordered_json e;
        e["layer"] = layers[w]->name;
        if (bits.activation(w) != 0) e["act_bits"] = bits.activation(w);
        const auto runs = runs_of(bits.weights(w));
        if (runs.size() == 1) {
            e["weight_bits"] = runs.front().first;
        } else {
            e["weight_runs"] = nlohmann::ordered_json::array();
            for (const auto& [b, n] : runs) e["weight_runs"].push_back({b, n});
        }
        doc["layers"].push_back(std::move(e));
    }
    return doc;
}

KernelBits read_kernel_bits(const std::filesystem::path& file, const Network& net) {
    const std::string text = read_file(file);
    const json doc =
        parse_json(text, file.string(), "a kernel-wise bit assignment (docs/formats.md)");
    return kernel_bits_from_json(doc, net, file.string());
}

bool is_kernel_bits_file(const std::string& spec) {
    return spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".json") == 0;
}

}  // namespace serialq
