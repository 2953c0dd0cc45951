// serialq sweep: the cartesian product of accelerators, --set axes, models, networks and bit
// assignments, run in parallel, resumable and shardable; `serialq sweep merge` joins shards.
// The engine is workflow/sweep.hpp; this file parses options and draws the progress bar.
#include "command.hpp"
#include "options.hpp"

#include "serialq/sim/hardware_model.hpp"
#include "serialq/workflow/sweep.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace serialq::cli {

namespace {

const char* kUsage =
    "serialq sweep [SWEEP.yaml] --accel A.yaml [--accel B.yaml ...] [--set key=v1,v2,...]...\n"
    "                     --trace T.yaml [--trace ...] [--bits B]... [--act-bits A]...\n"
    "                     [--model analytic|cycle]...\n"
    "                     [--baseline uniform:8|A.yaml[@N]] [--jobs N] [--shard i/N] --out DIR\n"
    "       serialq sweep merge SHARD_DIR... --out DIR";

std::string duration_text(double s) {
    char buf[32];
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60,
                      static_cast<int>(s) % 60);
    else
        std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600,
                      static_cast<int>(s) / 60 % 60);
    return buf;
}

// A progress bar on stderr: redrawn in place on a terminal; in a log file (a batch job), one
// line per tenth of the work.
class ProgressBar {
public:
    ProgressBar() : tty_(::isatty(STDERR_FILENO) != 0) {}
    void operator()(const workflow::SweepProgress& p) {
        if (p.total == 0) return;
        const double f = static_cast<double>(p.done) / static_cast<double>(p.total);
        const int tenth = static_cast<int>(f * 10);
        if (!tty_ && tenth == last_tenth_) return;
        last_tenth_ = tenth;
        const int width = 30, filled = static_cast<int>(f * width);
        // Appended piece by piece: GCC 12 misreports "literal" + string as overlapping (-Wrestrict).
        std::string line = "[";
        line.append(static_cast<std::size_t>(filled), '#');
        line.append(static_cast<std::size_t>(width - filled), '.');
        line.append("] ")
            .append(std::to_string(p.done))
            .append("/")
            .append(std::to_string(p.total));
        line.append(" points");
        if (p.skipped) line.append(" (").append(std::to_string(p.skipped)).append(" done before)");
        line.append("  ").append(duration_text(p.elapsed_s));
        if (p.done > 0 && p.done < p.total)
            line.append(", about ")
                .append(duration_text(p.elapsed_s / static_cast<double>(p.done) *
                                      static_cast<double>(p.total - p.done)))
                .append(" left");
        if (tty_)
            std::cerr << "\r" << line << "\033[K" << (p.done == p.total ? "\n" : "") << std::flush;
        else
            std::cerr << line << "\n";
    }

private:
    bool tty_;
    int last_tenth_ = -1;
};

// Command-line axes replace the file's axis of the same kind (--set: the same key).
template <typename T>
void replace_if_given(const po::variables_map& vm, const char* option, T& target) {
    if (vm.count(option)) target = vm[option].as<T>();
}

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) {
        std::stringstream ss(i);
        for (std::string s; std::getline(ss, s, ',');) out.push_back(s);
    }
    return out;
}

int sweep_merge(const Args& args) {
    po::options_description opts("serialq sweep merge options");
    std::vector<std::string> dirs;
    std::string out;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("dir", po::value(&dirs)->required(), "shard directories")(
        "out", po::value(&out)->required(), "directory of the merged sweep");
    // clang-format on
    po::positional_options_description pos;
    pos.add("dir", -1);
    po::variables_map vm;
    if (!parse_command_line("serialq sweep merge SHARD_DIR... --out DIR", opts, pos, args, vm))
        return 0;
    const auto s = workflow::merge_sweeps({dirs.begin(), dirs.end()}, out);
    std::cout << "sweep merge: " << s.points_total << " points from " << dirs.size() << " shards, "
              << s.rows << " rows -> " << s.csv.string() << ", " << s.json.string() << "\n";
    return 0;
}

