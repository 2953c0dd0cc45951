#pragma once
// The small CSV dialect the oracle reads and writes: RFC 4180 (fields separated by commas,
// quoted with "..." when they hold a comma, a quote or a line break; "" inside quotes is one
// quote), LF or CRLF line ends, blank lines ignored, and lines whose first character is '#'
// kept aside as comments (accuracy tables carry their attribution and reference accuracy in
// them). Every record remembers its line, so that errors can say "file:line: ...".
#include <string>
#include <string_view>
#include <vector>

namespace serialq::quant {

struct CsvRecord {
    int line = 0;  // 1-based line of the record's first character
    std::vector<std::string> fields;
};

struct CsvComment {
    int line = 0;
    std::string text;  // without the leading '#', trimmed
};

struct CsvDocument {
    std::vector<CsvRecord> records;  // the header, if any, is records[0]
    std::vector<CsvComment> comments;
};

// Parses `text` read from `source` (the name errors give). An unterminated quote or text after
// a closing quote is an InputError "source:line: ...".
CsvDocument parse_csv(std::string_view text, const std::string& source);

// One field, quoted only when it needs to be.
std::string csv_field(std::string_view value);

}  // namespace serialq::quant
