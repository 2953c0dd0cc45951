#pragma once
// Shared option handling for the subcommands: --help, one-line usage errors, output files.
#include "command.hpp"

#include "serialq/common/config_fields.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>

namespace serialq::cli {

namespace po = boost::program_options;

// Parses `args` exactly (no abbreviated option names); po::error becomes UsageError.
po::parsed_options parse_args(const Args& args, const po::options_description& options,
                              const po::positional_options_description& positional = {});

// Parses `args` into `vm`. Adds --help; if it was given, prints the usage and returns false.
// Unknown options, missing values and unexpected positionals throw UsageError; a defaulted
// file option whose shipped file cannot be found throws InputError naming the option.
bool parse_command_line(const std::string& usage, po::options_description& options,
                        const po::positional_options_description& positional, const Args& args,
                        po::variables_map& vm);

// Writes `text` to `--out` (atomically) if given, else to stdout.
void emit(const std::optional<std::string>& out_file, const std::string& text);

// Checks that `value` is one of `options`; the error names the option.
void check_choice(const std::string& option, const std::string& value,
                  const std::vector<std::string>& options);

// --config-keys[=md]: the value given (text or md) if `args` asks for it. Found before the
// other options are parsed, so that it needs none of their required ones.
std::optional<std::string> config_keys_format(const Args& args);

// Prints `docs` as text under `title`, or as docs' markdown table (format md).
void print_config_keys(const std::string& format, const std::string& title,
                       const std::vector<FieldDoc>& docs);

}  // namespace serialq::cli
