#pragma once
// What a search was given: checked before a run starts, and recorded as the JSON every output
// holds and a resumed run must match (private to agent/src; run_search's and run_autoq's).
#include "serialq/agent/search_run.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace serialq::agent::detail {

// `oracle_identity`: the oracle's own (AccuracyOracle::identity(): what its answers depend on),
// beside the spec as the user gave it.
nlohmann::ordered_json run_identity(const SearchConfig& config, const SearchSettings& settings,
                                    const std::string& oracle_identity);

// ConfigError for settings a run cannot start with (the trace, the oracle, the accelerator and
// the configuration must agree), before anything is built or simulated.
void check_inputs(const Network& net, const quant::AccuracyOracle& oracle,
                  const sim::AcceleratorConfig& accel, const SearchConfig& config,
                  const SearchSettings& settings);

}  // namespace serialq::agent::detail
