#pragma once
// The files a sweep directory holds besides its points: the record (sweep.json) and the
// assembled results, shared by a run and a merge.
#include "serialq/workflow/sweep.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <utility>
#include <vector>

namespace serialq::workflow {

// Writes results.csv and results.json from (sweep index, point result) pairs in sweep order.
SweepSummary write_results(
    const std::filesystem::path& out_dir, const nlohmann::ordered_json& record,
    const std::vector<std::pair<std::size_t, nlohmann::ordered_json>>& points);

// Reads <dir>/sweep.json; InputError naming the file if it is missing or not JSON.
nlohmann::ordered_json read_sweep_record(const std::filesystem::path& dir);

}  // namespace serialq::workflow
