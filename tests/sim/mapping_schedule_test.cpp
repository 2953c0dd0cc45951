// The layer-to-array mapping: its closed-form totals against the schedule walked pass by pass
// and step by step, its geometry on hand-checked shapes, its precision table and its errors.
#include "mapping_fixtures.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/mapping.hpp"

#include <catch2/catch.hpp>

using namespace serialq;
using namespace serialq::sim;
using namespace serialq::sim::test;

namespace {
void check_equal(const LayerTotals& a, const LayerTotals& b, const std::string& what) {
    INFO(what);
    CHECK(a.passes == b.passes);
    CHECK(a.compute_cycles == b.compute_cycles);
    CHECK(a.busy_cycles == b.busy_cycles);
    CHECK(a.total_cycles == b.total_cycles);
    CHECK(a.offchip_read_bits == b.offchip_read_bits);
    CHECK(a.offchip_write_bits == b.offchip_write_bits);
    CHECK(a.weight_buffer_read_bits == b.weight_buffer_read_bits);
    CHECK(a.weight_buffer_write_bits == b.weight_buffer_write_bits);
    CHECK(a.activation_memory_read_bits == b.activation_memory_read_bits);
    CHECK(a.activation_memory_write_bits == b.activation_memory_write_bits);
    CHECK(a.active_lane_cycles == b.active_lane_cycles);
    CHECK(a.active_sip_cycles == b.active_sip_cycles);
    CHECK(a.macs == b.macs);
}
}  // namespace

TEST_CASE("mapping: closed-form totals equal the schedule walked step by step", "[sim][mapping]") {
    std::mt19937_64 rng(20240611);
    int spilled = 0, segmented = 0, partial = 0, filters = 0, grouped = 0, fetch_bound = 0;
    for (int i = 0; i < 3000; ++i) {
        const RandomCase rc = random_case(rng);
        const LayerMapping m(rc.config, rc.net, rc.layer_index, rc.spec);
        const LayerTotals closed = m.totals();
        const LayerTotals walked = reference_totals(m);
        REQUIRE(walked.passes == m.passes());  // 0 would mean a pass's steps disagree with it
        check_equal(closed, walked, rc.describe());
        const Layer& l = m.layer();
        const long long batch = rc.config.batch;
        CHECK(closed.macs == l.macs() * batch);
        // Each weight is fetched once per batch when streamed, never when resident.
        CHECK(closed.weight_buffer_write_bits ==
              (rc.spec.weights_resident ? 0 : l.weights() * m.precision().weight_bits));
        CHECK(closed.active_lane_cycles == l.macs() * batch * m.precision().sip_cycles);
        CHECK(closed.total_cycles >= closed.busy_cycles + rc.config.pipeline_cycles);
        CHECK(closed.busy_cycles >= closed.compute_cycles);
        const Channel ch(rc.config);
        CHECK(closed.total_cycles >=
              ch.transfer_cycles(closed.offchip_read_bits + closed.offchip_write_bits));
        spilled += m.spilled();
        segmented += m.segments() > 1;
        partial += m.filters_per_group() % m.filters_per_pass() != 0 && m.filter_blocks() > 1;
        filters += m.arrangement() == Arrangement::Filters;
        grouped += m.groups() > 1;
        fetch_bound += closed.total_cycles > closed.busy_cycles + rc.config.pipeline_cycles +
                                                 ch.fetch_cycles(m.pass(0).offchip_read_bits, 0);
    }
    // The random cases reach every branch of the mapping.
    INFO("spilled " << spilled << " segmented " << segmented << " partial " << partial
                    << " filters " << filters << " grouped " << grouped << " fetch-bound "
                    << fetch_bound);
    CHECK(spilled > 50);
    CHECK(segmented > 50);
    CHECK(partial > 50);
    CHECK(filters > 50);
    CHECK(grouped > 50);
    CHECK(fetch_bound > 50);
}

