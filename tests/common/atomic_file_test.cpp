#include <catch2/catch.hpp>
TEST_CASE("placeholder atomic_file_test") { REQUIRE(true); }
