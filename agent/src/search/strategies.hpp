#pragma once
// The strategies' constructors (private to agent/src); search_strategy.cpp's table names them.
#include "serialq/agent/search_strategy.hpp"

#include <memory>

namespace serialq::agent::detail {

std::unique_ptr<SearchStrategy> make_greedy_strategy();

}  // namespace serialq::agent::detail
