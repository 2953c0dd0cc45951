// serialq figures: the reported figures as sim/figures.hpp declares them - name, unit, meaning -
// as the Markdown table docs/formats.md holds (a test checks that the two agree).
#include "command.hpp"
#include "options.hpp"

#include "serialq/sim/figures.hpp"

#include <iostream>

namespace serialq::cli {

namespace {

std::string markdown_table() {
    std::string s = "| figure | unit | rows | meaning |\n|---|---|---|---|\n";
    const auto add = [&](const std::vector<sim::Figure>& list, const char* rows) {
        for (const auto& f : list)
            s += "| `" + std::string(f.name) + "` | " +
                 (f.unit.empty() ? "-" : std::string(f.unit)) + " | " + rows + " | " +
                 std::string(f.meaning) + " |\n";
    };
    add(sim::key_figures(), "layer, total");
    add(sim::layer_figures(), "layer, total");
    add(sim::comparison_figures(), "layer, total");
    add(sim::network_figures(), "network");
    return s;
}

int figures_main(const Args& args) {
    po::options_description opts("serialq figures options");
    po::variables_map vm;
    if (!parse_command_line("serialq figures", opts, {}, args, vm)) return 0;
    std::cout << markdown_table();
    return 0;
}

const RegisterCommand registered{
    {"figures", "the figures serialq reports: name, unit and meaning (docs/formats.md)",
     &figures_main}};

}  // namespace

}  // namespace serialq::cli
