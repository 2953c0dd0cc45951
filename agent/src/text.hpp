#pragma once
// Number formatting for the agent's error messages (private to agent/src).
#include <sstream>
#include <string>

namespace serialq::agent::detail {

inline std::string number_text(double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
}

}  // namespace serialq::agent::detail
