// The well-formedness check the report tests rely on must itself reject what is broken.
#include "xml_check.hpp"

#include <catch2/catch.hpp>

using serialq::workflow::test::check_xml;

TEST_CASE("xml check accepts well-formed documents and counts their elements") {
    const auto r =
        check_xml("<!DOCTYPE html>\n<html a=\"1\" b='2'><p>x &amp; y &#181;</p><br/><p/></html>\n");
    REQUIRE(r.ok());
    CHECK(r.count("p") == 2);
    CHECK(r.count("br") == 1);
    CHECK(r.count("html") == 1);
}

TEST_CASE("xml check rejects what a parser rejects") {
    CHECK_FALSE(check_xml("<a><b></a></b>").ok());  // crossed nesting
    CHECK_FALSE(check_xml("<a>").ok());  // unclosed
    CHECK_FALSE(check_xml("<a x=1/>").ok());  // unquoted attribute
    CHECK_FALSE(check_xml("<a x=\"1\" x=\"2\"/>").ok());  // duplicate attribute
    CHECK_FALSE(check_xml("<a>fish & chips</a>").ok());  // bare ampersand
    CHECK_FALSE(check_xml("<a>1 < 2</a>").ok());  // bare '<'
    CHECK_FALSE(check_xml("<a/><b/>").ok());  // two roots
    CHECK_FALSE(check_xml("<a t=\"<\"/>").ok());  // '<' in an attribute
    CHECK_FALSE(check_xml("<meta charset=\"utf-8\">").ok());  // HTML-only void element
    CHECK(check_xml("<a><b></a></b>").error.find("does not match") != std::string::npos);
}