// The spec file (if any) with the command line's axes added or put in place of its own.
workflow::SweepSpec sweep_spec(const std::string& spec_file, const po::variables_map& vm) {
    workflow::SweepSpec spec;
    if (!spec_file.empty()) spec = workflow::load_sweep_spec(spec_file);
    replace_if_given(vm, "accel", spec.accels);
    replace_if_given(vm, "trace", spec.traces);
    replace_if_given(vm, "bits", spec.bits);
    replace_if_given(vm, "act-bits", spec.act_bits);
    if (vm.count("model")) spec.models = split_commas(vm["model"].as<std::vector<std::string>>());
    for (const auto& m : spec.models) check_choice("model", m, {"analytic", "cycle"});
    if (vm.count("baseline")) spec.baseline = vm["baseline"].as<std::string>();
    if (!vm.count("set")) return spec;
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) {
        auto axis = workflow::parse_sweep_axis(text);
        const auto same = std::find_if(spec.axes.begin(), spec.axes.end(),
                                       [&](const auto& a) { return a.key == axis.key; });
        if (same == spec.axes.end())
            spec.axes.push_back(axis);
        else
            *same = axis;
    }
    return spec;
}

int sweep_main(const Args& args) {
    if (!args.empty() && args[0] == "merge") return sweep_merge(Args(args.begin() + 1, args.end()));
    po::options_description opts("serialq sweep options");
    std::string spec_file, out, shard = "0/1";
    int jobs = 1;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("spec", po::value(&spec_file), "sweep YAML (configs/sweeps/*.yaml); options below add to or replace its axes")
        ("accel", po::value<std::vector<std::string>>(), "base accelerator YAML (repeat: an axis)")
        ("set", po::value<std::vector<std::string>>(), "key=v1,v2,...: sweep a dotted accelerator key (repeat for more axes)")
        ("trace", po::value<std::vector<std::string>>(), "network trace (repeat: an axis)")
        ("bits", po::value<std::vector<std::string>>(), "8,4,4,8 | uniform:N | a search's best.json (repeat: an axis)")
        ("act-bits", po::value<std::vector<std::string>>(),
         "activation bits, 8,4,4,8 | uniform:N (repeat: an axis crossed with --bits)")
        ("model", po::value<std::vector<std::string>>(), "analytic | cycle (repeat or comma-separate: an axis)")
        ("baseline", po::value<std::string>(), "what each point is compared with: uniform:N (default uniform:8), A.yaml or A.yaml@N")
        ("jobs,j", po::value(&jobs), "points simulated at once (threads; worker processes for the cycle model)")
        ("shard", po::value(&shard), "run slice i of N (0 <= i < N) of the points; join with `serialq sweep merge`")
        ("out", po::value(&out), "output directory (results.csv, results.json, points/); a rerun resumes");
    // clang-format on
    po::positional_options_description pos;
    pos.add("spec", 1);
    po::variables_map vm;
    if (!parse_command_line(kUsage, opts, pos, args, vm)) return 0;

    const workflow::SweepSpec spec = sweep_spec(spec_file, vm);
    if (out.empty()) throw UsageError("the option '--out' is required but missing");
    if (jobs < 1)
        throw UsageError("--jobs: found " + std::to_string(jobs) + ", expected at least 1");
    const auto [shard_index, shard_count] = workflow::parse_shard(shard);

    workflow::SweepOptions o;
    o.out_dir = out;
    o.jobs = jobs;
    o.shard_index = shard_index;
    o.shard_count = shard_count;
    o.make_model = sim::make_hardware_model;
    o.progress = ProgressBar();
    const auto s = workflow::run_sweep(spec, o);
    std::cout << "sweep: " << s.points_shard << " points"
              << (shard_count > 1
                      ? " (shard " + shard + " of " + std::to_string(s.points_total) + ")"
                      : "")
              << ", " << s.points_run << " simulated, " << s.points_skipped << " done before; "
              << s.rows << " rows -> " << s.csv.string() << ", " << s.json.string() << "\n";
    return 0;
}

const RegisterCommand registered{
    {"sweep", "sweep accelerator parameters x networks x bitwidths (parallel, resumable, sharded)",
     &sweep_main}};

}  // namespace

}  // namespace serialq::cli
