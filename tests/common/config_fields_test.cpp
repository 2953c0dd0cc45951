// One declaration per field: the reader, the range check, the writer and the help all come
// from it, so they cannot disagree.
#include "serialq/common/config_fields.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/yaml_fields.hpp"

#include <catch2/catch.hpp>

using namespace serialq;

namespace {

enum class Mode { Fast, Exact };
constexpr EnumNames<Mode, 2> kModeNames{{{{Mode::Fast, "fast"}, {Mode::Exact, "exact"}}}};

struct Inner {
    double clip = 0.1;
};

struct Knobs {
    int tiles = 16;
    bool verbose = false;
    Mode mode = Mode::Fast;
    std::vector<int> bits{2, 4};
    Inner inner;
};

const ConfigFields<Knobs>& knob_fields() {
    static const ConfigFields<Knobs> f = [] {
        ConfigFields<Knobs> f{
            integer({"tiles", "processing tiles"}, &Knobs::tiles, 1, 64),
            boolean({"verbose", "say more"}, &Knobs::verbose),
            choice({"mode", "how to run"}, &Knobs::mode, kModeNames),
            integer_list({"bits", "choices"}, &Knobs::bits, 1, 16, true),
        };
        append(f, nest("inner", &Knobs::inner,
                       ConfigFields<Inner>{number({"clip", "ratio clip", "named as in PPO"},
                                                  &Inner::clip, open(0, 1))}));
        return f;
    }();
    return f;
}

Knobs load(const std::string& text) {
    Knobs k;
    YamlMap m(YAML::Load(text), "cfg.yaml");
    load_fields(m, knob_fields(), k);
    return k;
}

}  // namespace

TEST_CASE("config fields: the reader takes every declared key, nested ones too",
          "[common][fields]") {
    const Knobs k = load("tiles: 8\nverbose: true\nmode: exact\nbits: [3]\ninner: {clip: 0.25}\n");
    CHECK(k.tiles == 8);
    CHECK(k.verbose);
    CHECK(k.mode == Mode::Exact);
    CHECK(k.bits == std::vector<int>{3});
    CHECK(k.inner.clip == 0.25);
    // Missing keys keep the struct's defaults.
    CHECK(load("tiles: 2\n").inner.clip == 0.1);
}

TEST_CASE("config fields: out of range and unknown keys are one-line errors", "[common][fields]") {
    CHECK_THROWS_WITH(load("tiles: 8\ninner:\n  clip: 1\n"),
                      "cfg.yaml:3: inner.clip: found '1', expected a number in (0, 1)");
    CHECK_THROWS_WITH(load("tiles: 65\n"),
                      "cfg.yaml:1: tiles: found '65', expected an integer in 1..64");
    CHECK_THROWS_WITH(load("mode: slow\n"),
                      "cfg.yaml:1: mode: found 'slow', expected one of fast, exact");
    CHECK_THROWS_WITH(
        load("bits: []\n"),
        "cfg.yaml:1: bits: found an empty list, expected a list of 1 or more integers in 1..16");
    CHECK_THROWS_WITH(
        load("tiles: 2\ntilez: 3\n"),
        "cfg.yaml:2: tilez: unknown key, expected one of bits, inner, mode, tiles, verbose");
    CHECK_THROWS_WITH(load("inner: {clp: 0.5}\n"),
                      "cfg.yaml:1: inner.clp: unknown key, expected one of clip");
}

TEST_CASE("config fields: check uses the reader's ranges", "[common][fields]") {
    Knobs k;
    CHECK_NOTHROW(check_fields(knob_fields(), k));
    k.inner.clip = 0;
    CHECK_THROWS_AS(check_fields(knob_fields(), k), ConfigError);
    CHECK_THROWS_WITH(check_fields(knob_fields(), k, "knobs."),
                      "knobs.inner.clip: found 0, expected a number in (0, 1)");
    k = Knobs{};
    k.bits = {2, 17};
    CHECK_THROWS_WITH(
        check_fields(knob_fields(), k),
        "bits: found '17' at position 1, expected a list of 1 or more integers in 1..16");
}

TEST_CASE("config fields: the writer's values read back", "[common][fields]") {
    Knobs k;
    k.tiles = 3;
    k.mode = Mode::Exact;
    k.inner.clip = 0.3;
    const auto values = field_values(knob_fields(), k);
    CHECK(values == std::vector<std::pair<std::string, std::string>>{{"tiles", "3"},
                                                                     {"verbose", "false"},
                                                                     {"mode", "exact"},
                                                                     {"bits", "[2, 4]"},
                                                                     {"inner.clip", "0.3"}});
    const Knobs back =
        load("tiles: 3\nverbose: false\nmode: exact\nbits: [2, 4]\ninner: {clip: 0.3}\n");
    CHECK(field_values(knob_fields(), back) == values);
}

TEST_CASE("config fields: help and docs list key, default, range and help", "[common][fields]") {
    const auto docs = field_docs(knob_fields());
    REQUIRE(docs.size() == 5);
    CHECK(docs[4].key == "inner.clip");
    CHECK(docs[4].default_text == "0.1");
    CHECK(docs[4].range == "(0, 1)");
    CHECK(docs[4].why_key == "named as in PPO");
    const std::string md = fields_markdown(docs);
    CHECK_THAT(md, Catch::StartsWith("| key | default | range | meaning |\n|---|---|---|---|\n"
                                     "| `tiles` | 16 | 1..64 | processing tiles |\n"));
    CHECK_THAT(
        md, Catch::Contains("| `inner.clip` | 0.1 | (0, 1) | ratio clip (key: named as in PPO) |"));
    CHECK_THAT(fields_help(docs),
               Catch::Contains("  mode = fast  (fast, exact)\n      how to run\n"));
}

TEST_CASE("enum names: one table gives name, parse and the valid names", "[common][fields]") {
    CHECK(std::string(kModeNames.name(Mode::Exact)) == "exact");
    CHECK(kModeNames.parse("fast", "--mode") == Mode::Fast);
    CHECK_THROWS_WITH(kModeNames.parse("slow", "--mode"),
                      "--mode: found 'slow', expected one of fast, exact");
}

TEST_CASE("config fields: numbers print as a person writes them and read back",
          "[common][fields]") {
    CHECK(round_trip_text(0.1) == "0.1");
    CHECK(round_trip_text(1e-4) == "0.0001");
    CHECK(round_trip_text(1e-5) == "1e-5");
    CHECK(round_trip_text(1e6) == "1e6");
    CHECK(round_trip_text(120) == "120");
    CHECK(round_trip_text(1) == "1");
    for (double v : {0.1, 1e-4, 1e-5, 3e-3, 1e6, 0.999999, 1.0 / 3, 6.02e23, -2.5e-300})
        CHECK(std::stod(round_trip_text(v)) == v);
}
