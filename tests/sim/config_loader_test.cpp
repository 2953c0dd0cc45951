// The accelerator configuration: shipped files, defaults, validation, overrides.
#include "../common/temp_file.hpp"

#include "serialq/common/error.hpp"
#include "serialq/sim/accelerator_config.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>

using namespace serialq;
using namespace serialq::sim;

namespace {
const std::string kAccel = std::string(SERIALQ_SOURCE_DIR) + "/configs/accel/";
const std::string kData = std::string(SERIALQ_TEST_DATA_DIR) + "/sim/";

std::map<std::string, std::string> as_map(const AcceleratorConfig& c) {
    std::map<std::string, std::string> m;
    for (const auto& kv : accelerator_config_values(c)) m[kv.first] = kv.second;
    return m;
}

// Writes the flat {dotted key, value} pairs back as nested YAML.
std::string to_yaml(const std::vector<ConfigOverride>& values) {
    std::string out;
    std::vector<std::string> open;  // the mapping path currently written
    for (const auto& [key, value] : values) {
        std::vector<std::string> parts;
        std::size_t start = 0, dot;
        while ((dot = key.find('.', start)) != std::string::npos) {
            parts.push_back(key.substr(start, dot - start));
            start = dot + 1;
        }
        std::size_t common = 0;
        while (common < open.size() && common < parts.size() && open[common] == parts[common])
            ++common;
        open.resize(common);
        for (std::size_t i = common; i < parts.size(); ++i) {
            out += std::string(2 * i, ' ') + parts[i] + ":\n";
            open.push_back(parts[i]);
        }
        out += std::string(2 * parts.size(), ' ') + key.substr(start) + ": \"" + value + "\"\n";
    }
    return out;
}
}  // namespace

TEST_CASE("config: the struct's defaults are configs/accel/stripes.yaml", "[sim][config]") {
    auto file = as_map(load_accelerator_config(kAccel + "stripes.yaml"));
    auto defaults = as_map(AcceleratorConfig{});
    // Free text differs (the default struct carries no description); every number agrees.
    for (const char* k : {"name", "description", "source"}) {
        file.erase(k);
        defaults.erase(k);
    }
    CHECK(file == defaults);
}

TEST_CASE("config: every shipped accelerator loads with its serial operand", "[sim][config]") {
    const std::vector<std::pair<std::string, SerialOperand>> shipped{
        {"stripes", SerialOperand::Weights},
        {"stripes-act", SerialOperand::Activations},
        {"loom", SerialOperand::Both},
        {"dadiannao", SerialOperand::None}};
    for (const auto& [name, serial] : shipped) {
        const auto c = load_accelerator_config(kAccel + name + ".yaml");
        CHECK(c.name == name);
        CHECK(c.serial == serial);
        CHECK(c.tiles == 16);
        CHECK(c.filters_per_tile == 16);
        CHECK(c.lanes == 16);
        CHECK(c.clock_ghz == 0.98);
        CHECK(!c.source.empty());
        CHECK(c.file == kAccel + name + ".yaml");
    }
    CHECK(load_accelerator_config(kAccel + "dadiannao.yaml").windows_per_tile == 1);
    CHECK(load_accelerator_config(kAccel + "stripes-act.yaml").activation_memory.width_bits == 256);
}

TEST_CASE("config: values written out read back identically", "[sim][config]") {
    test::TempDir dir;
    for (const char* name : {"stripes", "stripes-act", "loom", "dadiannao"}) {
        const auto c = load_accelerator_config(kAccel + name + ".yaml");
        const auto path =
            dir.write(std::string(name) + ".yaml", to_yaml(accelerator_config_values(c)));
        CHECK(as_map(load_accelerator_config(path)) == as_map(c));
    }
    // Every key is a field: a file that sets each of them to a non-default value reads back.
    AcceleratorConfig odd;
    odd.name = "odd";
    odd.tiles = 3;
    odd.serial = SerialOperand::Both;
    odd.activation_bits = 5;
    odd.off_chip.latency_ns = 12.345;
    odd.energy.static_power.off_chip_mw = 1.0 / 3.0;
    const auto path = dir.write("odd.yaml", to_yaml(accelerator_config_values(odd)));
    CHECK(as_map(load_accelerator_config(path)) == as_map(odd));
    CHECK(load_accelerator_config(path).energy.static_power.off_chip_mw == 1.0 / 3.0);
}

TEST_CASE("config: bad files are one-line errors naming file, line and key", "[sim][config]") {
    REQUIRE_THROWS_WITH(load_accelerator_config(kData + "unknown-key.yaml"),
                        kData +
                            "unknown-key.yaml:6: off_chip.latncy_ns: unknown key, expected "
                            "one of bandwidth_gb_per_s, latency_ns");
    REQUIRE_THROWS_WITH(
        load_accelerator_config(kData + "malformed.yaml"),
        Catch::StartsWith(kData + "malformed.yaml:3:") && Catch::Contains("not valid YAML"));
    REQUIRE_THROWS_WITH(load_accelerator_config(kData + "out-of-range.yaml"),
                        kData +
                            "out-of-range.yaml:3: max_bits: found '24', expected an integer "
                            "in 1..16");
    REQUIRE_THROWS_WITH(load_accelerator_config(kData + "inconsistent.yaml"),
                        kData +
                            "inconsistent.yaml:4: max_bits: found 12, expected at most "
                            "activation_bits (8), the width the activations are stored at");
    REQUIRE_THROWS_AS(load_accelerator_config(kData + "no-such-file.yaml"), InputError);

    test::TempDir dir;
    const auto min_max = dir.write("m.yaml", "min_bits: 9\nmax_bits: 8\n");
    REQUIRE_THROWS_WITH(load_accelerator_config(min_max),
                        min_max.string() + ":1: min_bits: found 9, expected at most max_bits (8)");
    const auto bad_serial = dir.write("s.yaml", "serial: bits\n");
    REQUIRE_THROWS_WITH(load_accelerator_config(bad_serial),
                        Catch::Contains("serial: found 'bits', expected one of weights, "
                                        "activations, both, none"));
    const auto bad_group = dir.write("g.yaml", "off_chip: 5\n");
    REQUIRE_THROWS_WITH(load_accelerator_config(bad_group),
                        Catch::Contains(":1: off_chip: found '5', expected a mapping"));
}

