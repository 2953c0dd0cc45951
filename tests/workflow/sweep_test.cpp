// The sweep engine: the product of the axes, resumption, shards and merge, parallel runs, and
// bad input. Runs on LawModel (law_model.hpp) so that the simulations can be counted.
#include "../common/temp_file.hpp"
#include "law_model.hpp"
#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/network_loader.hpp"
#include "serialq/workflow/sweep.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

using namespace serialq;
using namespace serialq::workflow;
using serialq::test::TempDir;
using serialq::workflow::test::law_fail_after;
using serialq::workflow::test::law_simulations;
using serialq::workflow::test::make_law_model;

namespace {

const std::string kRoot = SERIALQ_SOURCE_DIR;

SweepSpec small_spec() {
    SweepSpec s;
    s.accels = {kRoot + "/configs/accel/stripes.yaml", kRoot + "/configs/accel/loom.yaml"};
    s.axes = {{"tiles", {"8", "16"}}, {"off_chip.bandwidth_gb_per_s", {"1", "16", "256"}}};
    s.traces = {kRoot + "/traces/lenet.yaml", kRoot + "/traces/simplenet.yaml"};
    s.bits = {"uniform:8", "uniform:4"};
    return s;
}

SweepOptions options(const std::filesystem::path& out, int jobs = 1) {
    SweepOptions o;
    o.out_dir = out;
    o.jobs = jobs;
    o.make_model = make_law_model;
    return o;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);) out.push_back(l);
    return out;
}

// A sweep of one point, run once: its point file (and the text serialq wrote there) is what
// the rerun and merge tests damage.
struct OnePointSweep {
    TempDir dir;
    SweepSpec spec = small_spec();
    std::filesystem::path point;
    std::string good;
    OnePointSweep() {
        spec.accels.resize(1);
        spec.traces.resize(1);
        spec.axes = {};
        run_sweep(spec, options(dir.path()));
        for (const auto& e : std::filesystem::directory_iterator(dir.path() / "points"))
            point = e.path();
        good = read_file(point);
    }
    // The same sweep again over the (damaged) point file.
    auto rerun() const { return run_sweep(spec, options(dir.path())); }
};

}  // namespace

TEST_CASE("sweep rows: one per point x weight layer plus a total, each with its parameters") {
    TempDir dir;
    const SweepSpec spec = small_spec();
    REQUIRE(spec.point_count() == 2 * 2 * 3 * 2 * 2);
    law_simulations = 0;
    const auto s = run_sweep(spec, options(dir.path()));
    CHECK(s.points_total == 48);
    CHECK(s.points_run == 48);
    CHECK(law_simulations == 48 * 2);  // each point and its baseline
    // lenet has 4 weight layers, simplenet 5: half the points each, plus a total row per point.
    CHECK(s.rows == 24 * (4 + 1) + 24 * (5 + 1));
    const auto csv = lines(read_file(s.csv));
    REQUIRE(csv.size() == s.rows + 1);

    const auto json = nlohmann::json::parse(read_file(s.json));
    REQUIRE(json["rows"].size() == s.rows);
    // Every row carries the full configuration and its point's values; points follow the axes
    // with the last one (bits) varying fastest.
    const auto& rows = json["rows"];
    for (const auto& r : rows) {
        for (const char* c : {"tiles", "off_chip.bandwidth_gb_per_s", "lanes", "energy.lane_pj",
                              "accel", "model", "network", "bits", "layer", "total_cycles",
                              "energy_pj", "speedup", "energy_reduction"})
            REQUIRE(r.contains(c));
    }
    CHECK(rows[0]["accel"] == "stripes");
    CHECK(rows[0]["tiles"] == 8);
    CHECK(rows[0]["off_chip.bandwidth_gb_per_s"] == 1);
    CHECK(rows[0]["network"] == "lenet");
    CHECK(rows[0]["bits_spec"] == "uniform:8");
    CHECK(rows[4]["layer"] == "total");
    CHECK(rows[4]["weight_layer"].is_null());
    CHECK(rows[5]["bits_spec"] == "uniform:4");
    CHECK(rows[5]["point"] == 1);
    CHECK(rows.back()["accel"] == "loom");
    CHECK(rows.back()["tiles"] == 16);
    CHECK(rows.back()["point"] == 47);
    // Against the 8-bit baseline the 8-bit point has speedup 1 and 4 bits are never slower.
    CHECK(rows[4]["speedup"] == 1.0);
    CHECK(rows[9]["speedup"].get<double>() >= 1.0);
    // The swept values really reach the model: fewer tiles, more cycles at the same bandwidth.
    const auto total_cycles = [&](std::size_t point) {
        for (const auto& r : rows)
            if (r["point"] == point && r["layer"] == "total")
                return r["total_cycles"].get<double>();
        return -1.0;
    };
    CHECK(total_cycles(2 * 3 * 2 * 2 + 4 * 2) < total_cycles(4 * 2));  // tiles 16 vs 8, bw 256
}

