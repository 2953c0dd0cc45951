#pragma once
// A report as plain data - sections of paragraphs, figures (an SVG with the table behind it)
// and tables - and its two renderings: one self-contained HTML page (inline SVG and CSS, no
// external resource, XHTML-compatible so that it also parses as XML) and Markdown with the
// figures as separate SVG files beside it.
#include "serialq/workflow/chart.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace serialq::workflow {

// Columns carry their units in their names (cycles, energy_pj, ...).
struct DataTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    void add_row(std::vector<std::string> cells);  // must match the columns (std::logic_error)
    std::string csv() const;  // RFC 4180, header first
};

struct Paragraph {
    std::string text;
};

struct Figure {
    std::string id;  // file-name safe and unique in the report: "layer-cycles"
    std::string caption;  // what the plot shows
    Chart chart;  // drawn when the report is written, with the report's palette
    DataTable table;  // the numbers behind it
};

struct TableBlock {
    std::string caption;
    DataTable table;
};

using Block = std::variant<Paragraph, Figure, TableBlock>;

struct Section {
    std::string title;
    std::vector<Block> blocks;
};

struct Report {
    std::string title;
    // What produced it: source files, configuration, seed, command - shown at the top.
    std::vector<std::pair<std::string, std::string>> provenance;
    std::vector<Section> sections;
    std::size_t figure_count() const;
};

std::string render_html(const Report& report);

struct MarkdownRendering {
    std::string markdown;
    // (file name, SVG) per figure, to be written beside the Markdown file; the Markdown links
    // them by these relative names.
    std::vector<std::pair<std::string, std::string>> figures;
};

// Figures are named "<figure_prefix>-<figure id>.svg", the id reduced to letters, digits, '.',
// '_' and '-' (others become '_'; ids come from the inputs) and numbered "-2", "-3", ... where
// two would share a name: no name holds a '/', so each lands beside the Markdown file.
MarkdownRendering render_markdown(const Report& report, const std::string& figure_prefix);

}  // namespace serialq::workflow
