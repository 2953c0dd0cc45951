#include <catch2/catch.hpp>
TEST_CASE("placeholder yaml_fields_test") { REQUIRE(true); }
