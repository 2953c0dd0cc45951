// The checked YAML reader behind every configuration loader.
#include "temp_file.hpp"

#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <catch2/catch.hpp>

using serialq::ConfigError;
using serialq::InputError;
using serialq::YamlMap;
using serialq::test::TempDir;

namespace {
YamlMap parse(const std::string& text) { return YamlMap(YAML::Load(text), "cfg.yaml"); }
}  // namespace

TEST_CASE("typed reads with ranges and defaults", "[common][yaml]") {
    auto m = parse("a: 3\nb: 2.5\nc: hello\nd: true\ne: [4, 5]\nf: weights\ng: [1, 2, 3]\n");
    CHECK(m.integer("a", 0, 10) == 3);
    CHECK(m.number("b", 0, 10) == 2.5);
    CHECK(m.string("c") == "hello");
    CHECK(m.boolean_or("d", false));
    CHECK(m.int_pair_or("e", {1, 1}, 1, 9) == std::pair<int, int>{4, 5});
    CHECK(m.choice("f", {"weights", "activations"}) == "weights");
    CHECK(m.integer_list("g", 0, 9) == std::vector<long long>{1, 2, 3});
    CHECK(m.integer_or("missing", 7, 0, 10) == 7);
    CHECK(m.number_or("missing2", 1.5, 0, 10) == 1.5);
    CHECK_NOTHROW(m.finish());
}

TEST_CASE("wrong types and ranges name the key and what was expected", "[common][yaml]") {
    auto m = parse("top:\n  tiles: -4\n  clock: fast\n  count: 2.5\n");
    auto top = m.map("top");
    REQUIRE_THROWS_AS(top.integer("tiles", 1, 64), ConfigError);
    REQUIRE_THROWS_WITH(top.integer("tiles", 1, 64),
                        "cfg.yaml:2: top.tiles: found '-4', expected an integer in 1..64");
    REQUIRE_THROWS_WITH(
        top.number("clock", 0, 10),
        Catch::StartsWith("cfg.yaml:3: top.clock: found 'fast', expected a number"));
    REQUIRE_THROWS_WITH(top.integer("count", 0, 10),
                        Catch::Contains("top.count: found '2.5', expected an integer"));
    REQUIRE_THROWS_WITH(top.integer("absent", 0, 10),
                        Catch::Contains("top.absent: found nothing (the key is missing)"));
    REQUIRE_THROWS_WITH(top.choice("clock", {"slow", "medium"}),
                        Catch::Contains("expected one of slow, medium"));
}

TEST_CASE("a number is finite in every spelling YAML has for NaN and infinity", "[common][yaml]") {
    // Issue 16: yaml-cpp's own as<double>() reads .nan and .inf; every loader's numbers go
    // through YamlMap::number or scalar_number instead, which refuse them with the key.
    for (const std::string v :
         {".nan", ".NaN", "nan", ".inf", "-.inf", "+.Inf", "inf", "infinity", "1e999", "-1e999"}) {
        DYNAMIC_SECTION(v) {
            auto m = parse("clock: " + v + "\n");
            REQUIRE_THROWS_WITH(
                m.number("clock", -1e300, 1e300),
                "cfg.yaml:1: clock: found '" + v + "', expected a number in [-1e+300, 1e+300]");
            CHECK_FALSE(serialq::scalar_number(YAML::Load(v)));
        }
    }
}

TEST_CASE("numbers are read in base 10, whole", "[common][yaml]") {
    // Issue 16: integers were read with stoll's base 0, so 010 was 8 (octal) and 0x10 was 16;
    // a float took hexadecimal (0x1p3), both a leading +. Every reader of serialq reads
    // numbers as common/text.hpp does.
    auto m = parse("a: 010\nb: -7\nc: 2.5e3\n");
    CHECK(m.integer("a", 0, 100) == 10);
    CHECK(m.integer("b", -10, 10) == -7);
    CHECK(m.number("c", 0, 1e6) == 2500.0);
    for (const std::string v : {"0x10", "+5", "0b11", "5k", "0x1p3"}) {
        DYNAMIC_SECTION(v) {
            auto n = parse("count: " + v + "\n");
            CHECK_THROWS_WITH(n.integer("count", 0, 100), "cfg.yaml:1: count: found '" + v +
                                                              "', expected an integer in 0..100");
            CHECK_THROWS_WITH(
                n.number("count", 0, 100),
                Catch::StartsWith("cfg.yaml:1: count: found '" + v + "', expected a number"));
        }
    }
}

TEST_CASE("unknown keys are errors that list the valid ones", "[common][yaml]") {
    auto m = parse("tiles: 4\ntilez: 5\n");
    m.integer("tiles", 1, 64);
    m.integer_or("lanes", 16, 1, 64);
    REQUIRE_THROWS_WITH(m.finish(), "cfg.yaml:2: tilez: unknown key, expected one of lanes, tiles");
}

TEST_CASE("a list element reads as a mapping with an indexed path", "[common][yaml]") {
    auto m = parse("layers:\n  - {name: a}\n  - 5\n");
    const auto seq = m.sequence("layers");
    auto first = m.element(seq, "layers", 0);
    CHECK(first.string("name") == "a");
    REQUIRE_THROWS_WITH(m.element(seq, "layers", 1),
                        Catch::Contains("layers[1]: found '5', expected a mapping"));
}

TEST_CASE("loading files: missing, empty, not YAML, not a mapping", "[common][yaml]") {
    TempDir dir;
    REQUIRE_THROWS_AS(serialq::load_yaml_file(dir.path() / "nope.yaml"), InputError);
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(dir.path() / "nope.yaml"),
                        Catch::Contains("nope.yaml: cannot open file"));
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(dir.write("e.yaml", "")),
                        Catch::Contains("e.yaml: empty file"));
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(dir.write("b.yaml", "a: [1, 2\nb: }")),
                        Catch::Contains("b.yaml:") && Catch::Contains("not valid YAML"));
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(dir.write("l.yaml", "- 1\n- 2\n")),
                        Catch::Contains("l.yaml: found a list at the top"));
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(dir.write("s.yaml", "just words\n")),
                        Catch::Contains("s.yaml: found 'just words' at the top"));
}

TEST_CASE("a YAML file larger than the limit is refused before it is parsed", "[common][yaml]") {
    // One 1 MB flow list of zeros took 230 MB in yaml-cpp's nodes, a 3 MB line 2.9 GB.
    TempDir dir;
    const std::size_t limit = 256 * 1024;  // docs/reliability.md
    std::string list = "tiles: [";
    while (list.size() < limit) list += "0, ";
    const auto big = dir.write("big.yaml", list + "0]\n");
    REQUIRE_THROWS_AS(serialq::load_yaml_file(big), ConfigError);
    REQUIRE_THROWS_WITH(serialq::load_yaml_file(big),
                        big.string() + ": " + std::to_string(list.size() + 3) +
                            " bytes, expected at most 262144 (a configuration or trace is a few "
                            "kilobytes)");
    // Just under the limit is read as usual.
    list.resize(limit - 100);
    list.resize(list.rfind(',') + 1);
    CHECK(serialq::load_yaml_file(dir.write("fits.yaml", list + " 0]\n"))["tiles"].IsSequence());
}
