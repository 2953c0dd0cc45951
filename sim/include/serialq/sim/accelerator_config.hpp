#pragma once
// The accelerator as a plain struct: array geometry, which operand is bit-serial, memories,
// off-chip channel and the energy table. Every default lives here and equals
// configs/accel/stripes.yaml (Stripes with the weights serial, as ReLeQ uses it); the sources
// of the numbers are in that file and in docs/sim.md. load_accelerator_config() is the only
// place that reads YAML; the models receive this struct.
#include <filesystem>
#include <string>

namespace serialq::sim {

// Which operand a SIP takes one bit per cycle. `none` is a bit-parallel design (DaDianNao).
enum class SerialOperand { Weights, Activations, Both, None };
const char* to_string(SerialOperand operand);

struct MemoryConfig {
    long long capacity_bytes = 0;  // capacity (per tile for the weight buffer)
    int width_bits = 0;            // bits delivered per cycle (per tile for the weight buffer)
};

struct OffChipConfig {
    double bandwidth_gb_per_s = 256.0;  // sustained read bandwidth (HBM2-class, as Loom assumes)
    double latency_ns = 100.0;          // from request to first data
};

struct StaticPowerConfig {  // leakage and clock-tree power while the layer runs
    double sip_array_mw = 0.0;
    double weight_buffer_mw = 0.0;
    double activation_memory_mw = 0.0;
    double off_chip_mw = 0.0;
};

struct EnergyConfig {
    double lane_pj = 0.05;            // one SIP lane for one cycle (AND row / multiplier)
    double adder_tree_pj = 0.9;       // one SIP's adder tree for one cycle
    double accumulator_pj = 0.1;      // one SIP's shift-and-accumulate for one cycle
    double weight_buffer_bit_pj = 1.56;      // per bit read or written
    double activation_memory_bit_pj = 1.56;  // per bit read or written
    double off_chip_bit_pj = 20.0;           // per bit moved over the off-chip channel
    StaticPowerConfig static_power{};
};

struct AcceleratorConfig {
    std::string name = "stripes";
    std::string file;          // the YAML it was loaded from ("" for the built-in default)
    std::string description;

    // Array: tiles x (filters x windows) SIPs, each with `lanes` inner-product lanes.
    int tiles = 16;             // tiles work on different filters and share the activations
    int filters_per_tile = 16;  // SIP rows: filters in parallel per tile
    int windows_per_tile = 16;  // SIP columns: output positions in parallel (1: bit-parallel)
    int lanes = 16;             // terms of the inner product per SIP per cycle

    SerialOperand serial = SerialOperand::Weights;
    int min_bits = 1;           // precisions the serial operand may take, per layer
    int max_bits = 16;
    int weight_bits = 16;       // width of the weights when they are not the serial operand
    int activation_bits = 16;   // width of the activations when not serial; with `both`, the
                                // activations' serial precision
    double clock_ghz = 0.98;

    MemoryConfig weight_buffer{2LL * 1024 * 1024, 4096};      // per tile
    MemoryConfig activation_memory{4LL * 1024 * 1024, 4096};  // shared, broadcast to tiles
    OffChipConfig off_chip{};
    EnergyConfig energy{};

    // Throws ConfigError naming the field if the combination is inconsistent.
    void check() const;

    int sips() const { return tiles * filters_per_tile * windows_per_tile; }
};

AcceleratorConfig load_accelerator_config(const std::filesystem::path& yaml);

}  // namespace serialq::sim
