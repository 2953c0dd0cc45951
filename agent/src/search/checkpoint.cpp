#include "checkpoint.hpp"

#include "../byte_io.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/finite.hpp"
#include "serialq/common/text.hpp"

#include <cstring>
#include <limits>

namespace serialq::agent::detail {

namespace {

constexpr char kMagic[8] = {'S', 'Q', 'S', 'E', 'A', 'R', 'C', 'H'};
constexpr std::uint32_t kVersion =
    3;  // 2: objectives (weight bits, feasibility); 3: planned layer specs

std::uint64_t fnv1a(const char* data, std::size_t n) {
    std::uint64_t h = 14695981039346656037ULL;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

void put_log(ByteWriter& w, const EpisodeLog& l) {
    const EpisodeResult& r = l.result;
    w.put_array(r.bits.data(), static_cast<std::int64_t>(r.bits.size()));
    w.put(r.accuracy_percent);
    w.put(r.relative_accuracy);
    w.put(r.cost);
    w.put<std::int64_t>(r.cycles);
    w.put(r.energy_pj);
    w.put<std::int64_t>(r.weight_bits);
    w.put<std::uint8_t>(r.feasible ? 1 : 0);
    w.put(r.reward);
    w.put(l.policy_entropy_nats);
    w.put_array(l.action_probabilities.data(),
                static_cast<std::int64_t>(l.action_probabilities.size()));
}

// An episode's figures are written to episodes.csv and best.json as they are: each must be
// what an episode can produce.
void check_log_numbers(const EpisodeLog& l, std::size_t episode, const std::string& file) {
    const EpisodeResult& r = l.result;
    constexpr double any = std::numeric_limits<double>::lowest();
    constexpr double top = std::numeric_limits<double>::max();
    const char* percentage = "a percentage 0..100";
    const char* non_negative = "a finite number >= 0";
    const char* finite = "a finite number";
    const struct {
        const char* name;
        double value, lo, hi;
        const char* expected;
    } fields[] = {
        {"accuracy_percent", r.accuracy_percent, 0, 100, percentage},
        {"relative_accuracy", r.relative_accuracy, 0, top, non_negative},
        {"cost", r.cost, any, top, finite},
        {"cycles", double(r.cycles), 0, top, non_negative},
        {"energy_pj", r.energy_pj, 0, top, non_negative},
        {"weight_bits", double(r.weight_bits), 0, top, non_negative},
        {"reward", r.reward, any, top, finite},
        {"policy_entropy_nats", l.policy_entropy_nats, any, top, finite},
    };
    for (const auto& f : fields)
        if (!finite_in(f.value, f.lo, f.hi))
            throw InputError(file + ": episode " + std::to_string(episode) + ": " + f.name +
                             ": found " + shortest_number(f.value) + ", expected " + f.expected +
                             kDamagedCheckpoint);
}

EpisodeLog get_log(ByteReader& r) {
    EpisodeLog l;
    l.result.bits = r.get_array<int>();
    l.result.accuracy_percent = r.get<double>();
    l.result.relative_accuracy = r.get<double>();
    l.result.cost = r.get<double>();
    l.result.cycles = r.get<std::int64_t>();
    l.result.energy_pj = r.get<double>();
    l.result.weight_bits = r.get<std::int64_t>();
    l.result.feasible = r.get<std::uint8_t>() != 0;
    l.result.reward = r.get<double>();
    l.policy_entropy_nats = r.get<double>();
    l.action_probabilities = r.get_array<double>();
    return l;
}

}  // namespace

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c) {
    ByteWriter w;
    for (char ch : kMagic) w.put(ch);
    w.put(kVersion);
    w.put_string(c.identity);
    w.put<std::int64_t>(c.episodes_done);
    w.put_string(c.rng_state);
    w.put_array(c.env_bits.data(), static_cast<std::int64_t>(c.env_bits.size()));
    w.put(c.env_relative_accuracy);
    w.put<std::int64_t>(static_cast<std::int64_t>(c.memo.size()));
    for (const auto& e : c.memo) {
        w.put_array(e.bits.data(), static_cast<std::int64_t>(e.bits.size()));
        w.put(e.accuracy_percent);
    }
    w.put<std::uint8_t>(c.reference_accuracy_percent ? 1 : 0);
    w.put(c.reference_accuracy_percent.value_or(0.0));
    w.put<std::int64_t>(static_cast<std::int64_t>(c.logs.size()));
    for (const auto& l : c.logs) put_log(w, l);
    w.put_array(c.distinct_calls.data(), static_cast<std::int64_t>(c.distinct_calls.size()));
    w.put_string(c.strategy_state);
    w.put_array(c.simulated_layers.data(), static_cast<std::int64_t>(c.simulated_layers.size()));
    std::string bytes = w.bytes();
    const std::uint64_t h = fnv1a(bytes.data(), bytes.size());
    bytes.append(reinterpret_cast<const char*>(&h), sizeof h);
    write_file_atomically(path, bytes);
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
    const std::string file = path.string();
    const std::string bytes = read_file(path);
    if (bytes.size() < sizeof kMagic + 4 + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic))
        throw InputError(file + ": not a serialq search checkpoint (bad magic or too short)");
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
    if (fnv1a(bytes.data(), bytes.size() - 8) != stored)
        throw InputError(file + ": checksum mismatch, the checkpoint is damaged or truncated");
    const std::string payload = bytes.substr(0, bytes.size() - 8);
    ByteReader r(payload, file);
    for (std::size_t i = 0; i < sizeof kMagic; ++i) r.get<char>();
    const auto version = r.get<std::uint32_t>();
    if (version != kVersion)
        throw InputError(file + ": checkpoint version " + std::to_string(version) + ", expected " +
                         std::to_string(kVersion));
    Checkpoint c;
    c.identity = r.get_string();
    c.episodes_done = r.get<std::int64_t>();
    if (c.episodes_done < 0)
        throw InputError(file + ": episodes done: found " + std::to_string(c.episodes_done) +
                         ", expected a count >= 0" + kDamagedCheckpoint);
    c.rng_state = r.get_string();
    c.env_bits = r.get_array<int>();
    c.env_relative_accuracy = r.get<double>();
    const auto memo = r.get<std::int64_t>();
    for (std::int64_t i = 0; i < memo; ++i) {
        AccuracyMemo::Entry e;
        e.bits = r.get_array<int>();
        e.accuracy_percent = r.get<double>();
        c.memo.push_back(std::move(e));
    }
    const bool has_ref = r.get<std::uint8_t>() != 0;
    const double ref = r.get<double>();
    if (has_ref) c.reference_accuracy_percent = ref;
    const auto logs = r.get<std::int64_t>();
    if (logs != c.episodes_done)
        throw InputError(file + ": " + std::to_string(logs) + " episode logs for " +
                         std::to_string(c.episodes_done) + " episodes");
    for (std::int64_t i = 0; i < logs; ++i) {
        c.logs.push_back(get_log(r));
        check_log_numbers(c.logs.back(), c.logs.size(), file);
    }
    c.distinct_calls = r.get_array<long long>(logs);
    c.strategy_state = r.get_string();
    c.simulated_layers = r.get_array<long long>();
    if (c.simulated_layers.size() % HardwareCosts::kSimulatedStride)
        throw InputError(
            file + ": simulated layers: found " + std::to_string(c.simulated_layers.size()) +
            " values, expected a multiple of " + std::to_string(HardwareCosts::kSimulatedStride));
    r.expect_end();
    return c;
}

}  // namespace serialq::agent::detail
