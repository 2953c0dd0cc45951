// Runs the points of a sweep that are not done yet - analytic ones on threads, cycle-level ones
// in child processes - then assembles the results of the shard.
#include "point_file.hpp"
#include "sweep_output.hpp"
#include "sweep_plan.hpp"
#include "sweep_table.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"
#include "serialq/workflow/sweep.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

namespace serialq::workflow {

namespace {

using Clock = std::chrono::steady_clock;

nlohmann::ordered_json spec_json(const SweepSpec& s) {
    nlohmann::ordered_json axes = nlohmann::ordered_json::object();
    for (const auto& a : s.axes) axes[a.key] = a.values;
    return {{"file", s.file},    {"accel", s.accels}, {"set", axes},           {"model", s.models},
            {"trace", s.traces}, {"bits", s.bits},    {"baseline", s.baseline}};
}

// Calls `progress` from this thread about ten times a second until `finished` says so.
class ProgressTicker {
public:
    ProgressTicker(const SweepOptions& o, std::size_t total, std::size_t skipped)
        : options_(o), start_(Clock::now()) {
        state_.total = total;
        state_.skipped = skipped;
    }
    void report(std::size_t done) {
        if (!options_.progress) return;
        state_.done = done;
        state_.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
        options_.progress(state_);
    }

private:
    const SweepOptions& options_;
    Clock::time_point start_;
    SweepProgress state_;
};

// Analytic points: `jobs` threads take the next point from a shared counter. The first error
// stops the others taking new points and is rethrown here.
void run_on_threads(const std::vector<const PlannedPoint*>& todo, const SweepOptions& o,
                    ProgressTicker& ticker) {
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    auto work = [&] {
        for (std::size_t i; !failed && (i = next++) < todo.size();) {
            try {
                write_point(o.out_dir, *todo[i], evaluate_point(*todo[i], o.make_model));
                ++done;
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    const int threads = std::max(1, std::min<int>(o.jobs, static_cast<int>(todo.size())));
    if (threads == 1) {
        // One job: run here, reporting after each point.
        for (std::size_t i = 0; i < todo.size(); ++i) {
            write_point(o.out_dir, *todo[i], evaluate_point(*todo[i], o.make_model));
            ticker.report(i + 1);
        }
        return;
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
    while (done + (failed ? todo.size() : 0) < todo.size() && !failed) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ticker.report(done);
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
    ticker.report(done);
}

// In a worker just forked from `parent`: the worker is killed when the thread that forked it
// ends, so that a sweep killed with SIGKILL (which cannot clean up) leaves no worker computing
// a point nobody will read. The parent may have died before prctl: then the worker is now
// another process's child and exits at once.
void die_with_parent(pid_t parent) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(1);
}

// Cycle-level points: one child process per point, at most `jobs` at once. The child writes
// the point's file and exits; an error travels back through a pipe as one line.
void run_in_processes(const std::vector<const PlannedPoint*>& todo, const SweepOptions& o,
                      ProgressTicker& ticker, std::size_t done_before) {
    struct Child {
        const PlannedPoint* point;
        int pipe_read;
    };
    std::map<pid_t, Child> running;
    std::size_t next = 0, done = 0;
    std::string first_error;
    auto reap = [&](pid_t pid, int status) {
        Child c = running.at(pid);
        running.erase(pid);
        char buf[4096];
        const ssize_t n = ::read(c.pipe_read, buf, sizeof buf);
        ::close(c.pipe_read);
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (ok) {
            ++done;
        } else if (first_error.empty()) {
            first_error =
                n > 0 ? std::string(buf, static_cast<std::size_t>(n))
                      : "point " + std::to_string(c.point->index) + ": worker process died (" +
                            (WIFSIGNALED(status) ? std::string(strsignal(WTERMSIG(status)))
                                                 : "exit " + std::to_string(WEXITSTATUS(status))) +
                            ")";
        }
    };
    while ((next < todo.size() && first_error.empty()) || !running.empty()) {
        while (first_error.empty() && next < todo.size() &&
               static_cast<int>(running.size()) < std::max(1, o.jobs)) {
            int fds[2];
            const pid_t parent = ::getpid();
            if (::pipe(fds) != 0) throw Error(std::string("sweep: pipe: ") + std::strerror(errno));
            const pid_t pid = ::fork();
            if (pid < 0) throw Error(std::string("sweep: fork: ") + std::strerror(errno));
            if (pid == 0) {  // the worker: compute one point, exit without running atexit hooks
                die_with_parent(parent);
                ::close(fds[0]);
                int code = 0;
                try {
                    write_point(o.out_dir, *todo[next], evaluate_point(*todo[next], o.make_model));
                } catch (const std::exception& e) {
                    const std::string msg = e.what();
                    [[maybe_unused]] auto w =
                        ::write(fds[1], msg.data(), std::min<std::size_t>(msg.size(), 4000));
                    code = 1;
                }
                ::_exit(code);
            }
            ::close(fds[1]);
            running.emplace(pid, Child{todo[next], fds[0]});
            ++next;
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0 && running.count(pid)) {
            reap(pid, status);
            ticker.report(done_before + done);
            continue;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ticker.report(done_before + done);
    }
    if (!first_error.empty()) throw Error(first_error);
    ticker.report(done_before + done);
}

}  // namespace

std::pair<int, int> parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    int i = -1, n = 0;
    try {
        std::size_t a = 0, b = 0;
        if (slash != std::string::npos) {
            i = std::stoi(text.substr(0, slash), &a);
            n = std::stoi(text.substr(slash + 1), &b);
            if (a != slash || b != text.size() - slash - 1) n = 0;
        }
    } catch (...) {
        n = 0;
    }
    if (n < 1 || i < 0 || i >= n)
        throw ConfigError("--shard: found '" + text + "', expected i/N with 0 <= i < N (e.g. 0/4)");
    return {i, n};
}

namespace {

nlohmann::ordered_json sweep_record(const SweepPlan& plan, int shard_index, int shard_count) {
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (const auto& p : plan.points) ids.push_back(p.id);
    return {{"spec", spec_json(plan.spec)},
            {"spec_id", plan.spec_id},
            {"points", plan.points.size()},
            {"shard", std::to_string(shard_index) + "/" + std::to_string(shard_count)},
            {"point_ids", ids}};
}

}  // namespace

SweepSummary write_results(
    const std::filesystem::path& out_dir, const nlohmann::ordered_json& record,
    const std::vector<std::pair<std::size_t, nlohmann::ordered_json>>& points) {
    std::vector<nlohmann::ordered_json> results;
    std::vector<std::size_t> indices;
    for (const auto& [i, p] : points) {
        indices.push_back(i);
        results.push_back(p);
    }
    const SweepTable table = assemble_rows(results, indices);
    nlohmann::ordered_json info = record;
    info.erase("point_ids");
    SweepSummary s;
    s.csv = out_dir / "results.csv";
    s.json = out_dir / "results.json";
    write_file_atomically(s.csv, table_csv(table));
    write_file_atomically(s.json, table_json(table, info).dump(1) + "\n");
    s.rows = table.rows.size();
    return s;
}

SweepSummary run_sweep(const SweepSpec& spec, const SweepOptions& o) {
    if (o.shard_count < 1 || o.shard_index < 0 || o.shard_index >= o.shard_count)
        throw ConfigError("--shard: expected 0 <= i < N");
    if (!o.make_model) throw Error("run_sweep: no model factory");
    const SweepPlan plan = make_plan(spec);
    const auto record = sweep_record(plan, o.shard_index, o.shard_count);

    // A rerun into the same directory must be the same sweep (same points, same shard).
    const auto record_file = o.out_dir / "sweep.json";
    if (std::filesystem::exists(record_file)) {
        const nlohmann::ordered_json old = parse_ordered_json(
            read_file(record_file), record_file.string(), "the record serialq sweep writes");
        if (old.value("spec_id", "") != plan.spec_id || old.value("shard", "") != record["shard"])
            throw ConfigError(record_file.string() +
                              ": holds another sweep (different points or "
                              "shard); expected the same sweep to resume, or use a new --out");
    }
    // What a killed run of this sweep (or another process's write) left half-written.
    remove_stale_temporary_files(o.out_dir);
    remove_stale_temporary_files(o.out_dir / "points");
    write_file_atomically(record_file, record.dump(1) + "\n");

    std::vector<const PlannedPoint*> todo;
    std::vector<std::pair<std::size_t, nlohmann::ordered_json>> shard_points;
    SweepSummary s;
    s.points_total = plan.points.size();
    for (const auto& p : plan.points) {
        if (static_cast<int>(p.index % static_cast<std::size_t>(o.shard_count)) != o.shard_index)
            continue;
        ++s.points_shard;
        if (read_point(point_path(o.out_dir, p.id), p.identity))
            ++s.points_skipped;
        else
            todo.push_back(&p);
    }

    std::vector<const PlannedPoint*> analytic, cycle;
    for (const auto* p : todo) (p->model == "cycle" ? cycle : analytic).push_back(p);
    ProgressTicker ticker(o, todo.size(), s.points_skipped);
    ticker.report(0);
    run_on_threads(analytic, o, ticker);
    if (!cycle.empty()) run_in_processes(cycle, o, ticker, analytic.size());
    s.points_run = todo.size();

    for (const auto& p : plan.points)
        if (static_cast<int>(p.index % static_cast<std::size_t>(o.shard_count)) == o.shard_index)
            shard_points.emplace_back(p.index,
                                      *read_point(point_path(o.out_dir, p.id), p.identity));
    const SweepSummary written = write_results(o.out_dir, record, shard_points);
    s.rows = written.rows;
    s.csv = written.csv;
    s.json = written.json;
    return s;
}

}  // namespace serialq::workflow
