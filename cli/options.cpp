#include "options.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/common/error.hpp"
#include "serialq/common/shipped_files.hpp"

#include <filesystem>
#include <iostream>

namespace serialq::cli {

namespace {

// A default naming a shipped file ("configs/accel/stripes.yaml", "builtin:traces/lenet.yaml")
// that cannot be found is the installation's fault, not the user's: say whose default it is.
void check_default_files(const po::variables_map& vm) {
    for (const auto& [name, value] : vm) {
        const auto* text = boost::any_cast<std::string>(&value.value());
        if (!value.defaulted() || !text) continue;
        std::string file = *text;
        if (const auto colon = file.find(':'); colon != std::string::npos) file.erase(0, colon + 1);
        if (!file.ends_with(".yaml") || std::filesystem::exists(resolve_input(file))) continue;
        throw InputError(file + " (the default of --" + name + "): cannot open file" +
                         where_looked(file));
    }
}

}  // namespace

po::parsed_options parse_args(const Args& args, const po::options_description& options,
                              const po::positional_options_description& positional) {
    // No guessing: Boost would take --bit for --bits, and a later option named --bit-x would
    // silently change what an old command line means.
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    try {
        return po::command_line_parser(args)
            .options(options)
            .positional(positional)
            .style(style)
            .run();
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
}

bool parse_command_line(const std::string& usage, po::options_description& options,
                        const po::positional_options_description& positional, const Args& args,
                        po::variables_map& vm) {
    // One option per line, as --help lists them.
    // clang-format off
    options.add_options()("help,h", "show this help and exit");
    // clang-format on
    try {
        po::store(parse_args(args, options, positional), vm);
        if (vm.count("help")) {
            std::cout << "usage: " << usage << "\n\n" << options << "\n";
            return false;
        }
        po::notify(vm);
        check_default_files(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return true;
}

void emit(const std::optional<std::string>& out_file, const std::string& text) {
    if (out_file) {
        write_file_atomically(*out_file, text);
    } else {
        std::cout << text << std::flush;
    }
}

void check_choice(const std::string& option, const std::string& value,
                  const std::vector<std::string>& options) {
    for (const auto& o : options)
        if (o == value) return;
    std::string list;
    for (const auto& o : options) list += (list.empty() ? "" : ", ") + o;
    throw UsageError("--" + option + ": found '" + value + "', expected one of " + list);
}

std::optional<std::string> config_keys_format(const Args& args) {
    for (const auto& a : args) {
        if (a == "--config-keys") return "text";
        if (a.rfind("--config-keys=", 0) == 0) {
            const std::string format = a.substr(std::string("--config-keys=").size());
            check_choice("config-keys", format, {"text", "md"});
            return format;
        }
    }
    return std::nullopt;
}

void print_config_keys(const std::string& format, const std::string& title,
                       const std::vector<FieldDoc>& docs) {
    check_choice("config-keys", format, {"text", "md"});
    if (format == "md")
        std::cout << fields_markdown(docs);
    else
        std::cout << title << "\n" << fields_help(docs);
}

}  // namespace serialq::cli
