// Joins the shards of one sweep: the union of their point files, checked to be slices of the
// same sweep and to cover it, assembled exactly as a whole run would.
#include "point_file.hpp"
#include "sweep_output.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/json_input.hpp"

#include <map>

namespace serialq::workflow {

nlohmann::ordered_json read_sweep_record(const std::filesystem::path& dir) {
    const auto file = dir / "sweep.json";
    const nlohmann::ordered_json j =
        parse_ordered_json(read_file(file), file.string(), "the record serialq sweep writes");
    if (!j.is_object() || !j.contains("spec_id") || !j.contains("point_ids") ||
        !j["point_ids"].is_array())
        throw InputError(file.string() +
                         ": spec_id or point_ids missing, expected the record "
                         "a sweep writes");
    return j;
}

SweepSummary merge_sweeps(const std::vector<std::filesystem::path>& dirs,
                          const std::filesystem::path& out_dir) {
    if (dirs.empty())
        throw ConfigError(
            "sweep merge: found no directories, expected the shards' --out directories");
    nlohmann::ordered_json record;
    std::map<std::string, std::filesystem::path> found;  // point id -> its file
    for (const auto& dir : dirs) {
        const auto r = read_sweep_record(dir);
        if (record.is_null()) {
            record = r;
        } else if (r["spec_id"] != record["spec_id"]) {
            throw ConfigError((dir / "sweep.json").string() + ": spec_id: found " +
                              r["spec_id"].get<std::string>() + ", expected " +
                              record["spec_id"].get<std::string>() + " as in " +
                              (dirs.front() / "sweep.json").string() +
                              " (the shards are of different sweeps)");
        }
        for (const auto& id : r["point_ids"]) {
            const auto file = point_path(dir, id.get<std::string>());
            if (std::filesystem::exists(file)) found.emplace(id.get<std::string>(), file);
        }
    }
    const auto& ids = record["point_ids"];
    std::vector<std::pair<std::size_t, nlohmann::ordered_json>> points;
    std::size_t missing = 0;
    std::string first_missing;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string id = ids[i].get<std::string>();
        const auto it = found.find(id);
        if (it == found.end()) {
            if (missing++ == 0) first_missing = std::to_string(i);
            continue;
        }
        const nlohmann::ordered_json p = parse_ordered_json(
            read_file(it->second), it->second.string(), "a point result written by serialq sweep");
        // Re-read through the checked reader: its identity must be the one the file is named for.
        // A file that is not an object, or whose identity is not text, claims none.
        const bool claims = p.is_object() && p.contains("identity") && p["identity"].is_string();
        auto checked = read_point(it->second, claims ? p["identity"].get<std::string>() : "");
        if (stable_hash(checked->at("identity").get<std::string>()) != id)
            throw InputError(it->second.string() + ": identity does not hash to its name " + id);
        write_file_atomically(point_path(out_dir, id), checked->dump(1) + "\n");
        points.emplace_back(i, std::move(*checked));
    }
    if (missing)
        throw InputError("sweep merge: " + std::to_string(missing) + " of " +
                         std::to_string(ids.size()) + " points missing (the first is point " +
                         first_missing +
                         "); expected every shard's directory, each run to the end");
    record["shard"] = "0/1";
    write_file_atomically(out_dir / "sweep.json", record.dump(1) + "\n");
    SweepSummary s = write_results(out_dir, record, points);
    s.points_total = s.points_shard = ids.size();
    s.points_skipped = ids.size();
    return s;
}

}  // namespace serialq::workflow