TEST_CASE("config: overrides are applied to the tree and validated like the file",
          "[sim][config]") {
    const auto base = kAccel + "stripes.yaml";
    const auto c = load_accelerator_config(base, {{"off_chip.bandwidth_gb_per_s", "64"},
                                                  {"tiles", "4"},
                                                  {"serial", "activations"},
                                                  {"energy.static_power.sip_array_mw", "12.5"},
                                                  {"tiles", "8"}});
    CHECK(c.off_chip.bandwidth_gb_per_s == 64);
    CHECK(c.tiles == 8);  // the last override of a key wins
    CHECK(c.serial == SerialOperand::Activations);
    CHECK(c.energy.static_power.sip_array_mw == 12.5);
    CHECK(c.lanes == 16);  // untouched keys keep the file's value
    CHECK(c.file == base);

    // A key missing from the file is created (small.yaml has no energy section).
    CHECK(load_accelerator_config(kData + "small.yaml", {{"energy.lane_pj", "2"}}).energy.lane_pj ==
          2);

    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"tiles", "0"}}),
                        Catch::Contains("tiles: found '0', expected an integer in 1..4096"));
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"serial", "sideways"}}),
                        Catch::Contains("serial: found 'sideways', expected one of"));
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"min_bits", "12"}, {"max_bits", "8"}}),
                        Catch::Contains("min_bits: found 12, expected at most max_bits (8)"));
}

TEST_CASE("config: an unknown override key names the valid keys at its level", "[sim][config]") {
    const auto base = kAccel + "stripes.yaml";
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"off_chip.bandwdth", "1"}}),
                        base +
                            ": override off_chip.bandwdth: unknown key 'bandwdth' in "
                            "'off_chip', expected one of off_chip.bandwidth_gb_per_s, "
                            "off_chip.latency_ns");
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"tilez", "1"}}),
                        Catch::Contains("override tilez: unknown key 'tilez', expected one of "
                                        "name, description, source, tiles,"));
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"energy.static_power.leak", "1"}}),
                        Catch::Contains("unknown key 'leak' in 'energy.static_power', expected "
                                        "one of energy.static_power.sip_array_mw,"));
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"off_chip", "1"}}),
                        Catch::Contains("override off_chip: 'off_chip' is a group of keys, "
                                        "expected one of off_chip.bandwidth_gb_per_s, "
                                        "off_chip.latency_ns"));
    REQUIRE_THROWS_WITH(load_accelerator_config(base, {{"tiles.count", "1"}}),
                        Catch::Contains("'tiles' is a value, not a group of keys"));
}

TEST_CASE("config: key list and key=value parsing", "[sim][config]") {
    const auto keys = accelerator_config_keys();
    CHECK(keys.size() == accelerator_config_values(AcceleratorConfig{}).size());
    CHECK(std::find(keys.begin(), keys.end(), "off_chip.bandwidth_gb_per_s") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "energy.static_power.off_chip_mw") != keys.end());
    CHECK(parse_config_override("tiles=4") == ConfigOverride{"tiles", "4"});
    CHECK(parse_config_override("name=a=b") == ConfigOverride{"name", "a=b"});
    REQUIRE_THROWS_WITH(parse_config_override("tiles"),
                        "--set: found 'tiles', expected key=value (e.g. "
                        "off_chip.bandwidth_gb_per_s=128)");
    REQUIRE_THROWS_AS(parse_config_override("=4"), ConfigError);
}

TEST_CASE("config: check() uses the reader's ranges", "[sim][config]") {
    AcceleratorConfig c;
    CHECK_NOTHROW(c.check());
    c.tiles = 0;
    CHECK_THROWS_WITH(c.check(), "stripes: tiles: found 0, expected an integer in 1..4096");
    c = AcceleratorConfig{};
    c.off_chip.bandwidth_gb_per_s = 0;
    CHECK_THROWS_WITH(c.check(),
                      "stripes: off_chip.bandwidth_gb_per_s: found 0, expected a "
                      "number in [0.001, 1e6]");
    // Every key the reader takes is a value written, and a documented field.
    const auto& fields = accelerator_config_fields();
    REQUIRE(fields.size() == accelerator_config_keys().size());
    for (const auto& f : fields) CHECK_FALSE(f.doc.help.empty());
}

TEST_CASE("config: docs/sim.md's key table is the declaration's", "[sim][config]") {
    std::ifstream in(std::string(SERIALQ_SOURCE_DIR) + "/docs/sim.md");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string table = fields_markdown(field_docs(accelerator_config_fields()));
    INFO("expected in docs/sim.md:\n" << table);
    CHECK(text.find(table) != std::string::npos);
}
