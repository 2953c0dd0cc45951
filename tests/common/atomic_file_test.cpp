// Atomic writes: the target holds the old or the new content, never a part.
#include "temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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

namespace {

// A process id that exists no more: a child that has exited and been reaped.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

}  // namespace

TEST_CASE("a link planted at a temporary name is not followed", "[common][io]") {
    TempDir dir;
    const auto target = dir.write("precious", "do not touch\n");
    const auto out = dir.path() / "out.json";
    // At the name the temporary file had before (<output>.tmp.<pid>), and at the first names of
    // this process's sequence: none may be opened, truncated or removed.
    std::vector<std::filesystem::path> planted = {out.string() + ".tmp." +
                                                  std::to_string(static_cast<long>(::getpid()))};
    for (unsigned long long n = 0; n < 64; ++n) planted.push_back(serialq::temporary_path(out, n));
    for (const auto& p : planted) std::filesystem::create_symlink(target, p);
    serialq::write_file_atomically(out, "new\n");
    CHECK(serialq::read_file(out) == "new\n");
    CHECK_FALSE(std::filesystem::is_symlink(out));
    CHECK(serialq::read_file(target) == "do not touch\n");
    for (const auto& p : planted) CHECK(std::filesystem::is_symlink(p));
}

TEST_CASE("temporary files of killed writers are removed, and nothing else", "[common][io]") {
    TempDir dir;
    const auto out = dir.path() / "results.csv";
    const std::string dead = std::to_string(static_cast<long>(dead_pid()));
    const std::string alive = std::to_string(static_cast<long>(::getppid()));
    const std::string mine = std::to_string(static_cast<long>(::getpid()));
    // What a killed writer left: its temporary name, with this host and its (dead) pid.
    const auto ours = serialq::temporary_path(out, 3);
    const std::string host_and_pid_tail = "." + mine + ".3";
    REQUIRE(ours.string().size() > host_and_pid_tail.size());
    const std::string prefix =
        ours.string().substr(0, ours.string().size() - host_and_pid_tail.size());  // ...tmp.<host>
    const std::filesystem::path stale1 = prefix + "." + dead + ".3";
    const std::filesystem::path stale2 = prefix + "." + dead + ".0";
    for (const auto& p : {stale1, stale2}) std::ofstream(p) << "half";
    // Left alone: a live writer's, this process's, another host's, a link with a stale name,
    // names that merely look similar, and the output itself.
    const std::vector<std::filesystem::path> kept = {
        prefix + "." + alive + ".1",
        prefix + "." + mine + ".2",
        out.string() + ".tmp.otherhost." + dead + ".0",
        out.string() + ".tmp." + dead,
        prefix + "." + dead + ".x",
        prefix + "." + dead,
        dir.path() / ("notes.tmp." + dead + ".txt"),
        out,
    };
    for (const auto& p : kept) std::ofstream(p) << "keep";
    const std::filesystem::path link = prefix + "." + dead + ".9";
    std::filesystem::create_symlink(out, link);

    CHECK(serialq::remove_stale_temporary_files(dir.path()) == 2);
    CHECK_FALSE(std::filesystem::exists(stale1));
    CHECK_FALSE(std::filesystem::exists(stale2));
    for (const auto& p : kept) {
        INFO(p);
        CHECK(serialq::read_file(p) == "keep");
    }
    CHECK(std::filesystem::is_symlink(link));
    CHECK(serialq::remove_stale_temporary_files(dir.path() / "absent") == 0);
}
