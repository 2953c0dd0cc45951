// serialq trace show <trace.yaml>: the layers of a network with their derived shapes, weights
// and MACs.
#include "command.hpp"
#include "options.hpp"
#include "table.hpp"

#include "serialq/common/network_loader.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace serialq::cli {

namespace {

std::string shape_text(const Shape& s) {
    return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
           std::to_string(s.width);
}

std::string pair_text(int a, int b) {
    return a == b ? std::to_string(a) : std::to_string(a) + "x" + std::to_string(b);
}

std::string inputs_text(const Network& net, const Layer& l) {
    std::string s;
    for (int i : l.inputs)
        s += (s.empty() ? "" : "+") +
             (i < 0 ? std::string("input") : net.layers[static_cast<std::size_t>(i)].name);
    return s;
}

Table layer_table(const Network& net) {
    // layer (the name) and layer_index: the names serialq sim's rows give them (figures.hpp).
    Table t({"layer", "layer_index", "type", "from", "input", "output", "kernel", "stride",
             "padding", "groups", "weights", "macs"});
    int index = 0;
    for (const auto& l : net.layers) {
        const bool windowed = l.kind != LayerKind::FullyConnected && l.kind != LayerKind::Add;
        t.add_row({l.name, std::to_string(index++), to_string(l.kind), inputs_text(net, l),
                   shape_text(l.input), shape_text(l.output),
                   windowed ? pair_text(l.kernel_h, l.kernel_w) : "-",
                   windowed ? pair_text(l.stride_h, l.stride_w) : "-",
                   windowed ? pair_text(l.pad_h, l.pad_w) : "-",
                   l.kind == LayerKind::Conv ? std::to_string(l.groups) : "-",
                   std::to_string(l.weights()), std::to_string(l.macs())});
    }
    t.add_row({"total", "", "", "", shape_text(net.input), "", "", "", "", "",
               std::to_string(net.total_weights()), std::to_string(net.total_macs())});
    t.rule_before_last_row();
    return t;
}

nlohmann::ordered_json layer_json(const Network& net) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < net.layers.size(); ++k) {
        const Layer& l = net.layers[k];
        nlohmann::ordered_json from = nlohmann::ordered_json::array();
        for (int i : l.inputs)
            from.push_back(i < 0 ? std::string("input")
                                 : net.layers[static_cast<std::size_t>(i)].name);
        layers.push_back({{"layer", l.name},
                          {"layer_index", k},
                          {"type", to_string(l.kind)},
                          {"from", from},
                          {"input", {l.input.channels, l.input.height, l.input.width}},
                          {"output", {l.output.channels, l.output.height, l.output.width}},
                          {"kernel", {l.kernel_h, l.kernel_w}},
                          {"stride", {l.stride_h, l.stride_w}},
                          {"padding", {l.pad_h, l.pad_w}},
                          {"groups", l.groups},
                          {"weights", l.weights()},
                          {"macs", l.macs()}});
    }
    return {{"network", net.name},
            {"trace", net.file},
            {"source", net.source},
            {"input", {net.input.channels, net.input.height, net.input.width}},
            {"layers", layers},
            {"total",
             {{"weights", net.total_weights()},
              {"macs", net.total_macs()},
              {"weight_layers", net.weight_layer_count()}}}};
}

int trace_show(const Args& args) {
    po::options_description opts("serialq trace show options");
    std::string trace, format;
    std::optional<std::string> out;
    // One option per line, as --help lists them.
    // clang-format off
    opts.add_options()("trace", po::value(&trace)->required(), "network trace (YAML)")(
        "format", po::value(&format)->default_value("table"), "table | csv | json")(
        "out", po::value<std::string>(), "write to this file instead of stdout");
    // clang-format on
    po::positional_options_description pos;
    pos.add("trace", 1);
    po::variables_map vm;
    if (!parse_command_line("serialq trace show <trace.yaml> [--format table|csv|json]", opts, pos,
                            args, vm))
        return 0;
    check_choice("format", format, {"table", "csv", "json"});
    if (vm.count("out")) out = vm["out"].as<std::string>();

    const Network net = load_network(trace);
    std::string text;
    if (format == "json") {
        text = layer_json(net).dump(2) + "\n";
    } else if (format == "csv") {
        text = layer_table(net).csv();
    } else {
        text = "network " + net.name + " (" + net.file + ")\n";
        if (!net.source.empty()) text += "source: " + net.source + "\n";
        text += std::to_string(net.layers.size()) + " layers, " +
                std::to_string(net.weight_layer_count()) + " with weights\n\n";
        text += layer_table(net).text();
    }
    emit(out, text);
    return 0;
}

int trace_main(const Args& args) {
    if (args.empty()) throw UsageError("missing subcommand, expected: show");
    if (args[0] == "--help" || args[0] == "-h") {
        std::cout << "usage: serialq trace show <trace.yaml> [--format table|csv|json] "
                     "[--out FILE]\n\n"
                     "  show   the layers of a network: shapes, weights and MACs per layer\n";
        return 0;
    }
    if (args[0] == "show") return trace_show(Args(args.begin() + 1, args.end()));
    throw UsageError("unknown subcommand '" + args[0] + "', expected: show");
}

const RegisterCommand registered{
    {"trace", "inspect network traces (layers, shapes, MACs)", &trace_main}};

}  // namespace

}  // namespace serialq::cli