TEST_CASE("a resumed sweep skips the points done and writes the same results as a whole run") {
    TempDir whole, resumed;
    const SweepSpec spec = small_spec();
    const auto full = run_sweep(spec, options(whole.path()));

    law_simulations = 0;
    law_fail_after = 2 * 17;  // dies after 17 points (each is simulated twice: bits, baseline)
    CHECK_THROWS_WITH(run_sweep(spec, options(resumed.path())), "simulated crash");
    law_fail_after = -1;
    CHECK(!std::filesystem::exists(resumed.path() / "results.csv"));

    law_simulations = 0;
    const auto again = run_sweep(spec, options(resumed.path()));
    CHECK(again.points_skipped == 17);
    CHECK(again.points_run == 48 - 17);
    CHECK(law_simulations == 2 * (48 - 17));
    CHECK(read_file(again.csv) == read_file(full.csv));
    CHECK(read_file(again.json) == read_file(full.json));

    // A third run has nothing left to do.
    law_simulations = 0;
    const auto third = run_sweep(spec, options(resumed.path()));
    CHECK(third.points_run == 0);
    CHECK(law_simulations == 0);
    CHECK(read_file(third.csv) == read_file(full.csv));
}

TEST_CASE("a rerun refuses a damaged point file, naming the file and the field") {
    OnePointSweep one;
    auto j = nlohmann::ordered_json::parse(one.good);

    j["layers"][1].erase("total_cycles");  // a key deleted by hand
    write_file_atomically(one.point, j.dump(1));
    CHECK_THROWS_WITH(one.rerun(),
                      Catch::Contains(one.point.string() + ": layers[1].total_cycles: missing") &&
                          Catch::Contains("delete it to recompute the point"));
    j = nlohmann::ordered_json::parse(one.good);
    j["baseline"]["layers"].erase(0);  // a layer fewer in the baseline
    write_file_atomically(one.point, j.dump(1));
    CHECK_THROWS_WITH(
        one.rerun(),
        Catch::Contains("layers or baseline.layers: expected two lists of the same length"));
    j = nlohmann::ordered_json::parse(one.good);
    j["total"]["energy_pj"] = "many";
    write_file_atomically(one.point, j.dump(1));
    CHECK_THROWS_WITH(one.rerun(),
                      Catch::Contains("total.energy_pj: found string, expected a number"));
    write_file_atomically(one.point, one.good.substr(0, one.good.size() / 2));  // a truncated file
    CHECK_THROWS_WITH(one.rerun(),
                      Catch::Contains("not valid JSON") &&
                          Catch::Contains("expected a point result written by serialq sweep"));
    write_file_atomically(one.point, one.good);
    CHECK(one.rerun().points_run == 0);
}

