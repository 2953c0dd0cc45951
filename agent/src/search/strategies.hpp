#pragma once
// The strategies' constructors (private to agent/src); search_strategy.cpp's table names them.
#include "serialq/agent/ddpg.hpp"
#include "serialq/agent/search_strategy.hpp"

#include <memory>

namespace serialq::agent::detail {

// HAQ's static layer features (linear_quantize_env.py, _build_state_embedding), weights only:
// [t, c_in, c_out, stride, kernel, weights, input plane h*w, depthwise, fc], each row min-max
// normalised over the layers (when it varies), and one more row of zeros for the caller's
// dynamic feature: (kHaqLayerFeatures + 1) x T. haq and autoq's high level share it.
inline constexpr Index kHaqLayerFeatures = 9;
Mat<float> haq_layer_embedding(const Network& net);

std::unique_ptr<SearchStrategy> make_greedy_strategy(const Environment& env);
std::unique_ptr<SearchStrategy> make_haq_strategy(const DdpgParams& params, const Environment& env,
                                                  std::mt19937_64& rng);

}  // namespace serialq::agent::detail
