#include "run_identity.hpp"

#include "config_json.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/mapping.hpp"

namespace serialq::agent::detail {

namespace {

using json = nlohmann::ordered_json;

json options_json(const std::vector<std::pair<std::string, std::string>>& options) {
    json j = json::object();
    for (const auto& [name, value] : options) j[name] = value;
    return j;
}

json objective_json(const Objective& o) {
    json j = {{"kind", to_string(o.kind)}};
    switch (o.kind) {
        case ObjectiveKind::Accuracy:
            j["budget"] = budget_text(o);
            break;
        case ObjectiveKind::Reward:
            j["reward"] = to_string(o.reward);
            break;
        default:
            j["max_loss_points"] = o.max_loss_points;
    }
    return j;
}

}  // namespace

json run_identity(const SearchConfig& config, const SearchSettings& settings,
                  const std::string& oracle_identity) {
    return {
        {"strategy", settings.strategy},
        {"objective", objective_json(settings.objective)},
        {"reference_accuracy_percent", settings.reference_accuracy_percent
                                           ? json(*settings.reference_accuracy_percent)
                                           : json("oracle")},
        {"seed", settings.seed},
        {"trace", settings.trace},
        {"oracle", settings.oracle},
        {"oracle_identity", oracle_identity},
        {"accelerator", settings.accelerator},
        {"hardware_model", settings.hardware_model},
        {"act_bits", settings.act_bits.values()},
        {"options", options_json(settings.options)},
        {"config", detail::config_json(config)},
    };
}

void check_inputs(const Network& net, const quant::AccuracyOracle& oracle,
                  const sim::AcceleratorConfig& accel, const SearchConfig& config,
                  const SearchSettings& settings) {
    config.check();
    if (settings.episodes < 1)
        throw ConfigError("--episodes: found " + std::to_string(settings.episodes) +
                          ", expected a positive integer");
    const BitsRange range = sim::weight_bits_range(accel);
    for (int b : config.environment.bits)
        if (!range.contains(b))
            throw ConfigError((config.file.empty() ? std::string() : config.file + ": ") +
                              "bits: " + std::to_string(b) + " is outside the range " +
                              range.str() + " of accelerator " + accel.name);
    if (!range.contains(config.environment.baseline_bits))
        throw ConfigError("baseline_bits: " + std::to_string(config.environment.baseline_bits) +
                          " is outside the range of accelerator " + accel.name);
    if (static_cast<int>(net.weight_layer_count()) != oracle.layer_count())
        throw ConfigError(
            "oracle " + (settings.oracle.empty() ? oracle.identity() : settings.oracle) +
            " answers for " + std::to_string(oracle.layer_count()) + " weight layers, the trace " +
            net.file + " has " + std::to_string(net.weight_layer_count()));
}

}  // namespace serialq::agent::detail
