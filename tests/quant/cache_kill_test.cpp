// A cache shared by processes that die: real child processes write entries into one cache file
// at the same time and are killed with SIGKILL mid-run; every entry a child reported as stored
// must be there, and SQLite's integrity check must pass.
//
// The children are this test executable itself, run (fork + exec of /proc/self/exe) on the
// hidden case "[cache_writer]": a fresh process with nothing inherited but a pipe.
#include "serialq/quant/oracle_cache.hpp"

#include "../common/temp_file.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

using namespace serialq;
using namespace serialq::quant;

namespace {

double accuracy_of(long long i) { return static_cast<double>(i % 10007) / 100.07; }

std::string identity_of(int writer) { return "test:writer-" + std::to_string(writer); }

struct Child {
    pid_t pid = -1;
    int report_fd = -1;  // read end: one line "<i>\n" per committed entry
    std::string pending;
    std::set<long long> reported;
};

Child start_writer(const std::filesystem::path& cache, int writer, long long first) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::setenv("SERIALQ_CACHE_WRITER_FILE", cache.c_str(), 1);
    ::setenv("SERIALQ_CACHE_WRITER_FD", std::to_string(fds[1]).c_str(), 1);
    ::setenv("SERIALQ_CACHE_WRITER_ID", std::to_string(writer).c_str(), 1);
    ::setenv("SERIALQ_CACHE_WRITER_FIRST", std::to_string(first).c_str(), 1);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execl("/proc/self/exe", "test_quant", "[cache_writer]", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    for (const char* v : {"SERIALQ_CACHE_WRITER_FILE", "SERIALQ_CACHE_WRITER_FD",
                          "SERIALQ_CACHE_WRITER_ID", "SERIALQ_CACHE_WRITER_FIRST"})
        ::unsetenv(v);
    Child c;
    c.pid = pid;
    c.report_fd = fds[0];
    return c;
}

// Reads what is available; false at end of file.
bool drain(Child& c) {
    char buf[4096];
    const ssize_t n = ::read(c.report_fd, buf, sizeof buf);
    if (n <= 0) return false;
    c.pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = c.pending.find('\n')) != std::string::npos) {
        c.reported.insert(std::stoll(c.pending.substr(0, nl)));
        c.pending.erase(0, nl + 1);
    }
    return true;
}

}  // namespace

// The child's side. Hidden ([.]): runs only when asked for by tag, with its environment set.
TEST_CASE("cache writer helper", "[.][cache_writer]") {
    const char* file = std::getenv("SERIALQ_CACHE_WRITER_FILE");
    if (!file) return;
    const int fd = std::atoi(std::getenv("SERIALQ_CACHE_WRITER_FD"));
    const int writer = std::atoi(std::getenv("SERIALQ_CACHE_WRITER_ID"));
    const long long first = std::atoll(std::getenv("SERIALQ_CACHE_WRITER_FIRST"));
    OracleCache cache(file);
    for (long long i = first;; ++i) {
        AccuracyResult r;
        r.accuracy_percent = accuracy_of(i);
        r.samples_evaluated = i;
        r.seconds = 0.001;
        cache.store(identity_of(writer), std::to_string(i), r);
        // Reported only once the store has returned, i.e. committed.
        const std::string line = std::to_string(i) + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
        // Now and then read the other writer's entries, as a sharing search would.
        if (i % 7 == 0) cache.lookup(identity_of(1 - writer), std::to_string(i));
    }
}

TEST_CASE("cache: writers killed with SIGKILL lose no reported entry", "[oracle][cache]") {
    test::TempDir dir;
    const auto file = dir.path() / "shared.sqlite";
    std::map<int, std::set<long long>> all_reported;
    constexpr int kRounds = 4;
    for (int round = 0; round < kRounds; ++round) {
        // Two processes at once on one file; each round kills them after a different amount
        // of work, so the kill lands at different points of a transaction.
        const std::size_t target = 200 + 150 * static_cast<std::size_t>(round);
        Child kids[2] = {start_writer(file, 0, round * 1'000'000LL),
                         start_writer(file, 1, round * 1'000'000LL)};
        // If a REQUIRE below fails, the writers must not outlive the test.
        struct KillOnExit {
            Child* kids;
            ~KillOnExit() {
                for (int k = 0; k < 2; ++k)
                    if (kids[k].pid > 0) {
                        ::kill(kids[k].pid, SIGKILL);
                        ::waitpid(kids[k].pid, nullptr, 0);
                    }
            }
        } guard{kids};
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (kids[0].reported.size() < target || kids[1].reported.size() < target) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            pollfd p[2] = {{kids[0].report_fd, POLLIN, 0}, {kids[1].report_fd, POLLIN, 0}};
            REQUIRE(::poll(p, 2, 1000) >= 0);
            for (int k = 0; k < 2; ++k)
                if (p[k].revents) REQUIRE(drain(kids[k]));  // EOF: the child died on its own
        }
        for (auto& c : kids) REQUIRE(::kill(c.pid, SIGKILL) == 0);
        for (auto& c : kids) {
            int status = 0;
            REQUIRE(::waitpid(c.pid, &status, 0) == c.pid);
            c.pid = -1;
            CHECK(WIFSIGNALED(status));
            CHECK(WTERMSIG(status) == SIGKILL);
            while (drain(c)) {  // lines written before the kill
            }
            ::close(c.report_fd);
        }
        for (int k = 0; k < 2; ++k)
            all_reported[k].insert(kids[k].reported.begin(), kids[k].reported.end());
    }

    OracleCache cache(file);
    CHECK(cache.integrity_check() == "ok");
    for (int k = 0; k < 2; ++k) {
        REQUIRE(all_reported[k].size() >= 200 * kRounds);
        long long missing = 0;
        for (long long i : all_reported[k]) {
            const auto hit = cache.lookup(identity_of(k), std::to_string(i));
            if (!hit || hit->accuracy_percent != accuracy_of(i) || hit->samples_evaluated != i)
                ++missing;
        }
        INFO("writer " << k << ": " << all_reported[k].size() << " entries reported");
        CHECK(missing == 0);
    }
    // Nothing but what the writers wrote: at most one unreported entry per kill.
    const auto stats = cache.stats();
    REQUIRE(stats.size() == 2);
    for (int k = 0; k < 2; ++k) {
        CHECK(stats[static_cast<std::size_t>(k)].entries >=
              static_cast<long long>(all_reported[k].size()));
        CHECK(stats[static_cast<std::size_t>(k)].entries <=
              static_cast<long long>(all_reported[k].size()) + kRounds);
    }
}
