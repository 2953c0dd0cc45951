#pragma once
// The strategies' constructors (private to agent/src); search_strategy.cpp's table names them.
#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/search_strategy.hpp"

#include <memory>

namespace serialq::agent::detail {

std::unique_ptr<SearchStrategy> make_greedy_strategy(const Environment& env);
std::unique_ptr<SearchStrategy> make_haq_strategy(const DdpgParams& params, const Environment& env,
                                                  std::mt19937_64& rng);

}  // namespace serialq::agent::detail
