// The one place that reads an accelerator YAML (configs/accel/*.yaml) into AcceleratorConfig,
// and writes one back as {dotted key, value} pairs. Every key is optional and falls back to the
// struct's default; unknown keys are errors. The reader, check() and accelerator_config_values()
// all come from accelerator_config_fields(), so they list the same keys and ranges
// (tests/sim/config_loader_test.cpp round-trips the shipped files through them).
#include "serialq/sim/accelerator_config.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <optional>
#include <set>

namespace serialq::sim {

namespace {

constexpr long long kMaxCount = 4096;  // tiles, SIP rows and columns, lanes
constexpr long long kMaxBytes = 1LL << 40;  // any memory capacity
constexpr double kMaxPj = 1e6;

// scope: "per tile" (the weight buffers) or "shared" (the activation memory).
ConfigFields<MemoryConfig> memory_fields(const std::string& scope) {
    return {
        integer({"capacity_bytes", "capacity, " + scope}, &MemoryConfig::capacity_bytes, 1,
                kMaxBytes),
        integer({"width_bits", "bits read per cycle, " + scope}, &MemoryConfig::width_bits, 1,
                1 << 24),
    };
}

ConfigFields<OffChipConfig> off_chip_fields() {
    return {
        number({"bandwidth_gb_per_s", "sustained bandwidth, 1 GB = 1e9 bytes"},
               &OffChipConfig::bandwidth_gb_per_s, closed(1e-3, 1e6)),
        number({"latency_ns", "from a read request to its first data"}, &OffChipConfig::latency_ns,
               closed(0, 1e6)),
    };
}

ConfigFields<StaticPowerConfig> static_power_fields() {
    using P = StaticPowerConfig;
    const Range mw = closed(0, 1e9);
    return {
        number({"sip_array_mw", "the SIP array's leakage and clock power"}, &P::sip_array_mw, mw),
        number({"weight_buffer_mw", "the weight buffers'"}, &P::weight_buffer_mw, mw),
        number({"activation_memory_mw", "the activation memory's"}, &P::activation_memory_mw, mw),
        number({"off_chip_mw", "the off-chip channel's"}, &P::off_chip_mw, mw),
    };
}

ConfigFields<EnergyConfig> energy_fields() {
    using E = EnergyConfig;
    const Range pj = closed(0, kMaxPj);
    ConfigFields<E> f{
        number({"lane_pj", "one active SIP lane for one cycle"}, &E::lane_pj, pj),
        number({"adder_tree_pj", "one active SIP's adder tree for one cycle"}, &E::adder_tree_pj,
               pj),
        number({"accumulator_pj", "one active SIP's shift-and-accumulate, one cycle"},
               &E::accumulator_pj, pj),
        number({"weight_buffer_bit_pj", "per bit read or written"}, &E::weight_buffer_bit_pj, pj),
        number({"activation_memory_bit_pj", "per bit read or written"},
               &E::activation_memory_bit_pj, pj),
        number({"off_chip_bit_pj", "per bit moved over the off-chip channel (HBM2)"},
               &E::off_chip_bit_pj, pj),
    };
    append(f, nest("static_power", &E::static_power, static_power_fields()));
    return f;
}

ConfigFields<AcceleratorConfig> make_fields() {
    using A = AcceleratorConfig;
    ConfigFields<A> f{
        text({"name", "the design's name (default: the file's name)"}, &A::name),
        text({"description", "free text"}, &A::description),
        text({"source", "free text: where the numbers come from"}, &A::source),
        integer({"tiles", "tiles work on different filters and share the activations"}, &A::tiles,
                1, kMaxCount),
        integer({"filters_per_tile", "SIP rows: filters in parallel per tile"},
                &A::filters_per_tile, 1, kMaxCount),
        integer({"windows_per_tile", "SIP columns: output positions in parallel"},
                &A::windows_per_tile, 1, kMaxCount),
        integer({"lanes", "terms of the inner product per SIP per cycle"}, &A::lanes, 1, kMaxCount),
        choice({"serial", "the operand taken one bit per cycle (none: bit-parallel)"}, &A::serial,
               kSerialOperandNames),
        integer({"bits_per_cycle", "serial bits consumed per cycle (Loom's 2- and 4-bit variants)"},
                &A::bits_per_cycle, 1, 16),
        integer({"min_bits", "the least per-layer precision of either operand"}, &A::min_bits, 1,
                16),
        integer({"max_bits",
                 "the largest per-layer precision of the serial operand, at most its stored "
                 "width (a parallel operand goes up to its stored width)"},
                &A::max_bits, 1, 16),
        integer({"weight_bits",
                 "the weights' stored width when they are parallel (bit-parallel: the "
                 "multipliers' width): the most --bits may ask then"},
                &A::weight_bits, 1, 16),
        integer({"activation_bits",
                 "the activations' stored width: outputs are written at it, and it is every "
                 "layer's activation precision unless --act-bits says otherwise"},
                &A::activation_bits, 1, 16),
        integer({"accumulator_bits", "width of a partial sum kept between reduction segments"},
                &A::accumulator_bits, 1, 64),
        integer({"pipeline_cycles", "SIP pipeline fill + drain, once per layer"},
                &A::pipeline_cycles, 0, 1000000),
        number({"clock_ghz", "clock frequency"}, &A::clock_ghz, closed(1e-3, 100)),
        choice({"weights",
                "resident: loaded once and kept in the weight buffers (the network plan); "
                "streamed: fetched on every inference (or batch)"},
               &A::weights, kWeightResidencyNames),
        integer({"batch", "inferences run together (--batch N): each pass's weights serve all"},
                &A::batch, 1, kMaxCount),
        choice({"filter_order",
                "kernel-wise bits: precision sorts each group's filters widest first when that "
                "makes the layer faster; network keeps the network's order"},
               &A::filter_order, kFilterOrderNames),
    };
    append(f, nest("weight_buffer", &A::weight_buffer, memory_fields("per tile")));
    append(f, nest("activation_memory", &A::activation_memory, memory_fields("shared")));
    append(f, nest("off_chip", &A::off_chip, off_chip_fields()));
    append(f, nest("energy", &A::energy, energy_fields()));
    return f;
}

// A combination of fields that is invalid although each field is in range.
struct Problem {
    std::string key, found, expected;
};

std::optional<Problem> find_problem(const AcceleratorConfig& c) {
    if (c.min_bits > c.max_bits)
        return Problem{"min_bits", std::to_string(c.min_bits),
                       "at most max_bits (" + std::to_string(c.max_bits) + ")"};
    // The serial operand cannot be more precise than the width it is stored at.
    const bool activations = c.serial == SerialOperand::Activations;
    const int width = activations ? c.activation_bits : c.weight_bits;
    if (c.max_bits > width)
        return Problem{"max_bits", std::to_string(c.max_bits),
                       std::string("at most ") + (activations ? "activation_bits" : "weight_bits") +
                           " (" + std::to_string(width) + "), the width the " +
                           (activations ? "activations" : "weights") + " are stored at"};
    return std::nullopt;
}

AcceleratorConfig parse(const YAML::Node& node, const std::filesystem::path& yaml) {
    AcceleratorConfig c;
    c.name = yaml.stem().string();  // unless the file names it
    c.file = yaml.string();
    YamlMap root(node, yaml.string());
    load_fields(root, accelerator_config_fields(), c);
    if (const auto p = find_problem(c)) root.fail(p->key, p->found, p->expected);
    return c;
}

std::vector<std::string> split_dots(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        parts.push_back(
            key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

// Checks `key` against the valid keys, walking it one level at a time so that the error names
// the keys valid where it went wrong.
void check_override_key(const std::string& key, const std::string& where) {
    const auto keys = accelerator_config_keys();
    for (const auto& k : keys)
        if (k == key) return;
    const auto parts = split_dots(key);
    std::string prefix;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::vector<std::string> level;  // valid keys one level below `prefix`
        std::set<std::string> seen;
        bool is_leaf = false;
        for (const auto& k : keys) {
            if (k == prefix) is_leaf = true;
            if (!prefix.empty() && k.rfind(prefix + ".", 0) != 0) continue;
            const auto rest = prefix.empty() ? k : k.substr(prefix.size() + 1);
            const auto child = rest.substr(0, rest.find('.'));
            const auto full = prefix.empty() ? child : prefix + "." + child;
            if (seen.insert(child).second) level.push_back(full);
        }
        if (is_leaf)
            throw ConfigError(
                where + key + ": '" + prefix +
                "' is a value, not a group of keys; expected a key path ending there");
        bool found = false;
        for (const auto& l : level)
            if (l == (prefix.empty() ? parts[i] : prefix + "." + parts[i])) found = true;
        if (!found)
            throw ConfigError(where + key + ": unknown key '" + parts[i] + "'" +
                              (prefix.empty() ? "" : " in '" + prefix + "'") +
                              ", expected one of " + join(level));
        prefix = prefix.empty() ? parts[i] : prefix + "." + parts[i];
    }
    std::vector<std::string> below;
    for (const auto& k : keys)
        if (k.rfind(prefix + ".", 0) == 0) below.push_back(k);
    throw ConfigError(where + key + ": '" + prefix + "' is a group of keys, expected one of " +
                      join(below));
}

void apply_override(YAML::Node root, const ConfigOverride& o, const std::string& file) {
    check_override_key(o.first, file + ": override ");
    const auto parts = split_dots(o.first);
    YAML::Node cur = root;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        YAML::Node next = cur[parts[i]];
        if (!next.IsDefined() || next.IsNull()) {
            cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
            next.reset(cur[parts[i]]);
        }
        // A scalar where a mapping belongs is left alone: the reader reports it with its line.
        if (!next.IsMap()) return;
        cur.reset(next);
    }
    cur[parts.back()] = YAML::Node(o.second);
}

}  // namespace

void AcceleratorConfig::check() const {
    const std::string at = (file.empty() ? name : file) + ": ";
    try {
        check_fields(accelerator_config_fields(), *this);
    } catch (const ConfigError& e) {
        throw ConfigError(at + e.what());
    }
    if (const auto p = find_problem(*this))
        throw ConfigError(at + p->key + ": found " + p->found + ", expected " + p->expected);
}

AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml) {
    return parse(load_yaml_file(yaml), yaml);
}

AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml,
                                          const std::vector<ConfigOverride>& overrides) {
    YAML::Node root = load_yaml_file(yaml);
    for (const auto& o : overrides) apply_override(root, o, yaml.string());
    return parse(root, yaml);
}

ConfigOverride parse_config_override(const std::string& text, const std::string& what) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError(what + ": found '" + text + "', expected key=value (e.g. " +
                          "off_chip.bandwidth_gb_per_s=128)");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

const ConfigFields<AcceleratorConfig>& accelerator_config_fields() {
    static const ConfigFields<AcceleratorConfig> f = make_fields();
    return f;
}

std::vector<ConfigOverride> accelerator_config_values(const AcceleratorConfig& c) {
    return field_values(accelerator_config_fields(), c);
}

std::vector<std::string> accelerator_config_keys() {
    std::vector<std::string> keys;
    for (const auto& kv : accelerator_config_values(AcceleratorConfig{})) keys.push_back(kv.first);
    return keys;
}

}  // namespace serialq::sim
