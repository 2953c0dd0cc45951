#pragma once
// One builder per kind of input (report.hpp describes what each shows).
#include "report_inputs.hpp"

#include "serialq/workflow/report_document.hpp"

namespace serialq::workflow {

Report sim_report(const std::vector<Run>& runs, const std::vector<std::string>& sources);
Report sweep_report(const SweepData& sweep);
Report search_report(const SearchData& search);

}  // namespace serialq::workflow
