// Network totals, speedup and energy reduction against a baseline, and the baseline specs.
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/sim/baseline.hpp"
#include "serialq/sim/figures.hpp"
#include "serialq/sim/report.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace serialq;
using namespace serialq::sim;

namespace {
const std::string kRoot = SERIALQ_SOURCE_DIR;

LayerReport layer(const std::string& name, int bits, long long cycles, double util, double pj) {
    LayerReport r;
    r.name = name;
    r.bits = bits;
    r.total_cycles = cycles;
    r.compute_cycles = cycles / 2;
    r.stall_cycles = cycles - cycles / 2;
    r.utilization = util;
    r.macs = 10;
    r.energy.off_chip_pj = pj;
    r.traffic.off_chip_read_bits = 3;
    return r;
}
}  // namespace

TEST_CASE("report: network totals add layers; utilization weighs them by cycles", "[sim][report]") {
    const LayerReport t = total_of({layer("a", 8, 100, 0.5, 10), layer("b", 4, 300, 0.1, 30)});
    CHECK(t.name == "total");
    CHECK(t.layer_index == -1);
    CHECK(t.total_cycles == 400);
    CHECK(t.compute_cycles == 200);
    CHECK(t.stall_cycles == 200);
    CHECK(t.macs == 20);
    CHECK(t.traffic.off_chip_read_bits == 6);
    CHECK(t.energy_pj() == 40);
    CHECK(t.utilization == Approx((0.5 * 100 + 0.1 * 300) / 400));
    CHECK(t.bits == 0);  // layers differ
    CHECK(total_of({layer("a", 8, 1, 1, 1), layer("b", 8, 1, 1, 1)}).bits == 8);
}

TEST_CASE("report: speedup and energy reduction per layer and for the network", "[sim][report]") {
    NetworkReport run, base;
    run.network = base.network = "net";
    run.layers = {layer("a", 4, 100, 1, 10), layer("b", 4, 50, 1, 40)};
    base.layers = {layer("a", 8, 200, 1, 20), layer("b", 8, 100, 1, 40)};
    run.total = total_of(run.layers);
    base.total = total_of(base.layers);
    const Comparison c = compare(run, base);
    REQUIRE(c.layers.size() == 2);
    CHECK(c.layers[0].speedup == 2);
    CHECK(c.layers[0].energy_reduction == 2);
    CHECK(c.layers[1].speedup == 2);
    CHECK(c.layers[1].energy_reduction == 1);
    CHECK(c.total.speedup == 2);  // 300 / 150 cycles
    CHECK(c.total.energy_reduction == Approx(60.0 / 50));  // sums, not a mean of ratios

    NetworkReport other = base;
    other.layers[1] = layer("conv9", 8, 100, 1, 40);
    REQUIRE_THROWS_WITH(compare(run, other),
                        "baseline: layer 1 is b in the run but conv9 in the baseline");
    other = base;
    other.network = "other";
    REQUIRE_THROWS_AS(compare(run, other), ConfigError);
}

TEST_CASE("report: baseline specs", "[sim][report]") {
    BaselineSpec s = parse_baseline("uniform:16");
    CHECK(s.accelerator.empty());
    CHECK(s.bits == 16);
    s = parse_baseline("configs/accel/dadiannao.yaml");
    CHECK(s.accelerator == "configs/accel/dadiannao.yaml");
    CHECK(!s.bits);
    s = parse_baseline("configs/accel/loom.yaml@4");
    CHECK(s.accelerator == "configs/accel/loom.yaml");
    CHECK(s.bits == 4);
    CHECK(BaselineSpec{}.bits == 8);  // the default: uniform:8 on the run's accelerator
    REQUIRE_THROWS_WITH(parse_baseline("uniform:x"),
                        "--baseline: found 'uniform:x', expected uniform:N, an accelerator YAML, "
                        "or YAML@N (N a bitwidth)");
    REQUIRE_THROWS_AS(parse_baseline(""), ConfigError);
    REQUIRE_THROWS_AS(parse_baseline("@8"), ConfigError);
    REQUIRE_THROWS_AS(parse_baseline("a.yaml@"), ConfigError);
}

