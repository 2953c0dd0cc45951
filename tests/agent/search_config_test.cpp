// The search configuration: the shipped default file equals the struct's defaults; bad files
// give one-line errors naming the file, the key and what was expected.
#include "serialq/agent/search_config.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace serialq;
using namespace serialq::agent;

namespace {
const std::string data = std::string(SERIALQ_TEST_DATA_DIR) + "/agent/";
}

TEST_CASE("search config: configs/search/default.yaml spells out the defaults", "[agent][config]") {
    const SearchConfig f =
        load_search_config(std::string(SERIALQ_SOURCE_DIR) + "/configs/search/default.yaml");
    const auto& fields = search_config_fields();
    CHECK(field_values(fields, f) == field_values(fields, SearchConfig{}));
    // Every declared key is written in the file.
    std::ifstream in(std::string(SERIALQ_SOURCE_DIR) + "/configs/search/default.yaml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& field : fields) {
        const std::string leaf = field.doc.key.substr(field.doc.key.rfind('.') + 1);
        INFO(field.doc.key);
        const bool written = text.find("\n" + leaf + ":") != std::string::npos ||
                             text.find("  " + leaf + ":") != std::string::npos;
        CHECK(written);
    }
}

TEST_CASE("search config: docs/agent.md's key table is the declaration's", "[agent][config]") {
    std::ifstream in(std::string(SERIALQ_SOURCE_DIR) + "/docs/agent.md");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string table = fields_markdown(field_docs(search_config_fields()));
    INFO("expected in docs/agent.md:\n" << table);
    CHECK(text.find(table) != std::string::npos);
}

TEST_CASE("search config: the library's checks use the reader's ranges", "[agent][config]") {
    // ppo.clip is read and checked as (0, 1): one declaration.
    SearchConfig c;
    c.ppo.clip = 1;
    CHECK_THROWS_WITH(c.check(), "ppo.clip: found 1, expected a number in (0, 1)");
    CHECK_THROWS_WITH(c.ppo.check(), "ppo.clip: found 1, expected a number in (0, 1)");
    c = SearchConfig{};
    c.haq.updates_per_step = 0;
    CHECK_THROWS_WITH(c.check(), "haq.updates_per_step: found 0, expected an integer in 1..1000");
}

TEST_CASE("search config: every shipped file loads", "[agent][config]") {
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(SERIALQ_SOURCE_DIR) + "/configs/search")) {
        INFO(e.path());
        CHECK_NOTHROW(load_search_config(e.path()));
    }
}

TEST_CASE("search config: bad files name the file, line, key and expectation", "[agent][config]") {
    CHECK_THROWS_WITH(load_search_config(data + "unknown-key.yaml"),
                      Catch::Contains("unknown-key.yaml:4: ppo.cliprange: unknown key"));
    CHECK_THROWS_WITH(load_search_config(data + "bad-bits.yaml"),
                      Catch::Contains("bad-bits.yaml:1: bits: found '17' at position 2, expected "
                                      "a list of integers in 1..16"));
    CHECK_THROWS_WITH(load_search_config(data + "unsorted-bits.yaml"),
                      Catch::Contains("unsorted-bits.yaml: bits: found 2 after 4"));
    CHECK_THROWS_WITH(load_search_config(data + "bad-shape.yaml"),
                      Catch::Contains("bad-shape.yaml:2: reward.hardware_shape: found 'product'"));
    CHECK_THROWS_WITH(
        load_search_config(data + "bad-clip.yaml"),
        Catch::EndsWith("bad-clip.yaml:2: ppo.clip: found '1', expected a number in (0, 1)"));
    CHECK_THROWS_AS(load_search_config(data + "missing.yaml"), InputError);
}
