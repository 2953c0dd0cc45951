// The PPO agent's own time per episode on ResNet-20 (22 weight layers: 19 3x3 convs, 2 1x1
// shortcut convs, 1 fc), excluding the oracle and the simulator: both are replaced by
// closed-form stand-ins that take nanoseconds (and the simulator's answers are memoised after
// the first episode anyway). An episode's time is its rollout (state features, LSTM and heads
// step by step, sampling) plus, every ppo.episodes_per_update episodes, the update (epochs of
// forward and backward over the batch and Adam); the update is charged to its episodes.
//
//   bench_agent_episode_time [--episodes N] [--config configs/search/X.yaml]
#include "../machine.hpp"

#include "serialq/agent/search_run.hpp"
#include "serialq/common/network_loader.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

using namespace serialq;
using namespace serialq::agent;

namespace {

const std::string src = SERIALQ_SOURCE_DIR;

// CPU time of this thread, in microseconds: on a machine shared with other jobs, wall time
// counts their time slices too.
double thread_cpu_us() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e6 + double(t.tv_nsec) / 1e3;
}

class InstantOracle final : public quant::AccuracyOracle {
public:
    explicit InstantOracle(int layers) : layers_(layers) {}
    std::string identity() const override { return "instant"; }
    int layer_count() const override { return layers_; }
    std::string name() const override { return identity(); }

protected:
    quant::AccuracyResult evaluate_checked(const LayerBits& bits) override {
        double acc = 92;
        for (std::size_t l = 0; l < bits.size(); ++l)
            acc -= 0.05 * double(l % 3 + 1) * (8 - bits[l]);
        return {std::max(acc, 10.0), 0, 0, false, false};
    }

public:
    double reference_accuracy_percent() override { return 92; }

private:
    int layers_;
};

class InstantHardware final : public sim::HardwareModel {
public:
    std::string name() const override { return "instant"; }
    const sim::AcceleratorConfig& config() const override { return config_; }
    sim::NetworkReport simulate(const Network&, const LayerBits&, const LayerBits& = {}) override {
        return {};
    }
    sim::LayerReport run_layer(const Network& net, int index, const sim::LayerSpec& spec) override {
        const int bits = spec.weight_bits;
        sim::LayerReport r;
        r.total_cycles = net.layers[static_cast<std::size_t>(index)].macs() * bits / 4096 + 1;
        r.energy.sip_lanes_pj = double(r.total_cycles);
        return r;
    }

private:
    sim::AcceleratorConfig config_;
};

}  // namespace

int main(int argc, char** argv) {
    long long episodes = 2000;
    std::string config_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--episodes")
            episodes = std::stoll(argv[i + 1]);
        else if (a == "--config")
            config_file = argv[i + 1];
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    const Network net = load_network(src + "/traces/resnet20.yaml");
    const SearchConfig config =
        config_file.empty()
            ? SearchConfig{}
            : load_search_config(config_file.starts_with("/") ? config_file
                                                              : src + "/" + config_file);
    const std::string load_before = bench::load_average();
    InstantOracle oracle(static_cast<int>(net.weight_layer_count()));
    InstantHardware hw;

    // Time between consecutive progress callbacks = one episode (with its update, if any).
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(episodes));
    SearchSettings s;
    s.strategy = "ppo";
    s.objective.kind = ObjectiveKind::Reward;
    s.objective.reward = RewardKind::Latency;
    s.episodes = episodes;
    double last = thread_cpu_us();
    const double t0 = last;
    const auto wall0 = std::chrono::steady_clock::now();
    run_search(net, oracle, hw, config, s, [&](const SearchProgress&) {
        const double now = thread_cpu_us();
        us.push_back(now - last);
        last = now;
        return true;
    });
    const double total_s = (last - t0) / 1e6;
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const int E = config.ppo.episodes_per_update;
    // Skip the first batches (allocation, cold caches).
    double rollout = 0, with_update = 0;
    long long n_roll = 0, n_upd = 0;
    for (std::size_t i = static_cast<std::size_t>(4 * E); i < us.size(); ++i) {
        if ((i + 1) % static_cast<std::size_t>(E) == 0) {
            with_update += us[i];
            ++n_upd;
        } else {
            rollout += us[i];
            ++n_roll;
        }
    }
    rollout /= double(n_roll);
    with_update /= double(n_upd);
    const double update = with_update - rollout;
    std::printf(
        "serialq agent time per episode: ResNet-20 (%zu weight layers), PPO %s network "
        "(trunk %d), %d episodes per update, %d epochs; oracle and simulator replaced by "
        "instant stand-ins; %zu bitwidth choices\nmachine: %s; load average %s at the start, "
        "%s at the end\n\n",
        net.weight_layer_count(), config.network.kind.c_str(), config.network.trunk_size, E,
        config.ppo.epochs, config.environment.bits.size(), bench::machine().c_str(),
        load_before.c_str(), bench::load_average().c_str());
    std::printf(
        "episodes %lld in %.2f s of CPU time (%.2f s wall): %.1f us per episode on "
        "average (all included); figures below are thread CPU time\n",
        episodes, total_s, wall_s, 1e6 * total_s / double(episodes));
    std::printf(
        "rollout %.1f us per episode; update %.1f us per batch of %d = %.1f us per episode\n",
        rollout, update, E, update / E);
    std::printf("agent time per episode (rollout + share of the update): %.1f us = %.3f ms\n",
                rollout + update / E, (rollout + update / E) / 1000);
    return 0;
}
