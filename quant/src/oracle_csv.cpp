// A character-level RFC 4180 reader: quoted fields may hold commas and line breaks, so lines
// cannot simply be split.
#include "serialq/quant/oracle_csv.hpp"

#include "serialq/common/error.hpp"

namespace serialq::quant {

namespace {
std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return std::string(s.substr(first, last - first + 1));
}
}  // namespace

CsvDocument parse_csv(std::string_view text, const std::string& source) {
    CsvDocument doc;
    std::size_t i = 0;
    int line = 1;
    const std::size_t n = text.size();
    while (i < n) {
        // At the start of a line: a comment, a blank line or a record.
        if (text[i] == '#') {
            const std::size_t end = text.find('\n', i);
            const std::size_t stop = end == std::string_view::npos ? n : end;
            doc.comments.push_back({line, trim(text.substr(i + 1, stop - i - 1))});
            i = stop == n ? n : stop + 1;
            ++line;
            continue;
        }
        if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
            i += text[i] == '\r' ? 2 : 1;
            ++line;
            continue;
        }
        CsvRecord record;
        record.line = line;
        std::string field;
        bool record_done = false;
        while (!record_done) {
            field.clear();
            if (i < n && text[i] == '"') {
                const int opened = line;
                ++i;
                for (;;) {
                    if (i >= n)
                        throw InputError(source + ":" + std::to_string(opened) +
                                         ": unterminated quoted field");
                    if (text[i] == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') ++line;
                    field += text[i++];
                }
                if (i < n && text[i] == '\r') ++i;
                if (i < n && text[i] != ',' && text[i] != '\n')
                    throw InputError(source + ":" + std::to_string(line) +
                                     ": unexpected text after a closing quote");
            } else {
                while (i < n && text[i] != ',' && text[i] != '\n') field += text[i++];
                if (!field.empty() && field.back() == '\r') field.pop_back();
            }
            record.fields.push_back(field);
            if (i < n && text[i] == ',') {
                ++i;
            } else {
                record_done = true;
                if (i < n) {  // '\n'
                    ++i;
                    ++line;
                }
            }
        }
        doc.records.push_back(std::move(record));
    }
    return doc;
}

std::string csv_field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos &&
        (value.empty() || value.front() != '#'))
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace serialq::quant
