#include "serialq/workflow/report.hpp"

#include "report_builders.hpp"

#include "serialq/common/error.hpp"

namespace serialq::workflow {

namespace {
std::filesystem::path directory_of(const std::filesystem::path& p) {
    return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}
}  // namespace

ReportSource detect_report_source(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    if (fs::is_directory(path)) {
        if (fs::exists(path / "sweep.json")) return ReportSource::Sweep;
        if (fs::exists(path / "episodes.csv")) return ReportSource::Search;
        throw InputError(path.string() +
                         ": found neither sweep.json nor episodes.csv, expected "
                         "the --out directory of `serialq sweep` or `serialq search`");
    }
    if (!fs::exists(path)) throw InputError(path.string() + ": cannot open file");
    const std::string name = path.filename().string();
    if (name == "results.json" || name == "results.csv" || name == "sweep.json")
        return ReportSource::Sweep;
    if (name == "best.json" || name == "pareto.json" || name == "episodes.csv")
        return ReportSource::Search;
    if (path.extension() == ".json") return ReportSource::Sim;
    throw InputError(path.string() +
                     ": expected a `serialq sim --format json` file, or a sweep or "
                     "search directory");
}

Report build_report(const std::vector<std::filesystem::path>& inputs) {
    if (inputs.empty())
        throw InputError(
            "report: found no input, expected a sim JSON file or a sweep or search directory");
    const ReportSource kind = detect_report_source(inputs.front());
    for (const auto& p : inputs)
        if (detect_report_source(p) != kind || (kind != ReportSource::Sim && inputs.size() > 1))
            throw InputError(p.string() +
                             ": expected one sweep or search directory, or any number of "
                             "sim JSON files (to compare side by side), not a mix");
    const auto& first = inputs.front();
    const auto dir = std::filesystem::is_directory(first) ? first : directory_of(first);
    switch (kind) {
        case ReportSource::Sweep:
            return sweep_report(read_sweep(dir));
        case ReportSource::Search:
            return search_report(read_search(dir));
        case ReportSource::Sim:
            break;
    }
    std::vector<Run> runs;
    std::vector<std::string> sources;
    for (const auto& p : inputs) {
        auto r = read_sim_runs(p);
        runs.insert(runs.end(), r.begin(), r.end());
        sources.push_back(p.string());
    }
    return sim_report(runs, sources);
}

}  // namespace serialq::workflow
