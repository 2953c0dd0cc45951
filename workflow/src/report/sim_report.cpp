// The report of one or more `serialq sim` runs: the comparison of their bit assignments.
#include "report_builders.hpp"
#include "run_sections.hpp"

#include <set>

namespace serialq::workflow {

Report sim_report(const std::vector<Run>& runs, const std::vector<std::string>& sources) {
    Report report;
    std::set<std::string> networks, accels;
    for (const auto& r : runs) {
        networks.insert(r.network);
        accels.insert(r.accel);
    }
    auto join = [](const std::set<std::string>& s) {
        std::string out;
        for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
        return out;
    };
    report.title = "Simulation: " + join(networks) + " on " + join(accels);
    for (const auto& s : sources) report.provenance.emplace_back("input", s);
    add_run_sections(report, runs);
    return report;
}

}  // namespace serialq::workflow
