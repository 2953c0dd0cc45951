// The HTML page: one file with inline CSS and inline SVG, so it opens anywhere without network
// access. Written XHTML-compatible (every element closed, attributes quoted, text escaped) so
// that an XML parser accepts it as well as a browser; the tests parse it that way. Tables wrap
// their cells (no horizontal scrolling) so that every column is seen at 800 px
// (tests/browser checks it in Chromium).
#include "serialq/workflow/report_document.hpp"

#include "../xml_text.hpp"

namespace serialq::workflow {

namespace {

const char* kStyle = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 2em auto;
       max-width: 1000px; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0 1.2em 0; max-width: 100%; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.4em; overflow-wrap: anywhere; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
tr:nth-child(even) td { background: #fafafa; }
table.provenance td:first-child { font-weight: bold; }
figure { margin: 1.2em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.3em; }
details { margin-top: 0.4em; }
summary { cursor: pointer; color: #0b5394; font-size: 0.9em; }
nav ol { font-size: 0.9em; }
)";

bool numeric(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789.-+eE%x") == std::string::npos &&
           s.find_first_of("0123456789") != std::string::npos;
}

// Escaped, with a line-break opportunity after each '_', '.', '/' and ':', so that a long
// column name (baseline_energy_pj) or path wraps there rather than widen the table.
std::string breakable(const std::string& text) {
    std::string out;
    for (char c : xml_escape(text)) {
        out += c;
        if (c == '_' || c == '.' || c == '/' || c == ':') out += "<wbr/>";
    }
    return out;
}

std::string table_html(const DataTable& t) {
    std::string h = "<table>\n<thead><tr>";
    for (const auto& c : t.columns) h += "<th>" + breakable(c) + "</th>";
    h += "</tr></thead>\n<tbody>\n";
    for (const auto& r : t.rows) {
        h += "<tr>";
        for (const auto& cell : r)
            h += numeric(cell) ? "<td class=\"num\">" + xml_escape(cell) + "</td>"
                               : "<td>" + breakable(cell) + "</td>";
        h += "</tr>\n";
    }
    return h + "</tbody>\n</table>\n";
}

}  // namespace

std::string render_html(const Report& report) {
    std::string h =
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\"/>\n<title>" +
        xml_escape(report.title) + "</title>\n<style>" + kStyle +
        "</style>\n</head>\n<body>\n<h1>" + xml_escape(report.title) + "</h1>\n";
    if (!report.provenance.empty()) {
        h += "<table class=\"provenance\">\n<tbody>\n";
        for (const auto& [k, v] : report.provenance)
            h += "<tr><td>" + xml_escape(k) + "</td><td>" + breakable(v) + "</td></tr>\n";
        h += "</tbody>\n</table>\n";
    }
    if (report.sections.size() > 1) {
        h += "<nav><ol>\n";
        for (std::size_t i = 0; i < report.sections.size(); ++i)
            h += "<li><a href=\"#s" + std::to_string(i + 1) + "\">" +
                 xml_escape(report.sections[i].title) + "</a></li>\n";
        h += "</ol></nav>\n";
    }
    int figure_number = 0;
    Palette palette;
    for (std::size_t i = 0; i < report.sections.size(); ++i) {
        const auto& s = report.sections[i];
        h += "<section id=\"s" + std::to_string(i + 1) + "\">\n<h2>" + xml_escape(s.title) +
             "</h2>\n";
        for (const auto& block : s.blocks) {
            if (const auto* p = std::get_if<Paragraph>(&block)) {
                h += "<p>" + xml_escape(p->text) + "</p>\n";
            } else if (const auto* f = std::get_if<Figure>(&block)) {
                const std::string n = std::to_string(++figure_number);
                h += "<figure id=\"fig-" + xml_escape(f->id) + "\">\n" +
                     render_svg(f->chart, &palette) + "<figcaption>Figure " + n + ". " +
                     xml_escape(f->caption) +
                     "</figcaption>\n<details><summary>Table behind figure " + n + "</summary>\n" +
                     table_html(f->table) + "</details>\n</figure>\n";
            } else if (const auto* t = std::get_if<TableBlock>(&block)) {
                if (!t->caption.empty())
                    h += "<p><strong>" + xml_escape(t->caption) + "</strong></p>\n";
                h += table_html(t->table);
            }
        }
        h += "</section>\n";
    }
    return h + "</body>\n</html>\n";
}

}  // namespace serialq::workflow
