#include "serialq/sim/baseline.hpp"

#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/text.hpp"

#include <limits>

namespace serialq::sim {

namespace {
int parse_width(const std::string& text, const std::string& spec, const std::string& what) {
    const auto v = parse_integer(text);
    if (!v || *v < 1 || *v > std::numeric_limits<int>::max())
        throw ConfigError(what + ": found '" + spec +
                          "', expected uniform:N, an accelerator YAML, or YAML@N (N a bitwidth)");
    return static_cast<int>(*v);
}
}  // namespace

BaselineSpec parse_baseline(const std::string& text, const std::string& what) {
    BaselineSpec s;
    s.text = text;
    const std::string uniform = "uniform:";
    if (text.rfind(uniform, 0) == 0) {
        s.bits = parse_width(text.substr(uniform.size()), text, what);
        return s;
    }
    if (text.empty())
        throw ConfigError(what + ": found nothing, expected uniform:N or an accelerator YAML");
    const auto at = text.rfind('@');
    if (at != std::string::npos) {
        s.accelerator = text.substr(0, at);
        s.bits = parse_width(text.substr(at + 1), text, what);
    } else {
        s.accelerator = text;
        s.bits.reset();
    }
    if (s.accelerator.empty())
        throw ConfigError(what + ": found '" + text + "', expected an accelerator YAML before '@'");
    return s;
}

BaselineRun resolve_baseline(const BaselineSpec& spec, const AcceleratorConfig& run_config,
                             const Network& net, const std::string& what,
                             const BaselineOverrides& overrides) {
    BaselineRun b;
    const bool own = spec.accelerator.empty();
    if (!own && !overrides.run.empty()) {
        const auto theirs = accelerator_config_values(load_accelerator_config(spec.accelerator));
        const auto ours = accelerator_config_values(run_config.file.empty()
                                                        ? AcceleratorConfig{}
                                                        : load_accelerator_config(run_config.file));
        const auto value = [](const std::vector<ConfigOverride>& values, const std::string& key) {
            for (const auto& [k, v] : values)
                if (k == key) return v;
            return std::string();
        };
        for (const auto& o : overrides.run) {
            const bool shared =
                o.first == "batch" || value(theirs, o.first) == value(ours, o.first);
            (shared ? b.overrides : b.skipped).push_back(o);
        }
    } else {
        b.overrides = overrides.run;
    }
    b.overrides.insert(b.overrides.end(), overrides.baseline.begin(), overrides.baseline.end());
    if (own && overrides.baseline.empty()) {
        b.config = run_config;
    } else {
        const std::string file = own ? run_config.file : spec.accelerator;
        if (file.empty())
            throw ConfigError(what + "-set: the run's accelerator has no file to apply it to");
        b.config = load_accelerator_config(file, b.overrides);
    }
    const int bits = spec.bits.value_or(b.config.max_bits);
    b.bits = parse_bits("uniform:" + std::to_string(bits), net.weight_layer_count(),
                        {b.config.min_bits, b.config.max_bits}, what + " (" + b.config.name + ")");
    b.same_accelerator = own && overrides.baseline.empty();
    b.label =
        own ? "uniform:" + std::to_string(bits) + " on " + b.config.name
            : b.config.name + " (" + spec.accelerator + ") at " + std::to_string(bits) + " bits";
    if (!overrides.baseline.empty()) b.label += " with --baseline-set";
    return b;
}

NetworkReport run_baseline(const BaselineRun& baseline, HardwareModel& run_model,
                           const Network& net, const HardwareModelFactory& make) {
    if (baseline.same_accelerator) return run_model.simulate(net, baseline.bits);
    return make(run_model.name(), baseline.config)->simulate(net, baseline.bits);
}

}  // namespace serialq::sim
