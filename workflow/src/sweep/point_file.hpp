#pragma once
// One point's result file, <out>/points/<id>.json: the point's parameters (everything a result
// row carries) and its report and baseline, layer by layer. Written atomically; a rerun or a
// merge reads it back instead of simulating again.
#include "sweep_plan.hpp"

#include "serialq/workflow/sweep.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace serialq::workflow {

// The text parameters every point file holds (under "params", beside the objects "set" and
// "config") and every result row repeats, in the rows' order.
inline const std::vector<std::string> kPointTextParams = {"model",     "network",  "trace",
                                                          "bits_spec", "bits",     "act_bits_spec",
                                                          "act_bits",  "baseline", "baseline_bits"};

// Simulates the point and its baseline.
nlohmann::ordered_json evaluate_point(const PlannedPoint& point, const ModelFactory& make_model);

std::filesystem::path point_path(const std::filesystem::path& out_dir, const std::string& id);

void write_point(const std::filesystem::path& out_dir, const PlannedPoint& point,
                 const nlohmann::ordered_json& result);

// The result if the file exists; InputError naming the file and the field, with how to
// recover, if it is unreadable, belongs to another point (its identity differs: the
// configuration or the trace changed since), or is not what evaluate_point writes: a parameter
// missing, of another type or other than the identity says, a row per weight layer of the
// identity's bits, every figure a finite number >= 0 (or null).
std::optional<nlohmann::ordered_json> read_point(const std::filesystem::path& file,
                                                 const std::string& identity);

}  // namespace serialq::workflow
