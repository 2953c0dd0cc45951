#pragma once
// The SIP array computing one layer, step by step, as the mapping schedules it: the plain core
// of functional mode, driven by run_functional()'s loop or by the cycle-level model's tile
// array (one call per step of each run it simulates).
#include "serialq/sim/functional.hpp"
#include "serialq/sim/mapping.hpp"
#include "serialq/sim/sip.hpp"

#include <cstdint>
#include <vector>

namespace serialq::sim {

class FunctionalArray {
public:
    // Checks the operands against the layer and their formats (InputError). `mapping` and
    // `operands` must outlive the array.
    FunctionalArray(const LayerMapping& mapping, const LayerOperands& operands,
                    const FunctionalOptions& options);

    // One step: pass `pass`, window block `window_block`, lane chunk `chunk`. A block's first
    // chunk of the pass loads the accumulators (0, or the partial sums of the previous
    // segment); its last chunk stores them.
    void step(const Pass& pass, long long window_block, long long chunk);

    // Outputs (out_channels x positions) and the SIPs' events so far.
    FunctionalResult result() const;

private:
    std::int32_t weight(long long filter, long long r) const;
    std::int32_t activation(int group, long long window, long long r) const;
    Sip& sip(int filter_in_pass, int window_in_block);

    const LayerMapping& m_;
    const Layer& layer_;
    const LayerOperands& ops_;
    OperandFormat wf_, af_;
    int k_;
    std::vector<Sip> sips_;
    std::vector<std::int32_t> w_chunk_, a_chunk_;  // one chunk's operands per filter / window
    std::vector<std::int64_t> outputs_;  // also the partial sums between segments
    long long compute_cycles_ = 0;
    long long busy_cycles_ = 0;
};

}  // namespace serialq::sim