TEST_CASE("report: baselines resolve to an accelerator and bits, and run", "[sim][report]") {
    const Network net = load_network(kRoot + "/traces/lenet.yaml");
    const auto stripes = load_accelerator_config(kRoot + "/configs/accel/stripes.yaml");
    BaselineRun b = resolve_baseline(BaselineSpec{}, stripes, net);
    CHECK(b.config.name == "stripes");
    CHECK(b.bits == std::vector<int>(4, 8));
    CHECK(b.label == "uniform:8 on stripes");
    CHECK(b.same_accelerator);

    const std::string dadn = kRoot + "/configs/accel/dadiannao.yaml";
    b = resolve_baseline(parse_baseline(dadn), stripes, net);
    CHECK(b.config.name == "dadiannao");
    CHECK(b.bits == std::vector<int>(4, 16));
    CHECK(b.label == "dadiannao (" + dadn + ") at 16 bits");
    CHECK(!b.same_accelerator);
    auto stripes_model = make_hardware_model("analytic", stripes);
    const NetworkReport r = run_baseline(b, *stripes_model, net);
    CHECK(r.accelerator == "dadiannao");
    CHECK(r.bits == std::vector<int>(4, 16));

    REQUIRE_THROWS_WITH(resolve_baseline(parse_baseline("uniform:17"), stripes, net),
                        "--baseline (stripes): found 17 bits, expected 1..16");
    REQUIRE_THROWS_AS(resolve_baseline(parse_baseline("no/such.yaml"), stripes, net), InputError);

    // Against itself, every ratio is 1.
    auto model = make_hardware_model("analytic", stripes);
    const Comparison same =
        compare(model->simulate(net, LayerBits::uniform(8, 4)),
                run_baseline(resolve_baseline(BaselineSpec{}, stripes, net), *model, net));
    for (const auto& l : same.layers) {
        CHECK(l.speedup == 1);
        CHECK(l.energy_reduction == 1);
    }
}

TEST_CASE("figures: a row names each figure with its unit, from one schema", "[sim][report]") {
    LayerReport r = layer("a", 8, 1960, 0.25, 7.5);
    r.layer_index = 3;
    r.traffic.off_chip_write_bits = 11;
    const auto row = layer_row(r, 1, 0.98);
    const auto columns = row_columns(false);
    REQUIRE(row.size() == columns.size());
    std::size_t i = 0;
    for (const auto& [key, value] : row.items()) CHECK(key == columns[i++]);  // in schema order
    CHECK(row["layer"] == "a");
    CHECK(row["layer_index"] == 3);
    CHECK(row["weight_layer"] == 1);
    CHECK(row["total_cycles"] == 1960);
    CHECK(row["total_cycles"].is_number_integer());
    CHECK(row["time_us"].get<double>() == Approx(2.0));  // 1960 cycles at 0.98 GHz
    CHECK(row["energy_pj"] == 7.5);
    CHECK(row["off_chip_write_bits"] == 11);
    // Units are in the names; the unit field says the same.
    for (const auto& list :
         {key_figures(), layer_figures(), comparison_figures(), network_figures()})
        for (const auto& f : list) {
            INFO(f.name);
            if (f.unit == "cycles") CHECK(f.name.find("cycles") != std::string_view::npos);
            if (f.unit == "pJ") CHECK(f.name.find("_pj") != std::string_view::npos);
            if (f.unit == "bits") CHECK(f.name.find("bits") != std::string_view::npos);
            CHECK(!f.meaning.empty());
        }
    // The energy components are the parts of energy_pj.
    double sum = 0;
    for (const auto& f : energy_components()) sum += row[std::string(f.name)].get<double>();
    CHECK(energy_components().size() == 7);
    CHECK(sum == Approx(row["energy_pj"].get<double>()));

    // The total row leaves out what does not apply; a ratio over nothing is undefined.
    auto total = layer_row(total_of({r}), -1, 0.98);
    CHECK(total["layer"] == "total");
    CHECK(total["layer_index"].is_null());
    CHECK(total["weights_resident"].is_null());
    add_comparison(total, 3920, 15);
    CHECK(total["speedup"] == 2.0);
    CHECK(total["energy_reduction"] == 2.0);
    CHECK(std::isnan(ratio(1, 0)));
}
