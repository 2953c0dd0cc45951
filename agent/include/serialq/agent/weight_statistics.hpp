#pragma once
// The standard deviation of each weight layer's weights: a static feature of the agent's state
// (ReLeQ table 1, "weight statistics"). Read from the trained weights beside the trace when
// the trace names a weights file (tensor "<layer>.weight"); otherwise, and for a layer missing
// from the file, the fallback is the standard deviation a He-initialised layer has,
// sqrt(2 / fan_in) with fan_in = the layer's inner-product length, which tracks how trained
// weights scale with the layer's shape.
#include "serialq/common/network.hpp"

#include <vector>

namespace serialq::agent {

struct WeightStatistics {
    std::vector<double> std_dev;  // one per weight layer
    std::vector<bool> from_weights;  // true: measured from the weights file; false: fallback
};

// Throws InputError if the trace names a weights file that cannot be read.
WeightStatistics weight_statistics(const Network& net);

// Per weight layer, the root mean square of each output channel's (kernel's) weights, read as
// weight_statistics reads them (rows of "<layer>.weight" in output-channel-major order); a
// layer without weights in the file, or whose tensor does not hold out_channels rows, gets an
// empty list: its kernels are not told apart. AutoQ's low level sees them (autoq.hpp).
std::vector<std::vector<double>> kernel_magnitudes(const Network& net);

// sqrt(2 / reduction_length): the fallback, exposed for tests.
double he_init_std_dev(const Layer& layer);

}  // namespace serialq::agent
