// LayerBits: a bit assignment is checked where it is made, and a consumer's contract (its layer
// count, its range) is refused in one wording.
#include "serialq/common/error.hpp"
#include "serialq/common/layer_bits.hpp"

#include <catch2/catch.hpp>

using serialq::BitsRange;
using serialq::LayerBits;

TEST_CASE("a LayerBits holds only bitwidths in 1..16", "[common][bits]") {
    const LayerBits b{8, 4, 1, 16};
    CHECK(b.size() == 4);
    CHECK(b[1] == 4);
    CHECK(b.str() == "8,4,1,16");
    CHECK(b == std::vector<int>{8, 4, 1, 16});
    CHECK(LayerBits::uniform(3, 2) == LayerBits{3, 3});
    CHECK(LayerBits().empty());
    REQUIRE_THROWS_WITH(LayerBits({8, 0, 8}),
                        "bits 8,0,8: weight layer 1: found 0 bits, expected 1..16");
    REQUIRE_THROWS_WITH(LayerBits(std::vector<int>{8, 17}, "--bits"),
                        "--bits: bits 8,17: weight layer 1: found 17 bits, expected 1..16");
    REQUIRE_THROWS_WITH(LayerBits::uniform(-1, 3, "baseline"),
                        "baseline: bits -1,-1,-1: weight layer 0: found -1 bits, expected 1..16");
}

TEST_CASE("expect() states a consumer's contract: its layer count and its range",
          "[common][bits]") {
    const LayerBits b{8, 4, 4};
    CHECK(&b.expect(3, "lenet") == &b);
    REQUIRE_THROWS_WITH(b.expect(4, "table:t.csv"),
                        "table:t.csv: bits 8,4,4: found 3 bitwidths, expected 4 "
                        "(one per conv/fc layer)");
    REQUIRE_THROWS_WITH(b.expect(3, "bit-parallel", BitsRange{5, 16}),
                        "bit-parallel: bits 8,4,4: weight layer 1: found 4 bits, expected 5..16");
    CHECK(BitsRange{2, 8}.contains(8));
    CHECK_FALSE(BitsRange{2, 8}.contains(1));
}
