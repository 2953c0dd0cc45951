// An accuracy table (`--oracle table:FILE.csv`) through read_accuracy_table and the oracle
// built on it.
#include "fuzz_support.hpp"
#include "serialq/quant/oracle_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const auto file = fuzz::write_scratch("table.csv", fuzz::as_text(data, size));
    return fuzz::refuse_cleanly([&] {
        quant::TableOracle oracle(file);
        const auto& rows = oracle.table().rows;
        if (!rows.empty()) oracle.evaluate(LayerBits(rows.front().bits));
        oracle.reference_accuracy_percent();
    });
}
