#pragma once
// An owned SQLite statement, finalized when its owner goes however that happens (an error
// thrown between the prepare and the last step included), so that none can leak: the one
// place in serialq that finalizes statements.
#include <sqlite3.h>

#include <memory>

namespace serialq::quant::detail {

class Statement {
public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* s) : s_(s) {}
    // The statement itself, for the sqlite3_ calls.
    operator sqlite3_stmt*() const { return s_.get(); }

private:
    struct Finalize {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    std::unique_ptr<sqlite3_stmt, Finalize> s_;
};

// sqlite3_prepare_v3 of `sql` on `db`, owned; rc receives its result code (the statement is
// empty unless that is SQLITE_OK).
inline Statement prepare_statement(sqlite3* db, const char* sql, unsigned flags, int& rc) {
    sqlite3_stmt* s = nullptr;
    rc = sqlite3_prepare_v3(db, sql, -1, flags, &s, nullptr);
    return Statement(s);
}

}  // namespace serialq::quant::detail
