// table:<file.csv>: ReLeQ's real LeNet table, and every way a table can be wrong.
#include "serialq/common/error.hpp"
#include "serialq/quant/oracle.hpp"
#include "serialq/quant/oracle_hash.hpp"
#include "serialq/quant/oracle_table.hpp"

#include "../common/temp_file.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace serialq;
using namespace serialq::quant;
using Catch::Matchers::Contains;

namespace {
const std::string kReleq =
    std::string(SERIALQ_TEST_DATA_DIR) + "/quant/releq-lenet-mnist-accuracy.csv";

std::string table_error(const std::string& content) {
    test::TempDir dir;
    const auto file = dir.write("t.csv", content);
    try {
        read_accuracy_table(file);
    } catch (const InputError& e) {
        const std::string msg = e.what();
        // Errors name the file by its path; strip the temporary directory for the checks.
        const auto at = msg.find("t.csv");
        return at == std::string::npos ? msg : msg.substr(at);
    }
    return "no error";
}
}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[oracle][table]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("table oracle answers from ReLeQ's LeNet table", "[oracle][table]") {
    TableOracle oracle(kReleq);
    CHECK(oracle.layer_count() == 4);
    CHECK(oracle.table().rows.size() == 625);
    CHECK(oracle.evaluate({2, 2, 2, 2}).accuracy_percent == Approx(11.4333));
    CHECK(oracle.evaluate({8, 8, 8, 8}).accuracy_percent == Approx(99.5333));
    CHECK(oracle.evaluate({2, 2, 2, 4}).accuracy_percent == Approx(93.7833));
    CHECK(oracle.reference_accuracy_percent() == Approx(99.8));
    const AccuracyResult r = oracle.evaluate({8, 8, 8, 5});
    CHECK_FALSE(r.is_upper_bound);
    CHECK_FALSE(r.from_cache);
    // Every bitwidth of {2,3,4,5,8} in every layer: the full 5^4 grid.
    std::set<int> seen;
    for (const auto& row : oracle.table().rows) seen.insert(row.bits.begin(), row.bits.end());
    CHECK(seen == std::set<int>{2, 3, 4, 5, 8});
}

TEST_CASE("table identity is the content hash, not the path", "[oracle][table]") {
    test::TempDir dir;
    const std::string body = "b0,b1,accuracy\n2,2,50\n4,4,90\n";
    const auto a = dir.write("a.csv", body);
    const auto b = dir.write("b.csv", body);
    const auto c = dir.write("c.csv", "b0,b1,accuracy\n2,2,50\n4,4,90.5\n");
    CHECK(TableOracle(a).identity() == TableOracle(b).identity());
    CHECK(TableOracle(a).identity() != TableOracle(c).identity());
    CHECK(TableOracle(a).identity() == "table:sha256=" + sha256_hex(body));
}

TEST_CASE("table oracle: a missing configuration is a one-line error naming it",
          "[oracle][table]") {
    TableOracle oracle(kReleq);
    try {
        oracle.evaluate({6, 6, 6, 6});
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Contains("releq-lenet-mnist-accuracy.csv: no row for bits 6,6,6,6"));
        CHECK(msg.find('\n') == std::string::npos);
    }
}

TEST_CASE("table oracle: wrong bit vectors are config errors", "[oracle][table]") {
    TableOracle oracle(kReleq);
    CHECK_THROWS_WITH(oracle.evaluate({8, 8, 8}),
                      Contains("bits 8,8,8: found 3 bitwidths, expected 4"));
    CHECK_THROWS_AS(oracle.evaluate({8, 8, 8, 17}), ConfigError);
    CHECK_THROWS_WITH(oracle.evaluate({8, 0, 8, 8}),
                      Contains("layer 1: found 0 bits, expected 1..16"));
}

TEST_CASE("table reader: columns in any order, CRLF, accuracy_percent", "[oracle][table]") {
    test::TempDir dir;
    const auto f = dir.write("t.csv", "accuracy_percent,b1,b0\r\n70.5,3,2\r\n\r\n80,8,8\r\n");
    TableOracle oracle(f);
    CHECK(oracle.layer_count() == 2);
    CHECK(oracle.evaluate({2, 3}).accuracy_percent == Approx(70.5));
    // No reference line: the most precise configuration measured.
    CHECK(oracle.reference_accuracy_percent() == Approx(80));
}

TEST_CASE("table reader: no reference accuracy at all is an error", "[oracle][table]") {
    test::TempDir dir;
    TableOracle oracle(dir.write("t.csv", "b0,b1,accuracy\n2,8,70\n8,2,80\n"));
    CHECK_THROWS_WITH(oracle.reference_accuracy_percent(),
                      Contains("no '# reference_accuracy_percent:' line and no row for 8,8"));
}

TEST_CASE("table reader: bad files are file:line errors", "[oracle][table]") {
    CHECK(table_error("") == "t.csv: no header line, expected b0,...,accuracy");
    CHECK(table_error("b0,b1,accuracy\n") == "t.csv: no rows after the header");
    CHECK(table_error("b0,b2,accuracy\n2,2,3\n") ==
          "t.csv:1: header: column b1 is missing, expected columns b0..b<L-1> and accuracy");
    CHECK(table_error("b0,bits,accuracy\n") ==
          "t.csv:1: header: found column 'bits', expected columns b0..b<L-1> and accuracy");
    CHECK(table_error("b0,b1\n2,2\n") ==
          "t.csv:1: header: no accuracy column, expected columns b0..b<L-1> and accuracy");
    CHECK(table_error("b0,b1,accuracy\n2,2,50\n3,3\n") == "t.csv:3: found 2 fields, expected 3");
    CHECK(table_error("b0,b1,accuracy\n2,x,50\n") ==
          "t.csv:2: b1: found 'x', expected a bitwidth 1..16");
    CHECK(table_error("b0,b1,accuracy\n2,17,50\n") ==
          "t.csv:2: b1: found '17', expected a bitwidth 1..16");
    CHECK(table_error("b0,b1,accuracy\n2,2,101\n") ==
          "t.csv:2: accuracy: found '101', expected a percentage 0..100");
    CHECK(table_error("b0,b1,accuracy\n2,2,nan\n") ==
          "t.csv:2: accuracy: found 'nan', expected a percentage 0..100");
    CHECK(table_error("# c\nb0,b1,accuracy\n2,2,50\n4,4,60\n2,2,51\n") ==
          "t.csv:5: bits 2,2 repeat line 3, expected each configuration once");
    CHECK(table_error("b0,b1,accuracy\n2,\"2,50\n") == "t.csv:2: unterminated quoted field");
    CHECK(table_error("# reference_accuracy_percent: lots\nb0,accuracy\n2,50\n") ==
          "t.csv:1: reference_accuracy_percent: found 'lots', expected a percentage 0..100");
}

TEST_CASE("table reader: a missing file names it", "[oracle][table]") {
    CHECK_THROWS_WITH(read_accuracy_table("no/such/table.csv"), Contains("no/such/table.csv"));
}

TEST_CASE("make_oracle: table spec and bad specs", "[oracle][table]") {
    OracleOptions o;
    CHECK(make_oracle("table:" + kReleq, o)->layer_count() == 4);
    CHECK_THROWS_WITH(make_oracle("magic:foo", o),
                      Contains("oracle 'magic:foo': unknown kind 'magic', expected builtin:"));
    CHECK_THROWS_WITH(make_oracle("tables.csv", o), Contains("unknown kind 'tables.csv'"));
    CHECK_THROWS_WITH(make_oracle("table:", o), Contains("nothing after 'table:'"));
}
