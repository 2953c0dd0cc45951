// Bit assignments as users type them.
#include "serialq/common/bits_spec.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

using serialq::parse_bits;

TEST_CASE("lists and uniform:N", "[common][bits]") {
    CHECK(parse_bits("8,4,4,8", 4) == std::vector<int>{8, 4, 4, 8});
    CHECK(parse_bits("uniform:3", 5) == std::vector<int>(5, 3));
    CHECK(parse_bits("8, 4,4 , 8", 4) == std::vector<int>{8, 4, 4, 8});  // spaces: the list's
    REQUIRE_THROWS_WITH(parse_bits("8,+4,4,8", 4),
                        "--bits: found '+4', expected a bitwidth (an integer)");
    CHECK(serialq::format_bits({2, 3, 4}) == "2,3,4");
}

TEST_CASE("wrong length, out of range and garbage are one-line errors", "[common][bits]") {
    REQUIRE_THROWS_AS(parse_bits("8,8", 4), serialq::ConfigError);
    REQUIRE_THROWS_WITH(
        parse_bits("8,8", 4),
        "--bits: found 2 bitwidths, expected 4 (one per conv/fc layer) or uniform:N");
    REQUIRE_THROWS_WITH(parse_bits("8,17,8,8", 4), "--bits: found 17 bits, expected 1..16");
    REQUIRE_THROWS_WITH(parse_bits("uniform:0", 4), "--bits: found 0 bits, expected 1..16");
    REQUIRE_THROWS_WITH(parse_bits("8,x,8,8", 4),
                        "--bits: found 'x', expected a bitwidth (an integer)");
    REQUIRE_THROWS_WITH(parse_bits("8,8,8,", 4),
                        "--bits: found '', expected a bitwidth (an integer)");
}
