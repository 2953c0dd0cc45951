// `serialq oracle import FILE.csv`: the CSV read (entries_from_csv) and imported into a fresh
// SQLite oracle cache, then read back.
#include "fuzz_support.hpp"
#include "serialq/quant/oracle_cache.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace serialq;
    const std::string text(fuzz::as_text(data, size));
    const auto db = fuzz::scratch_dir() / "cache.sqlite";
    return fuzz::refuse_cleanly([&] {
        const auto entries = quant::entries_from_csv(text, "fuzz.csv");
        std::filesystem::remove(db);
        quant::OracleCache cache(db);
        cache.import(entries);
        cache.stats();
        quant::entries_to_csv(cache.entries());
    });
}