TEST_CASE("mapping: precision of each operand, whichever is serial", "[sim][mapping]") {
    AcceleratorConfig c = small_config(SerialOperand::Weights);
    c.weight_bits = 16;
    c.activation_bits = 12;
    c.max_bits = 12;
    auto p = layer_precision(c, 5, 7);
    CHECK((p.weight_bits == 5 && p.activation_bits == 7 && p.serial_cycles == 5));
    c.serial = SerialOperand::Activations;
    p = layer_precision(c, 5, 7);
    CHECK((p.weight_bits == 5 && p.activation_bits == 7 && p.serial_cycles == 7));
    c.serial = SerialOperand::Both;
    p = layer_precision(c, 5, 12);
    CHECK((p.weight_bits == 5 && p.activation_bits == 12 && p.serial_cycles == 60));
    c.serial = SerialOperand::None;
    p = layer_precision(c, 5, 12);
    CHECK((p.weight_bits == 5 && p.activation_bits == 12 && p.serial_cycles == 1));
    c.serial = SerialOperand::Weights;
    c.bits_per_cycle = 2;
    CHECK(layer_precision(c, 5, 12).serial_cycles == 3);
    c.serial = SerialOperand::Both;
    CHECK(layer_precision(c, 5, 12).serial_cycles == 18);
    CHECK(layer_precision(c, 5, 3).serial_cycles == 6);
    CHECK(layer_precision(c, 5, 12).output_bits == 12);
    // Each operand has its own range: the serial one [min_bits, max_bits], a parallel one up
    // to its stored width.
    c.serial = SerialOperand::Weights;
    CHECK_THROWS_WITH(layer_precision(c, 5, 13, "conv1"),
                      "conv1: found 13 activation bits, expected 1..12 on small");
    CHECK_THROWS_WITH(layer_precision(c, 13, 8, "conv1"),
                      "conv1: found 13 weight bits, expected 1..12 on small");
    c.serial = SerialOperand::Activations;
    CHECK(layer_precision(c, 16, 12).weight_bits == 16);
}

TEST_CASE("mapping: geometry of a conv, a depthwise conv and an FC layer", "[sim][mapping]") {
    const AcceleratorConfig c = small_config();  // 2 tiles x 4 filters x 4 windows, 4 lanes

    // 3x3 conv, 5 -> 11 channels, 6x6 input, padding 1: 36 positions, reduction 45.
    const Network conv = conv_network({5, 6, 6, 11, 3, 3, 1, 1, 1});
    LayerMapping m(c, conv, 1, 4);
    CHECK(m.arrangement() == Arrangement::Windows);
    CHECK(m.positions() == 36);
    CHECK(m.reduction() == 45);
    CHECK(m.filters_per_pass() == 8);
    CHECK(m.filter_blocks() == 2);  // 8 + 3 filters
    CHECK(m.window_blocks() == 9);  // 36 / 4
    CHECK(m.chunks() == 12);  // 11 x 4 + 1
    CHECK(m.segments() == 1);
    CHECK(m.passes() == 2);
    CHECK(m.pass(1).filters == 3);
    CHECK(m.pass(1).busiest_tile_filters == 2);  // 3 filters spread over 2 tiles
    CHECK(m.pass(0).busiest_tile_filters == 4);
    CHECK(!m.reads_input_off_chip());
    CHECK(!m.spilled());

    // Depthwise: one filter per group, one pass per group.
    const Network dw = conv_network({6, 5, 5, 6, 3, 3, 2, 1, 6});
    LayerMapping d(c, dw, 1, 4);
    CHECK(d.groups() == 6);
    CHECK(d.filters_per_group() == 1);
    CHECK(d.positions() == 9);  // (5 + 2 - 3) / 2 + 1 = 3, 3 x 3
    CHECK(d.reduction() == 9);
    CHECK(d.passes() == 6);
    CHECK(d.pass(5).group == 5);
    CHECK(d.pass(5).filters == 1);

    // FC with 10 outputs: one position, so every SIP of a tile takes a filter.
    const Network fc = fc_network(8, 2, 2, 10, true);
    LayerMapping f(c, fc, 0, 4);
    CHECK(f.arrangement() == Arrangement::Filters);
    CHECK(f.rows_per_tile() == 16);
    CHECK(f.filters_per_pass() == 32);
    CHECK(f.filter_blocks() == 1);
    CHECK(f.window_blocks() == 1);
    CHECK(f.chunks() == 8);  // 32 / 4
    CHECK(f.pass(0).busiest_tile_filters == 5);  // 10 filters over both tiles, not one
    CHECK(f.reads_input_off_chip());
    // Pass 0 fetches the weights and the network input (32 activations x 8 bits).
    CHECK(f.pass(0).offchip_read_bits == 10 * 32 * 4 + 32 * 8);
}

