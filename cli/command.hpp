#pragma once
// Subcommand registry: each cmd_*.cpp defines one static RegisterCommand, so adding a
// subcommand is adding one file.
#include "serialq/common/error.hpp"

#include <string>
#include <vector>

namespace serialq::cli {

using Args = std::vector<std::string>;

struct Command {
    std::string name;  // "trace", "sim", ...
    std::string summary;  // one line for `serialq --help`
    int (*run)(const Args& args);
};

const std::vector<Command>& commands();

struct RegisterCommand {
    explicit RegisterCommand(Command command);
};

// Misuse of the command line (unknown option, missing argument): exit code 2.
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace serialq::cli
