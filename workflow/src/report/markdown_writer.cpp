// Markdown: the same report for a repository or a wiki; figures become SVG files beside it.
#include "serialq/workflow/report_document.hpp"

#include <cctype>
#include <set>
#include <string>

namespace serialq::workflow {

namespace {

std::string md_cell(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string table_md(const DataTable& t) {
    std::string m = "|";
    // Cells appended piecewise: GCC 12 misreports " " + string as overlapping (-Wrestrict).
    for (const auto& c : t.columns) m.append(" ").append(md_cell(c)).append(" |");
    m += "\n|";
    for (std::size_t i = 0; i < t.columns.size(); ++i) m += " --- |";
    m += "\n";
    for (const auto& r : t.rows) {
        m += "|";
        for (const auto& c : r) m.append(" ").append(md_cell(c)).append(" |");
        m += "\n";
    }
    return m + "\n";
}

// A figure's file name: its id comes from the inputs (a sweep's parameter names, read from its
// directory), so it is reduced to letters, digits, '.', '_' and '-' (anything else, '/' above
// all, becomes '_'), bounded in length, and made unique: every figure lands beside the report.
std::string figure_file(const std::string& prefix, const std::string& id,
                        std::set<std::string>& taken) {
    std::string safe;
    for (char c : id.substr(0, 120))
        safe += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'
                    ? c
                    : '_';
    if (safe.empty()) safe = "figure";
    std::string file = prefix + "-" + safe + ".svg";
    for (int n = 2; !taken.insert(file).second; ++n)
        file = prefix + "-" + safe + "-" + std::to_string(n) + ".svg";
    return file;
}

}  // namespace

MarkdownRendering render_markdown(const Report& report, const std::string& figure_prefix) {
    MarkdownRendering out;
    std::string& m = out.markdown;
    m = "# " + report.title + "\n\n";
    if (!report.provenance.empty()) {
        DataTable p{{"item", "value"}, {}};
        for (const auto& [k, v] : report.provenance) p.add_row({k, v});
        m += table_md(p);
    }
    int figure_number = 0;
    std::set<std::string> taken;
    Palette palette;
    for (const auto& s : report.sections) {
        m += "## " + s.title + "\n\n";
        for (const auto& block : s.blocks) {
            if (const auto* p = std::get_if<Paragraph>(&block)) {
                m += p->text + "\n\n";
            } else if (const auto* f = std::get_if<Figure>(&block)) {
                const std::string n = std::to_string(++figure_number);
                const std::string file = figure_file(figure_prefix, f->id, taken);
                out.figures.emplace_back(file, render_svg(f->chart, &palette));
                m += "![Figure " + n + ". " + md_cell(f->caption) + "](" + file + ")\n\n*Figure " +
                     n + ". " + f->caption + "*\n\nTable behind figure " + n + ":\n\n" +
                     table_md(f->table);
            } else if (const auto* t = std::get_if<TableBlock>(&block)) {
                if (!t->caption.empty()) m += "**" + t->caption + "**\n\n";
                m += table_md(t->table);
            }
        }
    }
    return out;
}

}  // namespace serialq::workflow
