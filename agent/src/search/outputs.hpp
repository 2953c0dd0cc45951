#pragma once
// The search's output files as text (private to agent/src); search_run.cpp writes them.
#include "serialq/agent/accuracy_memo.hpp"
#include "serialq/agent/hardware_costs.hpp"
#include "serialq/agent/search_run.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace serialq::agent::detail {

std::string episodes_csv(const std::vector<EpisodeLog>& logs,
                         const std::vector<long long>& distinct_calls);
std::string action_probabilities_csv(const Network& net, const std::vector<int>& choices,
                                     const std::vector<EpisodeLog>& logs);
std::string best_json(const nlohmann::ordered_json& identity, const SearchSummary& summary);
// Every evaluated assignment with its costs (from `hardware`), the two Pareto sets and knees,
// after `summary.episodes` episodes (and whether the run was complete then).
std::string pareto_json(const nlohmann::ordered_json& identity, const SearchSummary& summary,
                        const std::vector<AccuracyMemo::Entry>& evaluated, HardwareCosts& hardware);
// The accuracy-vs-latency frontier of `evaluated` (pareto.json's pareto_latency points, with
// its knee), most accurate first.
std::vector<FrontPoint> latency_front(const std::vector<AccuracyMemo::Entry>& evaluated,
                                      HardwareCosts& hardware);

}  // namespace serialq::agent::detail
