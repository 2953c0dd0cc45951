// The checked JSON reader: a nesting limit, and serialq's one-line errors instead of
// nlohmann's exception text.
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"

#include <catch2/catch.hpp>

#include <string>

using serialq::InputError;

TEST_CASE("json input: nesting deeper than the limit is found, strings skipped", "[common][json]") {
    CHECK(serialq::json_too_deep_at("{\"a\": [1, {\"b\": []}]}", 4) == std::string::npos);
    CHECK(serialq::json_too_deep_at("{\"a\": [1, {\"b\": []}]}", 3) == 16);
    CHECK(serialq::json_too_deep_at("[[[[]]]]", 3) == 3);
    // Brackets inside strings, escaped quotes included, are no nesting.
    CHECK(serialq::json_too_deep_at(R"(["[[[[", "\"[[[["])", 1) == std::string::npos);
    // Closing more than was opened never makes room for more.
    CHECK(serialq::json_too_deep_at("]]]][[[", 2) == 6);
}

TEST_CASE("json input: errors are one line naming the source and what was expected",
          "[common][json]") {
    CHECK(serialq::parse_json("{\"a\": [1, 2]}", "f.json", "x")["a"][1] == 2);
    CHECK_THROWS_AS(serialq::parse_json("{\"a\": ", "f.json", "x"), InputError);
    CHECK_THROWS_WITH(serialq::parse_json("{\"a\": ", "f.json", "a search's best.json"),
                      Catch::StartsWith("f.json: not valid JSON (parse error at line 1, column ") &&
                          Catch::EndsWith("), expected a search's best.json") &&
                          !Catch::Contains("json.exception"));
    // A number too large for a double is nlohmann's out_of_range, not a parse_error.
    CHECK_THROWS_WITH(serialq::parse_json("[1e999]", "f.json", "x"),
                      Catch::StartsWith("f.json: not valid JSON (number overflow"));
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_WITH(serialq::parse_ordered_json(deep, "p.json", "a point result"),
                      "p.json: not valid JSON (nested more than 64 levels deep at byte 65), "
                      "expected a point result");
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    CHECK(serialq::parse_json(ok, "f.json", "x").is_array());
}
