#pragma once
// The accelerator as a plain struct: array geometry, which operand is bit-serial, memories,
// off-chip channel and the energy table. Every default lives here and equals
// configs/accel/stripes.yaml (Stripes with the weights serial, as ReLeQ uses it); the sources
// of the numbers are in that file and in docs/sim.md. The YAML keys are the struct's field
// names: a dotted key path (`off_chip.bandwidth_gb_per_s`, `energy.lane_pj`) names one field.
// load_accelerator_config() is the only place that reads YAML; the models receive this struct.
#include "serialq/common/config_fields.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace serialq::sim {

// Which operand a SIP takes one bit per cycle. `none` is a bit-parallel design (DaDianNao).
enum class SerialOperand { Weights, Activations, Both, None };
inline constexpr EnumNames<SerialOperand, 4> kSerialOperandNames{
    {{{SerialOperand::Weights, "weights"},
      {SerialOperand::Activations, "activations"},
      {SerialOperand::Both, "both"},
      {SerialOperand::None, "none"}}}};
inline const char* to_string(SerialOperand operand) { return kSerialOperandNames.name(operand); }

// Where a layer's weights live between inferences. `resident`: loaded into the weight buffers
// once and read from there afterwards, as DaDianNao and Stripes keep every synapse in on-chip
// eDRAM; a layer that does not fit what the layers before it left is streamed. `streamed`:
// every layer's weights come over the off-chip channel on every inference (or batch).
enum class WeightResidency { Resident, Streamed };
inline constexpr EnumNames<WeightResidency, 2> kWeightResidencyNames{
    {{{WeightResidency::Resident, "resident"}, {WeightResidency::Streamed, "streamed"}}}};
inline const char* to_string(WeightResidency residency) {
    return kWeightResidencyNames.name(residency);
}

// How the mapper orders a layer's filters (output channels) when they differ in weight
// precision (kernel-wise bits, LayerSpec::filter_bits). `network`: the network's own order.
// `precision`: within each conv group, widest first (stable), so a pass holds filters of similar
// precision and its steps (as long as its widest filter) waste fewer cycles; the mapper keeps
// the network's order for a layer where sorting is not faster. Layer-wise bits: no effect.
enum class FilterOrder { Network, Precision };
inline constexpr EnumNames<FilterOrder, 2> kFilterOrderNames{
    {{{FilterOrder::Network, "network"}, {FilterOrder::Precision, "precision"}}}};
inline const char* to_string(FilterOrder order) { return kFilterOrderNames.name(order); }

struct MemoryConfig {
    long long capacity_bytes = 0;  // capacity (per tile for the weight buffer)
    int width_bits = 0;  // bits delivered per cycle (per tile for the weight buffer)
};

struct OffChipConfig {
    double bandwidth_gb_per_s = 256.0;  // sustained bandwidth, 1 GB = 1e9 bytes (one HBM2 stack)
    double latency_ns = 100.0;  // from a read request to its first data
};

struct StaticPowerConfig {  // leakage and clock power while a layer runs, in mW
    double sip_array_mw = 0.0;
    double weight_buffer_mw = 0.0;
    double activation_memory_mw = 0.0;
    double off_chip_mw = 0.0;
};

// Energy per event, in pJ (derived from the 45 nm figures of Horowitz, ISSCC 2014; the
// derivation of each default is in configs/accel/stripes.yaml and docs/sim.md).
struct EnergyConfig {
    double lane_pj = 0.015;  // one active SIP lane for one cycle
    double adder_tree_pj = 0.8;  // one active SIP's adder tree for one cycle
    double accumulator_pj = 0.1;  // one active SIP's shift-and-accumulate, one cycle
    double weight_buffer_bit_pj = 1.56;  // per bit read or written
    double activation_memory_bit_pj = 1.56;  // per bit read or written
    double off_chip_bit_pj = 3.97;  // per bit moved over the off-chip channel (HBM2)
    StaticPowerConfig static_power{};
};

struct AcceleratorConfig {
    std::string name = "stripes";
    std::string description;
    std::string source;  // free text: where the numbers come from
    std::string file;  // the YAML it was loaded from ("" for the built-in default); not a key

    // Array: tiles x (filters_per_tile x windows_per_tile) SIPs, each with `lanes` lanes.
    int tiles = 16;  // tiles work on different filters and share the activations
    int filters_per_tile = 16;  // SIP rows: filters in parallel per tile
    int windows_per_tile = 16;  // SIP columns: output positions in parallel
    int lanes = 16;  // terms of the inner product per SIP per cycle

    SerialOperand serial = SerialOperand::Weights;
    int bits_per_cycle = 1;  // serial bits consumed per cycle (1: Stripes; 2, 4: Loom variants)
    int min_bits = 1;  // precisions the serial operand may take, per layer
    int max_bits = 16;
    int weight_bits = 16;  // stored width of the weights when they are not serial
        // (bit-parallel: the multipliers' width)
    int activation_bits = 16;  // stored width of the activations when they are not serial;
        // with `both`, the activations' serial precision
    int accumulator_bits = 32;  // width of a partial sum kept between reduction segments
    int pipeline_cycles = 3;  // SIP pipeline fill + drain, once per layer
    double clock_ghz = 0.98;
    WeightResidency weights = WeightResidency::Resident;
    int batch = 1;  // inferences run together: each pass's weights serve all of them
    FilterOrder filter_order = FilterOrder::Precision;  // kernel-wise bits only (FilterOrder)

    MemoryConfig weight_buffer{2LL * 1024 * 1024, 4096};  // per tile
    MemoryConfig activation_memory{4LL * 1024 * 1024, 4096};  // shared, broadcast to tiles
    OffChipConfig off_chip{};
    EnergyConfig energy{};

    // Throws ConfigError naming the field if a value is out of its declared range or the
    // combination is inconsistent.
    void check() const;

    long long sips() const {
        return static_cast<long long>(tiles) * filters_per_tile * windows_per_tile;
    }
    long long total_lanes() const { return sips() * lanes; }
};

// A dotted key path and its value as text, e.g. {"off_chip.bandwidth_gb_per_s", "128"}.
using ConfigOverride = std::pair<std::string, std::string>;

// Reads configs/accel/<name>.yaml. Every key is optional and falls back to the struct's default;
// unknown keys and out-of-range values are ConfigErrors naming file:line and the key path.
AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml);

// The same, with `overrides` applied to the YAML tree before it is parsed, so that an overridden
// value is validated exactly as if it had been written in the file (what sweeps use). A key that
// is not a field is a ConfigError naming the valid keys at that level.
AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml,
                                          const std::vector<ConfigOverride>& overrides);

// "key=value" -> {key, value}; throws ConfigError naming `what` if there is no '=' or no key.
ConfigOverride parse_config_override(const std::string& text, const std::string& what = "--set");

// Every field as {dotted key, value text}, in file order: what outputs record so that a run can
// be reproduced, and what a sweep row carries. Numbers print so that they read back exactly.
std::vector<ConfigOverride> accelerator_config_values(const AcceleratorConfig& config);

// Every valid dotted key (the keys of accelerator_config_values()).
std::vector<std::string> accelerator_config_keys();

// Each field's dotted key, range and help: what the reader, check(), the values and the docs
// derive from. The keys are the members' names.
const ConfigFields<AcceleratorConfig>& accelerator_config_fields();

}  // namespace serialq::sim
