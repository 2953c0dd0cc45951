// The one place that reads an accelerator YAML (configs/accel/*.yaml) into AcceleratorConfig.
// Every key is optional and falls back to the struct's default; unknown keys are errors.
#include "serialq/sim/accelerator_config.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

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

namespace {

SerialOperand parse_operand(const std::string& word) {
    if (word == "weights") return SerialOperand::Weights;
    if (word == "activations") return SerialOperand::Activations;
    if (word == "both") return SerialOperand::Both;
    return SerialOperand::None;
}

void read_memory(YamlMap& parent, const char* key, MemoryConfig& memory) {
    auto m = parent.map_if_present(key);
    if (!m) return;
    memory.capacity_bytes = m->integer_or("capacity_bytes", memory.capacity_bytes, 1, 1LL << 40);
    memory.width_bits = static_cast<int>(m->integer_or("width_bits", memory.width_bits, 1, 1 << 24));
    m->finish();
}

void read_energy(YamlMap& root, EnergyConfig& e) {
    auto m = root.map_if_present("energy");
    if (!m) return;
    e.lane_pj = m->number_or("lane_pj", e.lane_pj, 0, 1e6);
    e.adder_tree_pj = m->number_or("adder_tree_pj", e.adder_tree_pj, 0, 1e6);
    e.accumulator_pj = m->number_or("accumulator_pj", e.accumulator_pj, 0, 1e6);
    e.weight_buffer_bit_pj = m->number_or("weight_buffer_bit_pj", e.weight_buffer_bit_pj, 0, 1e6);
    e.activation_memory_bit_pj =
        m->number_or("activation_memory_bit_pj", e.activation_memory_bit_pj, 0, 1e6);
    e.off_chip_bit_pj = m->number_or("off_chip_bit_pj", e.off_chip_bit_pj, 0, 1e6);
    if (auto s = m->map_if_present("static_mw")) {
        auto& p = e.static_power;
        p.sip_array_mw = s->number_or("sip_array", p.sip_array_mw, 0, 1e9);
        p.weight_buffer_mw = s->number_or("weight_buffer", p.weight_buffer_mw, 0, 1e9);
        p.activation_memory_mw = s->number_or("activation_memory", p.activation_memory_mw, 0, 1e9);
        p.off_chip_mw = s->number_or("off_chip", p.off_chip_mw, 0, 1e9);
        s->finish();
    }
    m->finish();
}

}  // namespace

void AcceleratorConfig::check() const {
    const std::string where = (file.empty() ? name : file) + ": ";
    if (min_bits > max_bits)
        throw ConfigError(where + "precision.min_bits: found " + std::to_string(min_bits) +
                          ", expected at most precision.max_bits (" + std::to_string(max_bits) + ")");
    if (serial == SerialOperand::None && windows_per_tile != 1)
        throw ConfigError(where + "array.windows_per_tile: found " +
                          std::to_string(windows_per_tile) +
                          ", expected 1 for a bit-parallel design (serial_operand: none)");
}

AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml) {
    AcceleratorConfig c;
    YamlMap root(load_yaml_file(yaml), yaml.string());
    c.file = yaml.string();
    c.name = root.string_or("name", yaml.stem().string());
    c.description = root.string_or("description", "");
    root.allow("source");  // free text: where the numbers come from (also in docs/sim.md)

    if (auto a = root.map_if_present("array")) {
        c.tiles = static_cast<int>(a->integer_or("tiles", c.tiles, 1, 4096));
        c.filters_per_tile = static_cast<int>(a->integer_or("filters_per_tile", c.filters_per_tile, 1, 4096));
        c.windows_per_tile = static_cast<int>(a->integer_or("windows_per_tile", c.windows_per_tile, 1, 4096));
        c.lanes = static_cast<int>(a->integer_or("lanes", c.lanes, 1, 4096));
        a->finish();
    }
    c.serial = parse_operand(root.choice_or("serial_operand", to_string(c.serial),
                                            {"weights", "activations", "both", "none"}));
    if (auto p = root.map_if_present("precision")) {
        c.min_bits = static_cast<int>(p->integer_or("min_bits", c.min_bits, 1, 16));
        c.max_bits = static_cast<int>(p->integer_or("max_bits", c.max_bits, 1, 16));
        c.weight_bits = static_cast<int>(p->integer_or("weight_bits", c.weight_bits, 1, 16));
        c.activation_bits = static_cast<int>(p->integer_or("activation_bits", c.activation_bits, 1, 16));
        p->finish();
    }
    c.clock_ghz = root.number_or("clock_ghz", c.clock_ghz, 1e-3, 100);
    if (auto m = root.map_if_present("memory")) {
        read_memory(*m, "weight_buffer", c.weight_buffer);
        read_memory(*m, "activation_memory", c.activation_memory);
        if (auto o = m->map_if_present("off_chip")) {
            c.off_chip.bandwidth_gb_per_s =
                o->number_or("bandwidth_gb_per_s", c.off_chip.bandwidth_gb_per_s, 1e-3, 1e6);
            c.off_chip.latency_ns = o->number_or("latency_ns", c.off_chip.latency_ns, 0, 1e6);
            o->finish();
        }
        m->finish();
    }
    read_energy(root, c.energy);
    root.finish();
    c.check();
    return c;
}

}  // namespace serialq::sim
