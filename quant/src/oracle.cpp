// make_oracle: the one place where an oracle spec becomes an implementation.
#include "serialq/quant/oracle.hpp"

#include "serialq/common/error.hpp"
#include "serialq/quant/oracle_builtin.hpp"
#include "serialq/quant/oracle_cache.hpp"
#include "serialq/quant/oracle_exec.hpp"
#include "serialq/quant/oracle_table.hpp"
#include "serialq/quant/quantizer.hpp"

#include <algorithm>
#include <string>

namespace serialq::quant {

AccuracyResult AccuracyOracle::evaluate(const KernelBits& bits) {
    if (bits.size() != static_cast<std::size_t>(layer_count()))
        throw ConfigError(name() + ": kernel-wise bits for " + std::to_string(bits.size()) +
                          " weight layers, expected " + std::to_string(layer_count()));
    const bool default_activations = std::all_of(
        bits.activations().begin(), bits.activations().end(), [](int a) { return a == 0; });
    if (bits.layer_wise() && default_activations) return evaluate(bits.widest());
    return evaluate_kernels_checked(bits);
}

AccuracyResult AccuracyOracle::evaluate_kernels_checked(const KernelBits& bits) {
    throw ConfigError(name() +
                      ": answers one weight bitwidth per layer at its own activation "
                      "bits, found the kernel-wise assignment " +
                      bits.str() + " (use builtin:<trace> for kernel-wise bits)");
}

std::unique_ptr<AccuracyOracle> make_oracle(const std::string& spec, const OracleOptions& options) {
    const auto colon = spec.find(':');
    const std::string kind = colon == std::string::npos ? spec : spec.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
    const std::string expected = "expected builtin:<trace>, table:<file.csv> or exec:<command>";
    if (colon == std::string::npos || (kind != "builtin" && kind != "table" && kind != "exec"))
        throw ConfigError("oracle '" + spec + "': unknown kind '" + kind + "', " + expected);
    if (arg.empty())
        throw ConfigError("oracle '" + spec + "': nothing after '" + kind + ":', " + expected);

    std::unique_ptr<AccuracyOracle> oracle;
    if (kind == "table")
        oracle = std::make_unique<TableOracle>(arg);
    else if (kind == "exec")
        oracle = std::make_unique<ExecOracle>(arg, options.timeout_seconds);
    else
        oracle = std::make_unique<BuiltinOracle>(arg, options);
    if (options.cache_file.empty()) return oracle;
    return std::make_unique<CachedOracle>(std::move(oracle),
                                          std::make_shared<OracleCache>(options.cache_file), spec,
                                          options.early_stop.threshold_percent);
}

}  // namespace serialq::quant
