#include "serialq/agent/search_config.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"
#include "serialq/agent/objective.hpp"
#include "serialq/agent/search_strategy.hpp"
#include "text.hpp"

namespace serialq::agent {

void SearchConfig::check() const {
    environment.check();
    reward.check();
    network.check();
    ppo.check();
    adrl.check();
    haq.check();
    if (checkpoint_every < 1)
        throw ConfigError("checkpoint_every: found " + std::to_string(checkpoint_every) +
                          ", expected a positive integer");
    if (max_exhaustive_configurations < 1)
        throw ConfigError("exhaustive.max_configurations: found " +
                          std::to_string(max_exhaustive_configurations) +
                          ", expected a positive integer");
}

namespace {

std::vector<int> int_list(YamlMap& m, const char* key, std::vector<int> fallback, int min,
                          int max) {
    if (!m.has(key)) {
        m.allow(key);
        return fallback;
    }
    std::vector<int> out;
    for (long long v : m.integer_list(key, min, max)) out.push_back(static_cast<int>(v));
    return out;
}

void read_reward(YamlMap m, RewardParams& r) {
    r.a = m.number_or("a", r.a, 1e-9, 10);
    r.b = m.number_or("b", r.b, 0, 10);
    r.threshold = m.number_or("threshold", r.threshold, 0, 1);
    r.mem_to_mac_energy = m.number_or("mem_to_mac_energy", r.mem_to_mac_energy, 0, 1e6);
    r.hardware_shape = reward_shape_from_name(m.choice_or(
        "hardware_shape", to_string(r.hardware_shape), {"releq", "ratio", "difference"}));
    m.finish();
}

void read_network(YamlMap m, NetworkParams& n) {
    n.kind = m.choice_or("kind", n.kind, {"lstm", "mlp"});
    n.trunk_size = static_cast<int>(m.integer_or("trunk_size", n.trunk_size, 1, 4096));
    n.policy_hidden = int_list(m, "policy_hidden", n.policy_hidden, 1, 4096);
    n.value_hidden = int_list(m, "value_hidden", n.value_hidden, 1, 4096);
    n.activation = activation_from_name(
        m.choice_or("activation", to_string(n.activation), {"relu", "tanh"}));
    n.policy_output_gain = m.number_or("policy_output_gain", n.policy_output_gain, 1e-9, 10);
    m.finish();
}

void read_ppo(YamlMap m, PpoParams& p) {
    p.adam.learning_rate = m.number_or("learning_rate", p.adam.learning_rate, 1e-12, 0.999);
    p.adam.beta1 = m.number_or("adam_beta1", p.adam.beta1, 0, 0.999999);
    p.adam.beta2 = m.number_or("adam_beta2", p.adam.beta2, 0, 0.999999);
    p.adam.epsilon = m.number_or("adam_epsilon", p.adam.epsilon, 1e-12, 0.999);
    p.gae_lambda = m.number_or("gae_lambda", p.gae_lambda, 0, 1);
    p.epochs = static_cast<int>(m.integer_or("epochs", p.epochs, 1, 1000));
    p.clip = m.number_or("clip", p.clip, 1e-6, 0.999);
    p.gamma = m.number_or("gamma", p.gamma, 0, 1);
    p.value_coef = m.number_or("value_coef", p.value_coef, 0, 100);
    p.entropy_coef = m.number_or("entropy_coef", p.entropy_coef, 0, 10);
    p.episodes_per_update =
        static_cast<int>(m.integer_or("episodes_per_update", p.episodes_per_update, 1, 100000));
    p.max_grad_norm = m.number_or("max_grad_norm", p.max_grad_norm, 0, 1e6);
    p.normalize_advantages = m.boolean_or("normalize_advantages", p.normalize_advantages);
    p.exploration_floor = m.number_or("exploration_floor", p.exploration_floor, 0, 1);
    m.finish();
}

void read_haq(YamlMap m, DdpgParams& d) {
    d.actor_hidden = int_list(m, "actor_hidden", d.actor_hidden, 1, 4096);
    d.critic_hidden = int_list(m, "critic_hidden", d.critic_hidden, 1, 4096);
    d.actor_adam.learning_rate =
        m.number_or("actor_learning_rate", d.actor_adam.learning_rate, 1e-12, 0.999);
    d.critic_adam.learning_rate =
        m.number_or("critic_learning_rate", d.critic_adam.learning_rate, 1e-12, 0.999);
    d.tau = m.number_or("tau", d.tau, 0, 1);
    d.discount = m.number_or("discount", d.discount, 0, 1);
    d.replay_per_layer = static_cast<int>(m.integer_or("replay_per_layer", d.replay_per_layer, 1, 1000000));
    d.batch_size = static_cast<int>(m.integer_or("batch_size", d.batch_size, 1, 100000));
    d.warmup_episodes = static_cast<int>(m.integer_or("warmup_episodes", d.warmup_episodes, 0, 1000000));
    d.noise_sigma = m.number_or("noise_sigma", d.noise_sigma, 0, 10);
    d.noise_decay = m.number_or("noise_decay", d.noise_decay, 0, 1);
    d.baseline_step = m.number_or("baseline_step", d.baseline_step, 0, 1);
    d.updates_per_step = static_cast<int>(m.integer_or("updates_per_step", d.updates_per_step, 0, 1000));
    m.finish();
}

void read_search_options(YamlMap m, SearchConfig& c) {
    auto put = [&](const char* option, std::string value) { c.search_options.emplace_back(option, value); };
    if (m.has("strategy")) put("strategy", m.choice("strategy", strategy_names()));
    if (m.has("objective"))
        put("objective", m.choice("objective", {"latency", "energy", "size", "accuracy", "reward"}));
    if (m.has("max_loss")) put("max-loss", detail::number_text(m.number("max_loss", 0, 100)));
    if (m.has("budget")) {
        const std::string b = m.string("budget");
        Objective probe;
        try {
            parse_budget(b, probe);
        } catch (const ConfigError& e) {
            m.fail("budget", "'" + b + "'", "METRIC:FRACTION such as latency:0.5");
        }
        put("budget", b);
    }
    if (m.has("reward"))
        put("reward", m.choice("reward", {"releq", "ratio", "difference", "latency", "energy"}));
    m.finish();
}

void read_adrl(YamlMap m, AdrlParams& a) {
    a.candidates = static_cast<int>(m.integer_or("candidates", a.candidates, 1, 64));
    m.finish();
}

// layers: {name: B | [B, ...]}: a layer pinned at B bits, or given its own choices.
void read_layer_bits(YamlMap& m, EnvironmentParams& e) {
    if (!m.has("layers")) {
        m.allow("layers");
        return;
    }
    const YAML::Node node = m.raw("layers");
    if (!node.IsMap())
        m.fail("layers", describe_node(node),
               "a mapping from layer names to bits or lists of bits (layers: {conv1: 8})");
    YamlMap layers(node, m.file(), m.key_path("layers"));
    for (const auto& kv : node) {
        const std::string name = kv.first.as<std::string>();
        std::vector<int> bits;
        if (kv.second.IsScalar())
            bits.push_back(static_cast<int>(layers.integer(name, 1, 16)));
        else
            for (long long v : layers.integer_list(name, 1, 16)) bits.push_back(static_cast<int>(v));
        e.layer_bits[name] = bits;
    }
    layers.finish();
}

}  // namespace

void AdrlParams::check() const {
    if (candidates < 1 || candidates > 64)
        throw ConfigError("adrl.candidates: found " + std::to_string(candidates) +
                          ", expected an integer in 1..64");
}

SearchConfig load_search_config(const std::filesystem::path& yaml) {
    SearchConfig c;
    c.file = yaml.string();
    YamlMap m(load_yaml_file(yaml), c.file);
    c.environment.bits = int_list(m, "bits", c.environment.bits, 1, 16);
    read_layer_bits(m, c.environment);
    c.environment.baseline_bits =
        static_cast<int>(m.integer_or("baseline_bits", c.environment.baseline_bits, 1, 16));
    c.environment.step_accuracy =
        m.choice_or("accuracy_feedback", c.environment.step_accuracy ? "step" : "episode",
                    {"episode", "step"}) == "step";
    c.environment.carry_assignment =
        m.choice_or("episode_start", c.environment.carry_assignment ? "carry" : "reset",
                    {"carry", "reset"}) == "carry";
    c.checkpoint_every =
        static_cast<int>(m.integer_or("checkpoint_every", c.checkpoint_every, 1, 1000000000));
    if (auto r = m.map_if_present("reward")) read_reward(*r, c.reward);
    if (auto n = m.map_if_present("network")) read_network(*n, c.network);
    if (auto p = m.map_if_present("ppo")) read_ppo(*p, c.ppo);
    if (auto a = m.map_if_present("adrl")) read_adrl(*a, c.adrl);
    if (auto o = m.map_if_present("search")) read_search_options(*o, c);
    if (auto h = m.map_if_present("haq")) read_haq(*h, c.haq);
    if (auto e = m.map_if_present("exhaustive")) {
        c.max_exhaustive_configurations = e->integer_or(
            "max_configurations", c.max_exhaustive_configurations, 1, 1000000000000LL);
        e->finish();
    }
    m.finish();
    // Relations between fields (ascending distinct bits): located at the file.
    try {
        c.check();
    } catch (const ConfigError& e) {
        throw ConfigError(c.file + ": " + e.what());
    }
    return c;
}

}  // namespace serialq::agent
