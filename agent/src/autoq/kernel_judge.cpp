// KernelJudge: the objective's verdict on kernel-wise assignments (autoq.hpp).
#include "serialq/agent/autoq.hpp"

#include "serialq/common/error.hpp"

namespace serialq::agent {

namespace {

// Weight storage: every kernel's weights at its own bits.
long long weight_storage_bits(const Network& net, const KernelBits& bits) {
    long long total = 0;
    const auto layers = net.weight_layers();
    for (std::size_t w = 0; w < layers.size(); ++w) {
        const long long per_kernel = layers[w]->weights() / layers[w]->out_channels();
        for (int b : bits.weights(w)) total += per_kernel * b;
    }
    return total;
}

HardwareCost cost_of(const sim::NetworkReport& r, long long weight_bits) {
    return {r.total.total_cycles, r.total.energy_pj(), weight_bits};
}

}  // namespace

KernelJudge::KernelJudge(const Network& net, quant::AccuracyOracle& oracle,
                         sim::HardwareModel& hardware, const Objective& objective,
                         int baseline_bits, const LayerBits& baseline_act_bits,
                         std::optional<double> reference_accuracy_percent)
    : net_(&net), oracle_(&oracle), hardware_(&hardware), objective_(objective) {
    if (objective.uses_reward())
        throw ConfigError(
            "--strategy autoq: found --objective reward, expected latency, energy, size or "
            "accuracy (ReLeQ's reward is defined on layer-wise states)");
    const LayerBits uniform(std::vector<int>(net.weight_layer_count(), baseline_bits));
    const KernelBits base =
        KernelBits::from_layer_bits(uniform, channel_counts(net), baseline_act_bits);
    baseline_ =
        cost_of(hardware.simulate(net, uniform, baseline_act_bits), weight_storage_bits(net, base));
    reference_ = reference_accuracy_percent ? *reference_accuracy_percent
                                            : oracle.reference_accuracy_percent();
}

KernelEvaluation KernelJudge::evaluate(const KernelBits& bits) {
    KernelEvaluation e;
    e.bits = bits;
    const std::string key = bits.str();
    auto it = accuracy_.find(key);
    if (it == accuracy_.end())
        it = accuracy_.emplace(key, oracle_->evaluate(bits).accuracy_percent).first;
    e.accuracy_percent = it->second;
    e.relative_accuracy = reference_ > 0 ? e.accuracy_percent / reference_ : 0;
    const HardwareCost c =
        cost_of(hardware_->simulate(*net_, bits), weight_storage_bits(*net_, bits));
    e.cycles = c.cycles;
    e.energy_pj = c.energy_pj;
    e.weight_bits = c.weight_bits;
    e.cost_x = cost_ratio(objective_.metric(), c, baseline_);
    const Verdict v = judge(objective_, e.accuracy_percent, reference_, e.cost_x, 0.0);
    e.feasible = v.feasible;
    e.reward = v.reward;
    return e;
}

std::vector<int> channel_counts(const Network& net) {
    std::vector<int> out;
    for (const Layer* l : net.weight_layers()) out.push_back(l->out_channels());
    return out;
}

}  // namespace serialq::agent
