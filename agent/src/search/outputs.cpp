#include "outputs.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/text.hpp"
#include "serialq/common/pareto.hpp"
#include "serialq/sim/figures.hpp"

namespace serialq::agent::detail {

namespace fig = sim::figure;

std::string episodes_csv(const std::vector<EpisodeLog>& logs,
                         const std::vector<long long>& distinct_calls) {
    std::string s = "episode,bits,accuracy_percent," + std::string(fig::total_cycles.name) + "," +
                    std::string(fig::energy_pj.name) +
                    ",weight_bits,feasible,reward,policy_entropy_nats,distinct_oracle_calls\n";
    for (std::size_t i = 0; i < logs.size(); ++i) {
        const EpisodeResult& r = logs[i].result;
        s += std::to_string(i + 1) + ",\"" + format_bits(r.bits) + "\"," +
             shortest_number(r.accuracy_percent) + "," + std::to_string(r.cycles) + "," +
             shortest_number(r.energy_pj) + "," + std::to_string(r.weight_bits) + "," +
             (r.feasible ? "1," : "0,") + shortest_number(r.reward) + "," +
             shortest_number(logs[i].policy_entropy_nats) + "," +
             std::to_string(distinct_calls[i]) + "\n";
    }
    return s;
}

std::string action_probabilities_csv(const Network& net, const std::vector<int>& choices,
                                     const std::vector<EpisodeLog>& logs) {
    const auto layers = net.weight_layers();
    const std::size_t A = choices.size();
    std::string s = "episode,layer,layer_name";
    for (int b : choices) s += ",p_" + std::to_string(b) + "_bits";
    s += "\n";
    for (std::size_t i = 0; i < logs.size(); ++i)
        for (std::size_t t = 0; t < layers.size(); ++t) {
            s += std::to_string(i + 1) + "," + std::to_string(t) + "," + layers[t]->name;
            for (std::size_t a = 0; a < A; ++a)
                s += "," + shortest_number(logs[i].action_probabilities[t * A + a]);
            s += "\n";
        }
    return s;
}

namespace {

nlohmann::ordered_json result_json(const EpisodeResult& r) {
    return {{"bits", r.bits},
            {"accuracy_percent", r.accuracy_percent},
            {"relative_accuracy", r.relative_accuracy},
            {"cost_x", r.cost},
            {fig::total_cycles.name, r.cycles},
            {fig::energy_pj.name, r.energy_pj},
            {"weight_bits", r.weight_bits},
            {"feasible", r.feasible},
            {"reward", r.reward}};
}

}  // namespace

std::string best_json(const nlohmann::ordered_json& identity, const SearchSummary& s) {
    nlohmann::ordered_json best = result_json(s.best.result);
    best["episode"] = s.best_episode;
    best[fig::speedup.name] = s.speedup;
    best[fig::energy_reduction.name] = s.energy_reduction;
    best["test_accuracy_percent"] = s.test_accuracy_percent
                                        ? nlohmann::ordered_json(*s.test_accuracy_percent)
                                        : nlohmann::ordered_json();
    nlohmann::ordered_json j = {
        {"objective", s.objective},
        {"best_is_feasible", s.best_feasible},
        {"best", best},
        {"baseline",
         {{"bits", identity["config"]["baseline_bits"]},
          {fig::total_cycles.name, s.baseline.cycles},
          {fig::energy_pj.name, s.baseline.energy_pj}}},
        {"reference_accuracy_percent", s.reference_accuracy_percent},
        {"episodes", s.episodes},
        {"complete", s.complete},
        {"distinct_oracle_calls", s.distinct_oracle_calls},
        {"simulated_layer_bit_pairs", s.simulations},
        {"run", identity},
    };
    return j.dump(2) + "\n";
}

namespace {
// The evaluated assignments' accuracy and network costs, as columns for pareto.hpp.
struct CostedColumns {
    std::vector<double> acc, cycles, energy;
};
CostedColumns costed(const std::vector<AccuracyMemo::Entry>& evaluated, HardwareCosts& hardware) {
    CostedColumns c;
    for (const auto& e : evaluated) {
        const HardwareCost cost = hardware.network(LayerBits(e.bits));
        c.acc.push_back(e.accuracy_percent);
        c.cycles.push_back(static_cast<double>(cost.cycles));
        c.energy.push_back(cost.energy_pj);
    }
    return c;
}
}  // namespace

std::string pareto_json(const nlohmann::ordered_json& identity, const SearchSummary& summary,
                        const std::vector<AccuracyMemo::Entry>& evaluated,
                        HardwareCosts& hardware) {
    const auto [acc, cycles, energy] = costed(evaluated, hardware);
    const auto on_latency = pareto_front(acc, cycles);
    const auto on_energy = pareto_front(acc, energy);
    const auto knee_latency = pareto_knee(acc, cycles, on_latency);
    const auto knee_energy = pareto_knee(acc, energy, on_energy);
    nlohmann::ordered_json configs = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < evaluated.size(); ++i)
        configs.push_back({{"bits", evaluated[i].bits},
                           {"accuracy_percent", acc[i]},
                           {fig::total_cycles.name, static_cast<long long>(cycles[i])},
                           {fig::energy_pj.name, energy[i]},
                           {"pareto_latency", bool(on_latency[i])},
                           {"pareto_energy", bool(on_energy[i])},
                           {"knee_latency", knee_latency && *knee_latency == i},
                           {"knee_energy", knee_energy && *knee_energy == i}});
    nlohmann::ordered_json j = {
        {"description",
         "every configuration the oracle evaluated, in the order first evaluated; "
         "pareto_latency / pareto_energy: not dominated in (higher accuracy, lower cycles / "
         "energy); knee: the front point farthest above the line joining the front's ends"},
        {"episodes", summary.episodes},
        {"complete", summary.complete},
        {"evaluated", evaluated.size()},
        {"pareto_latency_count", std::count(on_latency.begin(), on_latency.end(), true)},
        {"pareto_energy_count", std::count(on_energy.begin(), on_energy.end(), true)},
        {"configurations", configs},
        {"run", identity},
    };
    return j.dump(2) + "\n";
}

std::vector<FrontPoint> latency_front(const std::vector<AccuracyMemo::Entry>& evaluated,
                                      HardwareCosts& hardware) {
    const auto [acc, cycles, energy] = costed(evaluated, hardware);
    const auto on = pareto_front(acc, cycles);
    const auto knee = pareto_knee(acc, cycles, on);
    std::vector<FrontPoint> front;
    for (std::size_t i = 0; i < evaluated.size(); ++i)
        if (on[i])
            front.push_back({evaluated[i].bits, acc[i], static_cast<long long>(cycles[i]),
                             energy[i], knee && *knee == i});
    std::stable_sort(front.begin(), front.end(), [](const FrontPoint& a, const FrontPoint& b) {
        return a.accuracy_percent > b.accuracy_percent ||
               (a.accuracy_percent == b.accuracy_percent && a.cycles < b.cycles);
    });
    return front;
}

}  // namespace serialq::agent::detail
