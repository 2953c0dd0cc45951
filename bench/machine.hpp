#pragma once
// The machine a benchmark ran on and its load, for its printout (shared by every bench/<area>).
#include <fstream>
#include <string>
#include <thread>

namespace serialq::bench {

inline std::string machine() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
}

// The 1-, 5- and 15-minute load averages (/proc/loadavg): the machine is shared, so a figure
// means little without the load it was measured under.
inline std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    if (!(in >> one >> five >> fifteen)) return "unknown";
    return one + " " + five + " " + fifteen;
}

}  // namespace serialq::bench
