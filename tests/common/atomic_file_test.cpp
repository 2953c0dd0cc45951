// Atomic writes: the target holds the old or the new content, never a part.
#include "temp_file.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <vector>

using serialq::test::TempDir;

namespace {
// While set, fsync fails with EIO: this executable's fsync stands in for libc's (the
// executable's symbol wins), so write_file_atomically's flush can be made to fail.
std::atomic<bool> fail_fsync{false};
}  // namespace

extern "C" int fsync(int fd) {
    if (fail_fsync) {
        errno = EIO;
        return -1;
    }
    return static_cast<int>(::syscall(SYS_fsync, fd));
}

namespace {
// The descriptors this process has open.
int open_descriptors() {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
        (void)e;
        ++n;
    }
    return n;
}

// Whether the directory holds nothing but `keep`.
bool only(const std::filesystem::path& dir, const std::filesystem::path& keep) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path() != keep) return false;
    return true;
}
}  // namespace

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

TEST_CASE("a failed flush or write closes and removes its temporary file", "[common][io]") {
    TempDir dir;
    const auto out = dir.write("out.txt", "old\n");
    const int before = open_descriptors();
    fail_fsync = true;
    for (int i = 0; i < 3; ++i)
        CHECK_THROWS_WITH(serialq::write_file_atomically(out, "new\n"),
                          Catch::Contains("cannot flush: Input/output error"));
    fail_fsync = false;
    CHECK(open_descriptors() == before);  // was before + 3: the descriptor leaked
    CHECK(serialq::read_file(out) == "old\n");
    CHECK(only(dir.path(), out));

    // A write beyond the file-size limit (EFBIG), in a child so that the limit stays there.
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit small{16, RLIM_INFINITY};
        ::setrlimit(RLIMIT_FSIZE, &small);
        const int open_before = open_descriptors();
        bool failed = false;
        try {
            serialq::write_file_atomically(out, std::string(4096, 'x'));
        } catch (const serialq::InputError&) {
            failed = true;
        }
        ::_exit(failed && open_descriptors() == open_before && only(dir.path(), out) ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    CHECK(serialq::read_file(out) == "old\n");
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
