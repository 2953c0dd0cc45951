// Atomic writes: the target holds the old or the new content, never a part.
#include "temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

using serialq::test::TempDir;

TEST_CASE("write, replace, create parents, leave no temporary", "[common][io]") {
    TempDir dir;
    const auto path = dir.path() / "sub" / "out.csv";
    serialq::write_file_atomically(path, "old\n");
    CHECK(serialq::read_file(path) == "old\n");
    serialq::write_file_atomically(path, "new content\n");
    CHECK(serialq::read_file(path) == "new content\n");
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(path.parent_path())) {
        (void)e;
        ++files;
    }
    CHECK(files == 1);
}

TEST_CASE("failures name the path", "[common][io]") {
    TempDir dir;
    const auto blocker = dir.write("file", "x");
    REQUIRE_THROWS_AS(serialq::write_file_atomically(blocker / "out.txt", "y"),
                      serialq::InputError);
    REQUIRE_THROWS_WITH(serialq::read_file(dir.path() / "absent"),
                        Catch::Contains("absent: cannot open"));
    CHECK(serialq::read_file(blocker) == "x");
}
