#pragma once
// The rows of a sweep, assembled from its point results in sweep order, and their CSV and JSON
// forms. Shared by a run and by a merge, so that a sharded-and-merged sweep writes the same
// bytes as the sweep run whole.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace serialq::workflow {

struct SweepTable {
    std::vector<std::string> columns;
    std::vector<std::vector<nlohmann::ordered_json>> rows;  // numbers, strings, or null (empty)
};

// `points[i]` is the result of point i (point_file.hpp); a null entry (a point of another
// shard) is left out.
SweepTable assemble_rows(const std::vector<nlohmann::ordered_json>& points,
                         const std::vector<std::size_t>& indices);

std::string table_csv(const SweepTable& table);
nlohmann::ordered_json table_json(const SweepTable& table, const nlohmann::ordered_json& sweep);

}  // namespace serialq::workflow