TEST_CASE("a rerun refuses a point file of impossible figures or another point's parameters") {
    // Issue 16: a point file was checked for its keys and types, not for what they hold: a
    // negative or infinite figure, parameters of another one.point, a layer missing from both lists
    // (assemble_rows read them into the results as they were).
    OnePointSweep one;
    const auto j0 = nlohmann::ordered_json::parse(one.good);
    const std::string bits = j0["params"]["bits"];
    const auto refusal = [&](const std::string& text) {
        write_file_atomically(one.point, text);
        try {
            one.rerun();
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string recover = "; delete it to recompute the point";
    auto j = j0;
    j["layers"][2]["total_cycles"] = -5;
    CHECK(refusal(j.dump(1)) == one.point.string() +
                                    ": layers[2].total_cycles: found -5, expected a finite "
                                    "number >= 0" +
                                    recover);
    // A number beyond a double's range (JSON has no NaN or infinity) is refused as it is read.
    std::string text = j0.dump(1);
    const auto energy = text.find("\"energy_pj\": ");
    REQUIRE(energy != std::string::npos);
    const auto value = energy + 13, end = text.find_first_of(",\n", value);
    text.replace(value, end - value, "1e999");
    CHECK(refusal(text) == one.point.string() +
                               ": not valid JSON (number overflow parsing '1e999'), expected a "
                               "point result written by serialq sweep" +
                               recover);
    j = j0;
    j["params"]["bits"] = "2,2,2,2";
    CHECK(refusal(j.dump(1)) == one.point.string() + ": params.bits: found '2,2,2,2', expected '" +
                                    bits + "' (the point's identity)" + recover);
    j = j0;
    j["params"]["trace"] = "traces/other.yaml";
    CHECK_THAT(refusal(j.dump(1)),
               Catch::StartsWith(one.point.string() + ": params.trace: found 'traces/other.yaml'"));
    j = j0;
    j["params"].erase("model");
    CHECK(refusal(j.dump(1)) ==
          one.point.string() + ": params.model: missing (written by another version?)" + recover);
    j = j0;
    j["params"]["network"] = 5;
    CHECK(refusal(j.dump(1)) ==
          one.point.string() + ": params.network: found number, expected a string" + recover);
    j = j0;
    j["layers"].erase(3);
    j["baseline"]["layers"].erase(3);
    CHECK(refusal(j.dump(1)) == one.point.string() +
                                    ": layers: found 3 rows, expected 4 (one per weight layer of "
                                    "the point's bits)" +
                                    recover);
    // A line deleted by hand from the file (the heap overflow of issue 16 in assemble_rows, when
    // the row's key was gone): still valid JSON, refused by name.
    text = j0.dump(1);
    const auto macs = text.find("\"macs\"");
    REQUIRE(macs != std::string::npos);
    const auto line = text.rfind('\n', macs);
    text.erase(line, text.find('\n', macs) - line);
    CHECK(refusal(text) ==
          one.point.string() + ": layers[0].macs: missing (written by another version?)" + recover);
    write_file_atomically(one.point, one.good);
    CHECK(one.rerun().points_run == 0);
}

TEST_CASE("a rerun refuses a deeply nested point file instead of overflowing the stack") {
    OnePointSweep one;
    // A list nested a million levels deep in the swept values: parsing is iterative, but the
    // copies and dumps of the point that follow recursed once per level (issue 16).
    const std::size_t set = one.good.find("\"set\": {}");
    REQUIRE(set != std::string::npos);
    const std::size_t n = 1000000;
    write_file_atomically(one.point, one.good.substr(0, set) + "\"set\": " + std::string(n, '[') +
                                         std::string(n, ']') + one.good.substr(set + 9));
    CHECK_THROWS_WITH(one.rerun(),
                      Catch::Contains(one.point.string() + ": not valid JSON (nested more than 64 "
                                                           "levels deep at byte") &&
                          Catch::Contains("delete it to recompute the point"));
    write_file_atomically(one.point, one.good);
    CHECK(one.rerun().points_run == 0);
}

TEST_CASE("shards merged equal the whole sweep, and a missing shard is named") {
    TempDir whole, a, b, c, merged, partial;
    const SweepSpec spec = small_spec();
    const auto full = run_sweep(spec, options(whole.path()));
    std::size_t rows = 0;
    const std::filesystem::path dirs[] = {a.path(), b.path(), c.path()};
    for (int i = 0; i < 3; ++i) {
        auto o = options(dirs[i]);
        o.shard_index = i;
        o.shard_count = 3;
        const auto s = run_sweep(spec, o);
        CHECK(s.points_shard == 16);
        rows += s.rows;
    }
    CHECK(rows == full.rows);
    const auto m = merge_sweeps({a.path(), b.path(), c.path()}, merged.path());
    CHECK(m.rows == full.rows);
    CHECK(read_file(m.csv) == read_file(full.csv));
    CHECK(read_file(m.json) == read_file(full.json));

    CHECK_THROWS_WITH(merge_sweeps({a.path(), c.path()}, partial.path()),
                      Catch::Contains("16 of 48 points missing (the first is point 1)"));
}

TEST_CASE("a merge refuses a shard's point file that claims no identity, naming it") {
    // Issue 16: merge_sweeps asked the file for its identity with nlohmann's value(), whose
    // type_error escaped for a file that is not an object or an identity that is not text.
    TempDir merged;
    OnePointSweep one;
    auto j = nlohmann::ordered_json::parse(one.good);
    j["identity"] = 5;
    for (const std::string& text : {std::string("[]"), j.dump(1)}) {
        INFO(text.substr(0, 20));
        write_file_atomically(one.point, text);
        std::string message = "accepted";
        try {
            merge_sweeps({one.dir.path()}, merged.path());
        } catch (const InputError& e) {
            message = e.what();
        }
        CHECK_THAT(message, Catch::StartsWith(one.point.string() + ": ") &&
                                Catch::Contains("delete it to recompute the point"));
    }
    write_file_atomically(one.point, one.good);
    CHECK(merge_sweeps({one.dir.path()}, merged.path()).rows > 0);
}

TEST_CASE("shards of different sweeps do not merge, and a directory holds one sweep") {
    TempDir a, b, merged;
    SweepSpec one = small_spec();
    SweepSpec other = small_spec();
    other.bits = {"uniform:2"};
    run_sweep(one, options(a.path()));
    run_sweep(other, options(b.path()));
    CHECK_THROWS_WITH(merge_sweeps({a.path(), b.path()}, merged.path()),
                      Catch::Contains("the shards are of different sweeps"));
    CHECK_THROWS_WITH(run_sweep(other, options(a.path())), Catch::Contains("holds another sweep"));
}

TEST_CASE("parallel threads and worker processes give the results of one job") {
    TempDir one, threads, processes, processes_one;
    SweepSpec spec = small_spec();
    const auto serial = run_sweep(spec, options(one.path(), 1));
    const auto parallel = run_sweep(spec, options(threads.path(), 2));
    CHECK(read_file(parallel.csv) == read_file(serial.csv));

    // Cycle-level points run in child processes; only the model column differs.
    spec.models = {"cycle"};
    const auto forked = run_sweep(spec, options(processes.path(), 2));
    std::string expected = read_file(serial.csv);
    for (std::size_t p = expected.find(",analytic,"); p != std::string::npos;
         p = expected.find(",analytic,", p))
        expected.replace(p, 10, ",cycle,");
    CHECK(read_file(forked.csv) == expected);

    // A worker's error comes back as the sweep's error.
    law_fail_after = 0;
    law_simulations = 0;
    CHECK_THROWS_WITH(run_sweep(spec, options(processes_one.path(), 2)), "simulated crash");
    law_fail_after = -1;
}

TEST_CASE("progress counts the points to run, not those already done") {
    TempDir dir;
    SweepSpec spec = small_spec();
    spec.axes.pop_back();
    std::vector<SweepProgress> seen;
    auto o = options(dir.path(), 2);
    o.progress = [&](const SweepProgress& p) { seen.push_back(p); };
    run_sweep(spec, o);
    REQUIRE(!seen.empty());
    CHECK(seen.back().done == 16);
    CHECK(seen.back().total == 16);
    seen.clear();
    run_sweep(spec, o);
    CHECK(seen.back().total == 0);
    CHECK(seen.back().skipped == 16);
}

TEST_CASE("bad --set keys and values are errors naming the key and what was expected") {
    TempDir dir;
    SweepSpec spec = small_spec();
    spec.axes = {{"tile", {"8"}}};
    CHECK_THROWS_WITH(run_sweep(spec, options(dir.path())),
                      Catch::Contains("unknown key 'tile'") && Catch::Contains("tiles"));
    spec.axes = {{"off_chip.bandwidth", {"8"}}};
    CHECK_THROWS_WITH(run_sweep(spec, options(dir.path())),
                      Catch::Contains("off_chip.bandwidth_gb_per_s"));
    spec.axes = {{"tiles", {"8", "many"}}};
    CHECK_THROWS_AS(run_sweep(spec, options(dir.path())), ConfigError);
    spec.axes = {{"tiles", {"0"}}};
    CHECK_THROWS_WITH(run_sweep(spec, options(dir.path())), Catch::Contains("tiles"));
    CHECK(!std::filesystem::exists(dir.path() / "sweep.json"));  // nothing ran
}

TEST_CASE("bit assignments: lists, uniform and a search's best.json, checked per network") {
    TempDir dir;
    SweepSpec spec = small_spec();
    spec.accels.resize(1);
    spec.axes.clear();
    spec.traces.resize(1);  // lenet: 4 weight layers
    spec.bits = {"8,4,4,8", std::string(SERIALQ_TEST_DATA_DIR) + "/workflow/best.json"};
    const auto s = run_sweep(spec, options(dir.path()));
    const auto rows = nlohmann::json::parse(read_file(s.json))["rows"];
    CHECK(rows[0]["bits"] == "8,4,4,8");
    CHECK(rows[5]["bits"] == "2,3,4,5");
    CHECK(rows[5]["layer_bits"] == 2);

    spec.bits = {"8,4,4"};
    CHECK_THROWS_WITH(run_sweep(spec, options(dir.path())), Catch::Contains("expected 4"));
    spec.bits = {"uniform:17"};
    CHECK_THROWS_WITH(run_sweep(spec, options(dir.path())), Catch::Contains("1..16"));
    spec.bits = {std::string(SERIALQ_TEST_DATA_DIR) + "/workflow/no-such-best.json"};
    CHECK_THROWS_AS(run_sweep(spec, options(dir.path())), InputError);
}

TEST_CASE("sweep specs from YAML, axes from the command line, and shards") {
    const auto spec =
        load_sweep_spec(std::string(SERIALQ_TEST_DATA_DIR) + "/workflow/bandwidth.yaml");
    CHECK(spec.point_count() == 48);
    REQUIRE(spec.axes.size() == 2);
    CHECK(spec.axes[0].key == "tiles");  // the file's order
    CHECK(spec.axes[1].values == std::vector<std::string>{"1", "16", "256"});
    CHECK_THROWS_WITH(
        load_sweep_spec(std::string(SERIALQ_TEST_DATA_DIR) + "/workflow/unknown-key.yaml"),
        Catch::Contains("bitz"));

    const auto axis = parse_sweep_axis("off_chip.bandwidth_gb_per_s=64,128");
    CHECK(axis.key == "off_chip.bandwidth_gb_per_s");
    CHECK(axis.values == std::vector<std::string>{"64", "128"});
    CHECK_THROWS_WITH(parse_sweep_axis("tiles"), Catch::Contains("expected key=value"));
    CHECK_THROWS_WITH(parse_sweep_axis("tiles=8,,16"), Catch::Contains("empty value"));

    CHECK(parse_shard("2/4") == std::pair{2, 4});
    for (const char* bad : {"4/4", "-1/4", "1", "a/b", "1/0", "1/4x"})
        CHECK_THROWS_WITH(parse_shard(bad), Catch::Contains("expected i/N"));
}

namespace {
// The rows of `spec` swept in `dir` with the real analytic model.
nlohmann::json real_rows(const SweepSpec& spec, const TempDir& dir) {
    SweepOptions o = options(dir.path());
    o.make_model = sim::make_hardware_model;  // the real analytic model
    return nlohmann::json::parse(read_file(run_sweep(spec, o).json))["rows"];
}
}  // namespace

TEST_CASE("a baseline on another accelerator, and rows that agree with the analytic model") {
    TempDir dir;
    SweepSpec spec;
    spec.accels = {kRoot + "/configs/accel/stripes.yaml"};
    spec.axes = {{"off_chip.bandwidth_gb_per_s", {"8", "256"}}};
    spec.traces = {kRoot + "/traces/lenet.yaml"};
    spec.bits = {"8,4,4,8"};
    spec.baseline = kRoot + "/configs/accel/dadiannao.yaml";
    const auto rows = real_rows(spec, dir);
    REQUIRE(rows.size() == 2 * 5);

    // The same numbers straight from the model, and the baseline from dadiannao at 16 bits with
    // the point's override: dadiannao.yaml writes off_chip.bandwidth_gb_per_s, so the sweep
    // compares designs on the same channel (it used to compare with the file's 256 GB/s).
    const Network net = load_network(kRoot + "/traces/lenet.yaml");
    const auto run_config = sim::load_accelerator_config(kRoot + "/configs/accel/stripes.yaml",
                                                         {{"off_chip.bandwidth_gb_per_s", "8"}});
    const auto base_config = sim::load_accelerator_config(kRoot + "/configs/accel/dadiannao.yaml",
                                                          {{"off_chip.bandwidth_gb_per_s", "8"}});
    const auto run = sim::make_hardware_model("analytic", run_config)->simulate(net, {8, 4, 4, 8});
    const auto base = sim::make_hardware_model("analytic", base_config)
                          ->simulate(net, LayerBits::uniform(base_config.max_bits, 4));
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(rows[i]["total_cycles"] == run.layers[i].total_cycles);
        CHECK(rows[i]["energy_pj"].get<double>() == run.layers[i].energy_pj());
        CHECK(rows[i]["baseline_total_cycles"] == base.layers[i].total_cycles);
    }
    CHECK(rows[4]["layer"] == "total");
    CHECK(rows[4]["total_cycles"] == run.total.total_cycles);
    CHECK(rows[4]["speedup"].get<double>() == Approx(static_cast<double>(base.total.total_cycles) /
                                                     static_cast<double>(run.total.total_cycles)));
    CHECK(rows[4]["baseline"].get<std::string>().find("dadiannao") != std::string::npos);
    CHECK(rows[4]["baseline_bits"] == "16,16,16,16");
    // Less bandwidth never makes the network faster.
    CHECK(rows[4]["total_cycles"].get<double>() >= rows[9]["total_cycles"].get<double>());
}

TEST_CASE("act_bits is an axis crossed with bits, and batch sweeps as a key") {
    TempDir dir;
    SweepSpec spec;
    spec.accels = {kRoot + "/configs/accel/stripes-act.yaml"};
    spec.axes = {{"batch", {"1", "4"}}};
    spec.traces = {kRoot + "/traces/lenet.yaml"};
    spec.bits = {"uniform:16"};
    spec.act_bits = {"uniform:8", "8,4,4,8"};
    CHECK(spec.point_count() == 4);
    const auto rows = real_rows(spec, dir);
    REQUIRE(rows.size() == 4 * 5);
    // Points in order: batch 1 x (uniform:8, 8,4,4,8), then batch 4.
    CHECK(rows[0]["act_bits_spec"] == "uniform:8");
    CHECK(rows[5]["act_bits_spec"] == "8,4,4,8");
    CHECK(rows[5]["act_bits"] == "8,4,4,8");
    CHECK(rows[6]["layer_act_bits"] == 4);  // conv2 at 4 activation bits
    CHECK(rows[6]["weights_resident"] == 1);
    // Activations serial: conv2 at 4 bits takes half the compute of 8 bits.
    CHECK(rows[1]["compute_cycles"].get<long long>() ==
          2 * rows[6]["compute_cycles"].get<long long>());
    // The same figures straight from the model.
    const Network net = load_network(kRoot + "/traces/lenet.yaml");
    const auto config =
        sim::load_accelerator_config(kRoot + "/configs/accel/stripes-act.yaml", {{"batch", "4"}});
    const auto r = sim::make_hardware_model("analytic", config)
                       ->simulate(net, LayerBits::uniform(16, 4), {8, 4, 4, 8});
    CHECK(rows[19]["total_cycles"] == r.total.total_cycles);
    CHECK(rows[19]["macs"] == 4 * net.total_macs());
}
