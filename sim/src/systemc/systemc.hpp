#pragma once
// Every serialq file that uses SystemC includes it through this header. Debian's libsystemc
// 2.3.4 is compiled as C++17, and its headers make every including file reference a symbol
// named after the C++ standard in use (sc_api_version_2_3_4_cxx201703L) so that mismatched
// builds fail to link. serialq compiles as C++20, which would ask for ..._cxx202002L; the
// SystemC headers are valid C++20 either way, so we declare the library's standard.
#ifndef SC_CPLUSPLUS
#define SC_CPLUSPLUS 201703L
#endif
#include <systemc>

namespace serialq::sim::sc {

// Simulated time counts clock cycles: one cycle is one nanosecond of SystemC time whatever the
// clock, so cycle counts stay exact integers (0.98 GHz has no exact picosecond period).
inline sc_core::sc_time cycles(long long n) {
    static const sc_dt::uint64 per_cycle = sc_core::sc_time(1, sc_core::SC_NS).value();
    return sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(n) * per_cycle);
}
inline long long to_cycles(const sc_core::sc_time& t) {
    static const sc_dt::uint64 per_cycle = sc_core::sc_time(1, sc_core::SC_NS).value();
    return static_cast<long long>(t.value() / per_cycle);
}

}  // namespace serialq::sim::sc
