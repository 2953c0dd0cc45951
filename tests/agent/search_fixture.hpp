#pragma once
// A whole search on LeNet with the fake oracle and simulator, writing into a fresh temporary
// directory (removed afterwards); tests change config and settings before go().
#include "fakes.hpp"

#include "serialq/agent/search_run.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/network_loader.hpp"

#include <filesystem>
#include <string>

namespace serialq::test {

struct Run {
    Network net = load_network(std::string(SERIALQ_SOURCE_DIR) + "/traces/lenet.yaml");
    FakeOracle oracle{4};
    FakeHardware hw;
    agent::SearchConfig config;
    agent::SearchSettings settings;

    explicit Run(const std::string& dir_name, const std::string& strategy = "ppo") {
        // A small network keeps the test fast; the search logic is the same.
        config.network.trunk_size = 16;
        config.network.policy_hidden = {16};
        config.network.value_hidden = {16};
        config.haq.actor_hidden = {16};
        config.haq.critic_hidden = {16};
        config.checkpoint_every = 5;
        settings.strategy = strategy;
        settings.objective.kind = agent::ObjectiveKind::Reward;
        settings.objective.reward = agent::RewardKind::Latency;
        settings.episodes = 23;
        settings.seed = 42;
        settings.trace = "traces/lenet.yaml";
        settings.oracle = "fake";
        settings.accelerator = "fake";
        settings.hardware_model = "fake";
        settings.out_dir = std::filesystem::temp_directory_path() / ("serialq-agent-" + dir_name);
        std::filesystem::remove_all(settings.out_dir);
    }
    ~Run() { std::filesystem::remove_all(settings.out_dir); }
    agent::SearchSummary go(const agent::ProgressCallback& cb = {}) {
        return agent::run_search(net, oracle, hw, config, settings, cb);
    }
    std::string file(const char* name) const { return read_file(settings.out_dir / name); }
};

}  // namespace serialq::test