TEST_CASE("mapping: a small weight buffer splits the reduction into segments", "[sim][mapping]") {
    AcceleratorConfig c = small_config();
    // Half the buffer holds 4 filters x 4 lanes x 8 bits x 3 chunks = 384 bits: 96 bytes total.
    c.weight_buffer.capacity_bytes = 96;
    const Network conv = conv_network({8, 4, 4, 8, 3, 3, 1, 1, 1});  // reduction 72: 18 chunks
    LayerMapping m(c, conv, 1, 8);
    CHECK(m.chunks_per_segment() == 3);
    CHECK(m.segments() == 6);
    CHECK(m.passes() == 6);
    const Pass p = m.pass(2);
    CHECK(p.first_chunk == 6);
    CHECK(p.chunks == 3);
    CHECK(!p.first_segment);
    // The middle segment reads and writes partial sums: 8 filters x 16 positions x 32 bits.
    CHECK(p.activation_memory_write_bits == 8 * 16 * 32);
    CHECK(p.activation_memory_read_bits == 16 * 12 * 8 + 8 * 16 * 32);
    check_equal(m.totals(), reference_totals(m), "segments");
}

TEST_CASE("mapping: a layer that does not fit the activation memory spills", "[sim][mapping]") {
    AcceleratorConfig c = small_config();
    c.activation_memory.capacity_bytes = 256;  // 2048 bits
    const Network conv = conv_network({4, 8, 8, 4, 3, 3, 1, 1, 1});  // 256 + 256 activations
    LayerMapping m(c, conv, 1, 8);
    REQUIRE(m.spilled());
    const Pass p = m.pass(0);
    CHECK(p.offchip_read_bits == 4 * 36 * 8 + 256 * 8);
    CHECK(p.offchip_write_bits == 4 * 64 * 8);
    check_equal(m.totals(), reference_totals(m), "spilled");
}

TEST_CASE("mapping: errors name the layer and what was expected", "[sim][mapping]") {
    const AcceleratorConfig c = small_config();
    const Network conv = conv_network({4, 8, 8, 4, 3, 3, 1, 1, 1});
    REQUIRE_THROWS_WITH(LayerMapping(c, conv, 0, 4),
                        "layer 0 (pass): a maxpool layer has no weights to map onto the array");
    REQUIRE_THROWS_WITH(LayerMapping(c, conv, 1, 9),
                        "layer 1 (conv): bits: found 9 weight bits, expected 1..8 on small");
    REQUIRE_THROWS_WITH(LayerMapping(c, conv, 1, 0), Catch::Contains("found 0 weight bits"));
    REQUIRE_THROWS_AS(LayerMapping(c, conv, 2, 4), ConfigError);
    AcceleratorConfig tiny = c;
    tiny.weight_buffer.capacity_bytes = 4;
    REQUIRE_THROWS_WITH(LayerMapping(tiny, conv, 1, 8),
                        Catch::StartsWith("layer 1 (conv): one lane chunk of weights for a tile "
                                          "(2 filters x 4 lanes x 8 bits = 64 bits) does not "
                                          "fit half of the 32 bits per tile that streamed "
                                          "weights may use (weight_buffer.capacity_bytes 4)"));
}
