// serialq: dispatches to a subcommand and turns any error into one line and an exit code
// (1: bad input or failure, 2: misuse of the command line).
#include "command.hpp"

#include <boost/program_options/errors.hpp>

#include <algorithm>
#include <exception>
#include <iostream>

namespace serialq::cli {

namespace {
std::vector<Command>& registry() {
    static std::vector<Command> list;
    return list;
}

void print_help() {
    std::cout << "serialq " SERIALQ_VERSION
                 " - bit-serial accelerator simulator and quantization search\n\n"
                 "usage: serialq <command> [options]   (serialq <command> --help for more)\n\n"
                 "commands:\n";
    std::vector<Command> sorted = registry();
    std::sort(sorted.begin(), sorted.end(),
              [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const auto& c : sorted) {
        std::string name = c.name;
        name.resize(std::max<std::size_t>(name.size(), 10), ' ');
        std::cout << "  " << name << "  " << c.summary << "\n";
    }
    std::cout << "\noptions:\n  --help, -h  show this help\n  --version   print the version\n";
}
}  // namespace

const std::vector<Command>& commands() { return registry(); }

RegisterCommand::RegisterCommand(Command command) { registry().push_back(std::move(command)); }

}  // namespace serialq::cli

int main(int argc, char** argv) {
    using namespace serialq::cli;
    const Args all(argv + 1, argv + argc);
    std::string where = "serialq";
    try {
        if (all.empty()) {
            print_help();
            return 2;
        }
        const std::string& first = all[0];
        if (first == "--help" || first == "-h" || first == "help") {
            print_help();
            return 0;
        }
        if (first == "--version") {
            std::cout << "serialq " SERIALQ_VERSION "\n";
            return 0;
        }
        for (const auto& c : commands()) {
            if (c.name != first) continue;
            where += " " + c.name;
            return c.run(Args(all.begin() + 1, all.end()));
        }
        std::string names;
        for (const auto& c : commands()) names += (names.empty() ? "" : ", ") + c.name;
        throw UsageError("unknown command '" + first + "', expected one of " + names);
    } catch (const UsageError& e) {
        std::cerr << where << ": error: " << e.what() << " (see '" << where << " --help')\n";
        return 2;
    } catch (const boost::program_options::error& e) {
        std::cerr << where << ": error: " << e.what() << " (see '" << where << " --help')\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << where << ": error: " << e.what() << "\n";
        return 1;
    }
}
