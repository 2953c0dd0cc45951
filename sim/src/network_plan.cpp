#include "serialq/sim/network_plan.hpp"

#include "serialq/common/error.hpp"

#include <algorithm>

namespace serialq::sim {

namespace {

// Which layers' outputs end up off-chip: a weight layer's that spilled or feeds a spilled
// layer, and a weightless layer's whose input came from off-chip. Index -1 (the network's
// input) is off-chip.
class OffChipOutputs {
public:
    explicit OffChipOutputs(const Network& net) : off_(net.layers.size(), 0) {}
    bool input_off_chip(const Layer& l) const {
        for (int i : l.inputs)
            if (i < 0 || off_[static_cast<std::size_t>(i)]) return true;
        return false;
    }
    void set(std::size_t layer, bool off_chip) { off_[layer] = off_chip ? 1 : 0; }

private:
    std::vector<char> off_;
};

// A layer's weights at their precisions: each filter's at its own (kernel-wise bits).
long long layer_weight_bits(const Layer& l, const LayerSpec& s) {
    if (s.filter_bits.empty()) return l.weights() * s.weight_bits;
    long long bits = 0;
    for (int b : s.filter_bits) bits += b;
    return bits * l.reduction_length();
}

// The plan from each weight layer's precisions (`precisions`: weight_bits, activation_bits and
// filter_bits set, one per weight layer).
std::vector<LayerSpec> plan_specs(const AcceleratorConfig& config, const Network& net,
                                  const std::vector<LayerSpec>& precisions) {
    std::vector<LayerSpec> plan;
    std::vector<int> index;  // weight layer -> network layer
    std::vector<long long> need, chunk;  // per tile: all its weights, one lane chunk
    std::vector<int> weight_layer(net.layers.size(), -1);  // network layer -> weight layer
    std::vector<char> spills;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const Layer& l = net.layers[i];
        if (!l.has_weights()) continue;
        const LayerSpec s = precisions[plan.size()];
        LayerSpec probe = s;
        probe.stream_buffer_bits = kProbeStreamBits;
        const LayerMapping m(config, net, static_cast<int>(i), probe);  // checks the precisions
        weight_layer[i] = static_cast<int>(plan.size());
        plan.push_back(s);
        index.push_back(static_cast<int>(i));
        need.push_back(m.reserve_resident_bits_per_tile());
        chunk.push_back(m.reserve_chunk_bits_per_tile());
        spills.push_back(m.spilled() ? 1 : 0);
    }
    // A spilled layer reads its input from off-chip for every pass, so the weight layers that
    // produce it (through pooling and element-wise add layers) write their outputs there.
    const auto mark_producers = [&](auto&& self, int layer) -> void {
        for (int in : net.layers[static_cast<std::size_t>(layer)].inputs) {
            if (in < 0) continue;
            const int w = weight_layer[static_cast<std::size_t>(in)];
            if (w >= 0)
                plan[static_cast<std::size_t>(w)].output_off_chip = true;
            else
                self(self, in);
        }
    };
    for (std::size_t k = 0; k < plan.size(); ++k)
        if (spills[k]) mark_producers(mark_producers, index[k]);
    // Then, in order, which inputs come from off-chip.
    OffChipOutputs off_chip(net);
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
        const bool input_off_chip = off_chip.input_off_chip(net.layers[i]);
        const int w = weight_layer[i];
        if (w < 0) {
            off_chip.set(i, input_off_chip);
            continue;
        }
        LayerSpec& s = plan[static_cast<std::size_t>(w)];
        s.input_off_chip = input_off_chip;
        off_chip.set(i, spills[static_cast<std::size_t>(w)] || s.output_off_chip);
    }
    if (config.weights != WeightResidency::Resident) return plan;

    // All resident if all fit; else first fit into at most half of each buffer, leaving every
    // streamed layer room to double-buffer one lane chunk.
    const long long capacity = config.weight_buffer.capacity_bytes * 8;
    long long total = 0, largest_chunk = 0;
    for (std::size_t k = 0; k < plan.size(); ++k) {
        total += need[k];
        largest_chunk = std::max(largest_chunk, chunk[k]);
    }
    const long long budget =
        total <= capacity ? capacity
                          : std::max(0LL, std::min(capacity / 2, capacity - 2 * largest_chunk));
    long long used = 0;
    for (std::size_t k = 0; k < plan.size(); ++k) {
        if (used + need[k] > budget) continue;
        plan[k].weights_resident = true;
        used += need[k];
    }
    for (std::size_t k = 0; k < plan.size(); ++k) {
        if (plan[k].weights_resident) continue;
        // What the layer streams into, made canonical: the smallest buffer giving the same
        // segments, so that equal runs are equal specs (the agent memoizes per spec).
        plan[k].stream_buffer_bits = capacity - used;
        if (!plan[k].filter_bits.empty()) continue;
        const LayerMapping m(config, net, index[k], plan[k]);
        plan[k].stream_buffer_bits =
            m.chunks_per_segment() == m.chunks() ? 0 : 2 * chunk[k] * m.chunks_per_segment();
    }
    return plan;
}

}  // namespace

std::vector<LayerSpec> plan_layers(const AcceleratorConfig& config, const Network& net,
                                   const LayerBits& bits, const LayerBits& act_bits) {
    const std::size_t n = net.weight_layer_count();
    bits.expect(n, net.name);
    if (!act_bits.empty()) act_bits.expect(n, net.name + " activations");
    std::vector<LayerSpec> precisions(n);
    for (std::size_t w = 0; w < n; ++w) {
        precisions[w].weight_bits = bits[w];
        precisions[w].activation_bits = act_bits.empty() ? config.activation_bits : act_bits[w];
    }
    return plan_specs(config, net, precisions);
}

std::vector<LayerSpec> plan_layers(const AcceleratorConfig& config, const Network& net,
                                   const KernelBits& bits) {
    bits.expect(net, config.name, weight_bits_range(config), activation_bits_range(config));
    const LayerBits widest = bits.widest();
    const LayerBits acts = bits.activations_or(config.activation_bits);
    std::vector<LayerSpec> precisions(bits.size());
    for (std::size_t w = 0; w < bits.size(); ++w) {
        precisions[w].weight_bits = widest[w];
        precisions[w].activation_bits = acts[w];
        const auto& kernels = bits.weights(w);
        const bool uniform = std::all_of(kernels.begin(), kernels.end(),
                                         [&](int b) { return b == kernels.front(); });
        if (!uniform) precisions[w].filter_bits = kernels;  // a uniform layer plans as LayerBits
    }
    return plan_specs(config, net, precisions);
}

WeightLoad resident_weight_load(const AcceleratorConfig& config, const Network& net,
                                const std::vector<LayerSpec>& plan) {
    WeightLoad load;
    std::size_t k = 0;
    for (const auto& l : net.layers) {
        if (!l.has_weights()) continue;
        if (plan.at(k).weights_resident) load.bits += layer_weight_bits(l, plan[k]);
        ++k;
    }
    load.cycles = Channel(config).fetch_cycles(load.bits, 0);
    load.energy_pj = static_cast<double>(load.bits) *
                     (config.energy.off_chip_bit_pj + config.energy.weight_buffer_bit_pj);
    return load;
}

}  // namespace serialq::sim
