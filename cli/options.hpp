#pragma once
// Shared option handling for the subcommands: --help, one-line usage errors, output files.
#include "command.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>

namespace serialq::cli {

namespace po = boost::program_options;

// Parses `args` into `vm`. Adds --help; if it was given, prints the usage and returns false.
// Unknown options, missing values and unexpected positionals throw UsageError.
bool parse_command_line(const std::string& usage, po::options_description& options,
                        const po::positional_options_description& positional, const Args& args,
                        po::variables_map& vm);

// Writes `text` to `--out` (atomically) if given, else to stdout.
void emit(const std::optional<std::string>& out_file, const std::string& text);

// Checks that `value` is one of `options`; the error names the option.
void check_choice(const std::string& option, const std::string& value,
                  const std::vector<std::string>& options);

}  // namespace serialq::cli
