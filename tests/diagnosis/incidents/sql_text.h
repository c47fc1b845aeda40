// SqlText: a query on an incident file through the plain SQLite API, as a
// reader beside the exporter (the sqlite3 shell, a backup script) runs it.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace outage::test {

// SqlText runs `sql` on the file at `path` and returns the first column of
// the first row ("" when none); a failure to open or run it fails the test.
inline std::string SqlText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  const int rc = sqlite3_step(stmt);
  EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

}  // namespace outage::test
