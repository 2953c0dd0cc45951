#pragma once
// One point's result file, <out>/points/<id>.json: the point's parameters (everything a result
// row carries) and its report and baseline, layer by layer. Written atomically; a rerun or a
// merge reads it back instead of simulating again.
#include "sweep_plan.hpp"

#include "serialq/workflow/sweep.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>

namespace serialq::workflow {

// Simulates the point and its baseline.
nlohmann::ordered_json evaluate_point(const PlannedPoint& point, const ModelFactory& make_model);

std::filesystem::path point_path(const std::filesystem::path& out_dir, const std::string& id);

void write_point(const std::filesystem::path& out_dir, const PlannedPoint& point,
                 const nlohmann::ordered_json& result);

// The result if the file exists; InputError naming the file if it is unreadable or belongs to
// another point (its identity differs: the configuration or the trace changed since).
std::optional<nlohmann::ordered_json> read_point(const std::filesystem::path& file,
                                                 const std::string& identity);

}  // namespace serialq::workflow
