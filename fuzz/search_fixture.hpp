#pragma once
// The small search whose checkpoint fuzz/checkpoint.cpp resumes from, and make_seeds writes:
// PPO over ReLeQ's measured LeNet table on the analytic model of Stripes, 6 episodes (one PPO
// update and two episodes collected towards the next, so that every part of the state is in
// the checkpoint), with networks of 8 units.
#include "serialq/agent/search_run.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/quant/oracle_table.hpp"
#include "serialq/sim/accelerator_config.hpp"
#include "serialq/sim/hardware_model.hpp"

#include <filesystem>
#include <memory>

namespace serialq::fuzz {

class SearchFixture {
public:
    static constexpr long long kEpisodes = 6;

    SearchFixture()
        : net_(load_network(SERIALQ_SOURCE_DIR "/traces/lenet.yaml")),
          oracle_(std::filesystem::path(SERIALQ_SOURCE_DIR
                                        "/tests/data/quant/releq-lenet-mnist-accuracy.csv")),
          hardware_(sim::make_hardware_model(
              "analytic",
              sim::load_accelerator_config(SERIALQ_SOURCE_DIR "/configs/accel/stripes.yaml"))),
          config_(agent::load_search_config(SERIALQ_SOURCE_DIR
                                            "/configs/search/releq-lenet-table.yaml")) {
        // Small networks keep the checkpoint a few kilobytes, and the target fast; the state
        // has the same parts.
        config_.network.trunk_size = 8;
        config_.network.policy_hidden = {8};
        config_.network.value_hidden = {8};
    }

    // Runs (or, with resume, continues from out_dir/checkpoint.bin) the search into out_dir.
    agent::SearchSummary run(const std::filesystem::path& out_dir, bool resume) {
        agent::SearchSettings s;
        s.strategy = "ppo";
        s.episodes = kEpisodes;
        s.seed = 1;
        s.out_dir = out_dir;
        s.resume = resume;
        s.trace = "traces/lenet.yaml";
        s.oracle = "table:tests/data/quant/releq-lenet-mnist-accuracy.csv";
        s.accelerator = "configs/accel/stripes.yaml";
        s.hardware_model = "analytic";
        return agent::run_search(net_, oracle_, *hardware_, config_, s);
    }

private:
    Network net_;
    quant::TableOracle oracle_;
    std::unique_ptr<sim::HardwareModel> hardware_;
    agent::SearchConfig config_;
};

// FNV-1a, as the checkpoint's trailing hash (agent/src/search/checkpoint.cpp).
inline std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace serialq::fuzz
