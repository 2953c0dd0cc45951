// The one place that reads an accelerator YAML (configs/accel/*.yaml) into AcceleratorConfig,
// and writes one back as {dotted key, value} pairs. Every key is optional and falls back to the
// struct's default; unknown keys are errors. The reader and accelerator_config_values() list the
// same keys; tests/sim/config_roundtrip_test.cpp keeps them in step.
#include "serialq/sim/accelerator_config.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <charconv>
#include <optional>
#include <set>

namespace serialq::sim {

const char* to_string(SerialOperand operand) {
    switch (operand) {
        case SerialOperand::Weights: return "weights";
        case SerialOperand::Activations: return "activations";
        case SerialOperand::Both: return "both";
        case SerialOperand::None: return "none";
    }
    return "?";
}

const char* to_string(WeightResidency residency) {
    return residency == WeightResidency::Resident ? "resident" : "streamed";
}

namespace {

constexpr long long kMaxCount = 4096;        // tiles, SIP rows and columns, lanes
constexpr long long kMaxBytes = 1LL << 40;   // any memory capacity
constexpr double kMaxPj = 1e6;

SerialOperand parse_operand(const std::string& word) {
    if (word == "weights") return SerialOperand::Weights;
    if (word == "activations") return SerialOperand::Activations;
    if (word == "both") return SerialOperand::Both;
    return SerialOperand::None;
}

int read_int(YamlMap& m, const char* key, int fallback, long long min, long long max) {
    return static_cast<int>(m.integer_or(key, fallback, min, max));
}

void read_memory(YamlMap& root, const char* key, MemoryConfig& memory) {
    auto m = root.map_if_present(key);
    if (!m) return;
    memory.capacity_bytes = m->integer_or("capacity_bytes", memory.capacity_bytes, 1, kMaxBytes);
    memory.width_bits = read_int(*m, "width_bits", memory.width_bits, 1, 1 << 24);
    m->finish();
}

void read_off_chip(YamlMap& root, OffChipConfig& o) {
    auto m = root.map_if_present("off_chip");
    if (!m) return;
    o.bandwidth_gb_per_s = m->number_or("bandwidth_gb_per_s", o.bandwidth_gb_per_s, 1e-3, 1e6);
    o.latency_ns = m->number_or("latency_ns", o.latency_ns, 0, 1e6);
    m->finish();
}

void read_energy(YamlMap& root, EnergyConfig& e) {
    auto m = root.map_if_present("energy");
    if (!m) return;
    e.lane_pj = m->number_or("lane_pj", e.lane_pj, 0, kMaxPj);
    e.adder_tree_pj = m->number_or("adder_tree_pj", e.adder_tree_pj, 0, kMaxPj);
    e.accumulator_pj = m->number_or("accumulator_pj", e.accumulator_pj, 0, kMaxPj);
    e.weight_buffer_bit_pj = m->number_or("weight_buffer_bit_pj", e.weight_buffer_bit_pj, 0, kMaxPj);
    e.activation_memory_bit_pj =
        m->number_or("activation_memory_bit_pj", e.activation_memory_bit_pj, 0, kMaxPj);
    e.off_chip_bit_pj = m->number_or("off_chip_bit_pj", e.off_chip_bit_pj, 0, kMaxPj);
    if (auto s = m->map_if_present("static_power")) {
        auto& p = e.static_power;
        p.sip_array_mw = s->number_or("sip_array_mw", p.sip_array_mw, 0, 1e9);
        p.weight_buffer_mw = s->number_or("weight_buffer_mw", p.weight_buffer_mw, 0, 1e9);
        p.activation_memory_mw =
            s->number_or("activation_memory_mw", p.activation_memory_mw, 0, 1e9);
        p.off_chip_mw = s->number_or("off_chip_mw", p.off_chip_mw, 0, 1e9);
        s->finish();
    }
    m->finish();
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
    YamlMap root(node, yaml.string());
    c.file = yaml.string();
    c.name = root.string_or("name", yaml.stem().string());
    c.description = root.string_or("description", "");
    c.source = root.string_or("source", "");

    c.tiles = read_int(root, "tiles", c.tiles, 1, kMaxCount);
    c.filters_per_tile = read_int(root, "filters_per_tile", c.filters_per_tile, 1, kMaxCount);
    c.windows_per_tile = read_int(root, "windows_per_tile", c.windows_per_tile, 1, kMaxCount);
    c.lanes = read_int(root, "lanes", c.lanes, 1, kMaxCount);
    c.serial = parse_operand(root.choice_or("serial", to_string(c.serial),
                                            {"weights", "activations", "both", "none"}));
    c.bits_per_cycle = read_int(root, "bits_per_cycle", c.bits_per_cycle, 1, 16);
    c.min_bits = read_int(root, "min_bits", c.min_bits, 1, 16);
    c.max_bits = read_int(root, "max_bits", c.max_bits, 1, 16);
    c.weight_bits = read_int(root, "weight_bits", c.weight_bits, 1, 16);
    c.activation_bits = read_int(root, "activation_bits", c.activation_bits, 1, 16);
    c.accumulator_bits = read_int(root, "accumulator_bits", c.accumulator_bits, 1, 64);
    c.pipeline_cycles = read_int(root, "pipeline_cycles", c.pipeline_cycles, 0, 1000000);
    c.clock_ghz = root.number_or("clock_ghz", c.clock_ghz, 1e-3, 100);
    c.weights = root.choice_or("weights", to_string(c.weights), {"resident", "streamed"}) ==
                        "resident"
                    ? WeightResidency::Resident
                    : WeightResidency::Streamed;
    c.batch = read_int(root, "batch", c.batch, 1, kMaxCount);
    read_memory(root, "weight_buffer", c.weight_buffer);
    read_memory(root, "activation_memory", c.activation_memory);
    read_off_chip(root, c.off_chip);
    read_energy(root, c.energy);
    root.finish();
    if (const auto p = find_problem(c)) root.fail(p->key, p->found, p->expected);
    return c;
}

// Shortest text that reads back to the same double.
std::string number_text(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::vector<std::string> split_dots(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = key.find('.', start);
        parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
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
            throw ConfigError(where + key + ": '" + prefix +
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
    throw ConfigError(where + key + ": '" + prefix +
                      "' is a group of keys, expected one of " + join(below));
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
    if (const auto p = find_problem(*this))
        throw ConfigError((file.empty() ? name : file) + ": " + p->key + ": found " + p->found +
                          ", expected " + p->expected);
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

std::vector<ConfigOverride> accelerator_config_values(const AcceleratorConfig& c) {
    const auto i = [](long long v) { return std::to_string(v); };
    const auto& e = c.energy;
    const auto& s = e.static_power;
    return {
        {"name", c.name},
        {"description", c.description},
        {"source", c.source},
        {"tiles", i(c.tiles)},
        {"filters_per_tile", i(c.filters_per_tile)},
        {"windows_per_tile", i(c.windows_per_tile)},
        {"lanes", i(c.lanes)},
        {"serial", to_string(c.serial)},
        {"bits_per_cycle", i(c.bits_per_cycle)},
        {"min_bits", i(c.min_bits)},
        {"max_bits", i(c.max_bits)},
        {"weight_bits", i(c.weight_bits)},
        {"activation_bits", i(c.activation_bits)},
        {"accumulator_bits", i(c.accumulator_bits)},
        {"pipeline_cycles", i(c.pipeline_cycles)},
        {"clock_ghz", number_text(c.clock_ghz)},
        {"weights", to_string(c.weights)},
        {"batch", i(c.batch)},
        {"weight_buffer.capacity_bytes", i(c.weight_buffer.capacity_bytes)},
        {"weight_buffer.width_bits", i(c.weight_buffer.width_bits)},
        {"activation_memory.capacity_bytes", i(c.activation_memory.capacity_bytes)},
        {"activation_memory.width_bits", i(c.activation_memory.width_bits)},
        {"off_chip.bandwidth_gb_per_s", number_text(c.off_chip.bandwidth_gb_per_s)},
        {"off_chip.latency_ns", number_text(c.off_chip.latency_ns)},
        {"energy.lane_pj", number_text(e.lane_pj)},
        {"energy.adder_tree_pj", number_text(e.adder_tree_pj)},
        {"energy.accumulator_pj", number_text(e.accumulator_pj)},
        {"energy.weight_buffer_bit_pj", number_text(e.weight_buffer_bit_pj)},
        {"energy.activation_memory_bit_pj", number_text(e.activation_memory_bit_pj)},
        {"energy.off_chip_bit_pj", number_text(e.off_chip_bit_pj)},
        {"energy.static_power.sip_array_mw", number_text(s.sip_array_mw)},
        {"energy.static_power.weight_buffer_mw", number_text(s.weight_buffer_mw)},
        {"energy.static_power.activation_memory_mw", number_text(s.activation_memory_mw)},
        {"energy.static_power.off_chip_mw", number_text(s.off_chip_mw)},
    };
}

std::vector<std::string> accelerator_config_keys() {
    std::vector<std::string> keys;
    for (const auto& kv : accelerator_config_values(AcceleratorConfig{})) keys.push_back(kv.first);
    return keys;
}

}  // namespace serialq::sim
