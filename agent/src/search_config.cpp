#include "serialq/agent/search_config.hpp"

#include "serialq/common/error.hpp"
#include "serialq/quant/quantized_network.hpp"
#include "serialq/common/yaml_fields.hpp"
#include "serialq/agent/objective.hpp"
#include "serialq/agent/search_strategy.hpp"
#include "text.hpp"

namespace serialq::agent {

namespace {

void read_search_options(YamlMap& m, SearchConfig& c) {
    auto put = [&](const char* option, std::string value) {
        c.search_options.emplace_back(option, value);
    };
    if (m.has("strategy")) put("strategy", m.choice("strategy", strategy_names()));
    if (m.has("objective")) put("objective", m.choice("objective", kObjectiveKindNames.names()));
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
    if (m.has("reward")) put("reward", m.choice("reward", kRewardKindNames.names()));
}

// layers: {name: B | [B, ...]}: a layer pinned at B bits, or given its own choices.
void read_layer_bits(YamlMap& m, EnvironmentParams& e) {
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
            for (long long v : layers.integer_list(name, 1, 16))
                bits.push_back(static_cast<int>(v));
        e.layer_bits[name] = bits;
    }
    layers.finish();
}

std::string layers_text(const EnvironmentParams& e) {
    std::string s;
    for (const auto& [name, bits] : e.layer_bits)
        s += (s.empty() ? "" : ", ") + name + ": " +
             fields_detail::list_text(std::vector<long long>(bits.begin(), bits.end()));
    return "{" + s + "}";
}

std::string search_options_text(const SearchConfig& c) {
    std::string s;
    for (const auto& [option, value] : c.search_options)
        s += (s.empty() ? "" : ", ") + option + ": " + value;
    return "{" + s + "}";
}

// The two keys whose values are mappings of their own shape.
ConfigField<SearchConfig> layers_field() {
    return custom<SearchConfig>(
        {"layers",
         "per layer by name: a pinned bitwidth or its own choices, e.g. {conv1: 8, "
         "fc2: [4, 8]}",
         "the member is environment.layer_bits; the key says what a user writes"},
        "{NAME: B | [B, ...]}, B in 1..16", "a mapping from layer names to bits or lists of bits",
        [](YamlMap& m, std::string_view leaf, SearchConfig& c) {
            if (fields_detail::present(m, leaf)) read_layer_bits(m, c.environment);
        },
        [](const SearchConfig& c) { return layers_text(c.environment); });
}

ConfigField<SearchConfig> search_options_field() {
    return custom<SearchConfig>(
        {"search", "serialq search's options when its command line lacks them",
         "search_options: (CLI option, value) pairs, handed to serialq search as such"},
        "{strategy, objective, max_loss, budget, reward}", "a mapping of serialq search options",
        [](YamlMap& m, std::string_view leaf, SearchConfig& c) {
            fields_detail::read_group(m, leaf, [&](YamlMap& sub) { read_search_options(sub, c); });
        },
        search_options_text);
}

ConfigFields<SearchConfig> make_search_config_fields() {
    using C = SearchConfig;
    // The episode's keys sit at the top level: they describe the search itself.
    ConfigFields<C> f = nest("", &C::environment, environment_fields());
    f.insert(f.begin() + 1, layers_field());
    f.push_back(integer({"checkpoint_every",
                         "episodes between checkpoints (and rewrites of "
                         "every output)"},
                        &C::checkpoint_every, 1, 1000000000));
    f.push_back(search_options_field());
    append(f, nest("reward", &C::reward, reward_fields()));
    append(f, nest("network", &C::network, network_fields()));
    append(f, nest("ppo", &C::ppo, ppo_fields()));
    append(f, nest("adrl", &C::adrl, adrl_fields()));
    append(f, nest("haq", &C::haq, ddpg_fields()));
    append(f, nest("autoq", &C::autoq, autoq_fields()));
    f.push_back(lift(&C::exhaustive,
                     integer({"max_configurations", "the largest space exhaustive enumerates"},
                             &ExhaustiveParams::max_configurations, 1, 1000000000000LL),
                     "exhaustive."));
    return f;
}

}  // namespace

const ConfigFields<AdrlParams>& adrl_fields() {
    static const ConfigFields<AdrlParams> f{
        integer({"candidates", "k candidate actions per layer; the profiling indicator picks one"},
                &AdrlParams::candidates, 1, 64),
    };
    return f;
}

void AdrlParams::check() const { check_fields(adrl_fields(), *this, "adrl."); }

const ConfigFields<AutoqParams>& autoq_fields() {
    using A = AutoqParams;
    static const ConfigFields<AutoqParams> f{
        // The builtin oracle's range: the only one that answers kernel-wise assignments.
        integer_list({"act_bits", "the high-level controller's activation-bit choices"},
                     &A::act_bits, quant::kActivationBitsRange.min, quant::kActivationBitsRange.max,
                     true),
        number({"intrinsic_weight", "weight of the low level's goal reward"}, &A::intrinsic_weight,
               closed(0, 100, "0: extrinsic reward only")),
        integer_list({"llc_hidden", "ReLU layers of the low-level actor and critic"},
                     &A::llc_hidden, 1, 4096, true),
        integer({"llc_updates_per_episode", "low-level DDPG updates after each episode"},
                &A::llc_updates_per_episode, 0, 100000),
    };
    return f;
}

void AutoqParams::check() const {
    check_fields(autoq_fields(), *this, "autoq.");
    for (std::size_t i = 1; i < act_bits.size(); ++i)
        if (act_bits[i] <= act_bits[i - 1])
            throw ConfigError("autoq.act_bits: found " + std::to_string(act_bits[i]) + " after " +
                              std::to_string(act_bits[i - 1]) +
                              ", expected ascending distinct bitwidths");
}

const ConfigFields<SearchConfig>& search_config_fields() {
    static const ConfigFields<SearchConfig> f = make_search_config_fields();
    return f;
}

// Ranges from the declaration; then what relates fields (ascending distinct bits) and what no
// key sets (HAQ's output_init).
void SearchConfig::check() const {
    check_fields(search_config_fields(), *this);
    environment.check();
    haq.check();
    autoq.check();
}

SearchConfig load_search_config(const std::filesystem::path& yaml) {
    SearchConfig c;
    c.file = yaml.string();
    YamlMap m(load_yaml_file(yaml), c.file);
    load_fields(m, search_config_fields(), c);
    // Relations between fields: located at the file.
    try {
        c.check();
    } catch (const ConfigError& e) {
        throw ConfigError(c.file + ": " + e.what());
    }
    return c;
}

}  // namespace serialq::agent
