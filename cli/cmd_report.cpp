// serialq report: a self-contained HTML page (or Markdown with SVG files beside it) from what
// `serialq sim`, `sweep` or `search` wrote. The report itself is workflow/report.hpp.
#include "command.hpp"
#include "options.hpp"

#include "serialq/common/atomic_file.hpp"
#include "serialq/workflow/report.hpp"

#include <filesystem>
#include <iostream>

namespace serialq::cli {

namespace {

int report_main(const Args& args) {
    po::options_description opts("serialq report options");
    std::vector<std::string> inputs;
    std::string format;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()
        ("input", po::value(&inputs)->required(), "sim JSON file(s), or one sweep or search directory")
        ("out", po::value<std::string>(), "FILE.html or FILE.md (Markdown writes its figures beside it)")
        ("format", po::value(&format), "html | md (default: from the --out extension, else html)");
    // clang-format on
    po::positional_options_description pos;
    pos.add("input", -1);
    po::variables_map vm;
    if (!parse_command_line("serialq report <sim.json...|SWEEP_DIR|SEARCH_DIR> --out FILE.html "
                            "[--format html|md]",
                            opts, pos, args, vm))
        return 0;
    std::optional<std::string> out;
    if (vm.count("out")) out = vm["out"].as<std::string>();
    if (format.empty())
        format = out && std::filesystem::path(*out).extension() == ".md" ? "md" : "html";
    check_choice("format", format, {"html", "md"});
    if (format == "md" && !out)
        throw UsageError("--format md needs --out FILE.md (its figures go beside it)");

    const workflow::Report report =
        workflow::build_report(std::vector<std::filesystem::path>(inputs.begin(), inputs.end()));
    if (format == "html") {
        emit(out, workflow::render_html(report));
    } else {
        const std::filesystem::path md = *out;
        const auto r = workflow::render_markdown(report, md.stem().string());
        for (const auto& [name, svg] : r.figures)
            write_file_atomically(md.parent_path() / name, svg);
        write_file_atomically(md, r.markdown);
    }
    if (out)
        std::cout << "report: " << report.figure_count() << " figures -> " << *out
                  << (format == "md" ? " (figures beside it)" : "") << "\n";
    return 0;
}

const RegisterCommand registered{
    {"report", "HTML/Markdown report with SVG plots from sim, sweep or search output",
     &report_main}};

}  // namespace

}  // namespace serialq::cli
