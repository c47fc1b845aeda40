// See incident_store.h.
#include "diagnosis/incidents/incident_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "config/unique_fd.h"
#include "diagnosis/incidents/incident_json.h"

namespace outage {
namespace {

// Waiting this long for another connection's lock before a write fails
// (and the writer retries later) keeps a locked file from stalling anyone.
constexpr int kBusyTimeoutMs = 1000;

std::string Message(sqlite3* db) { return db != nullptr ? sqlite3_errmsg(db) : "out of memory"; }

// Statement owns one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool ok() const { return stmt_ != nullptr; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// QueryInt runs a query whose answer is one integer (a pragma, a count).
bool QueryInt(sqlite3* db, const char* sql, int64_t* out, int* code) {
  Statement stmt(db, sql);
  if (!stmt.ok()) {
    *code = sqlite3_extended_errcode(db);
    return false;
  }
  *code = sqlite3_step(stmt.get());
  if (*code != SQLITE_ROW) return false;
  *out = sqlite3_column_int64(stmt.get(), 0);
  return true;
}

bool IsFileProblem(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

// Inspect reads an existing file read-only and says whether we may write to
// it; nothing is written either way.
std::optional<StoreOpenError> Inspect(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) return StoreOpenError{false, path + ": " + Message(raw)};
  int64_t app_id = 0;
  int64_t version = 0;
  int64_t tables = 0;
  int code = 0;
  if (!QueryInt(raw, "PRAGMA application_id", &app_id, &code) ||
      !QueryInt(raw, "PRAGMA user_version", &version, &code) ||
      !QueryInt(raw, "SELECT count(*) FROM sqlite_master", &tables, &code)) {
    if (IsFileProblem(code)) {
      return StoreOpenError{true, path + ": not an incident database (" + Message(raw) +
                                      "); it was left untouched: move it away or set "
                                      "--storage.path"};
    }
    return StoreOpenError{false, path + ": " + Message(raw)};
  }
  const bool empty = app_id == 0 && version == 0 && tables == 0;
  if (!empty && app_id != kIncidentFileApplicationId) {
    return StoreOpenError{true, path +
                                    ": an SQLite database of another application "
                                    "(application_id " +
                                    std::to_string(app_id) +
                                    "); it was left untouched: move it away or set --storage.path"};
  }
  const auto latest = static_cast<int64_t>(IncidentMigrations().size());
  if (version > latest) {
    return StoreOpenError{true, path + ": written by a newer outage_exporter (schema " +
                                    std::to_string(version) + ", this build knows up to " +
                                    std::to_string(latest) + "); it was left untouched"};
  }
  std::string check;
  {
    Statement stmt(raw, "PRAGMA quick_check");
    if (stmt.ok() && sqlite3_step(stmt.get()) == SQLITE_ROW) {
      check = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    } else {
      check = Message(raw);
    }
  }
  if (check != "ok") {
    return StoreOpenError{true, path + ": the incident database is corrupt (" + check +
                                    "); it was left untouched: restore a backup or move it away"};
  }
  return std::nullopt;
}

bool Exec(sqlite3* db, const std::string& sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  *error = message != nullptr ? message : Message(db);
  sqlite3_free(message);
  return false;
}

// LockFile takes the lock that makes `path` one exporter's: an exclusive
// flock on `path`.lock, which holds the holder's pid for the message a second
// exporter gets. Returns the open descriptor (the lock lasts until it is
// closed) or the problem. The lock file is never removed: unlinking it would
// let two exporters lock two different files of the same name.
std::variant<UniqueFd, StoreOpenError> LockFile(const std::string& path) {
  const std::string lock_path = path + ".lock";
  UniqueFd fd(open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) return StoreOpenError{false, lock_path + ": " + std::strerror(errno)};
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string holder(32, '\0');
    const ssize_t got = pread(fd.get(), holder.data(), holder.size(), 0);
    holder.resize(got > 0 ? static_cast<size_t>(got) : 0);
    holder.erase(holder.find_last_not_of(" \n") + 1);
    if (error != EWOULDBLOCK) return StoreOpenError{false, lock_path + ": " + std::strerror(error)};
    return StoreOpenError{true, path + ": in use by another outage_exporter (pid " +
                                    (holder.empty() ? "unknown" : holder) + ", per " + lock_path +
                                    "); each exporter needs its own --storage.path"};
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd.get(), 0) != 0 || pwrite(fd.get(), pid.data(), pid.size(), 0) < 0) {
    // The pid only improves a second exporter's message ("pid unknown"
    // without it): not a reason to give up the file.
  }
  return fd;
}

double Seconds(WallTime t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

}  // namespace

const std::vector<std::string>& IncidentMigrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: one row per incident; `doc` is its JSON, the columns are for
      // selection and retention.
      "CREATE TABLE incidents (id INTEGER PRIMARY KEY, service TEXT NOT NULL,"
      " started REAL NOT NULL, ended REAL, doc TEXT NOT NULL)",
      // 2: retention deletes by end time.
      "CREATE INDEX incidents_by_end ON incidents (ended)",
  };
  return kMigrations;
}

std::variant<std::unique_ptr<IncidentStore>, StoreOpenError> IncidentStore::Open(
    const std::string& path) {
  std::error_code ec;
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return StoreOpenError{false, file.parent_path().string() + ": " + ec.message()};
  }
  // The lock comes first: a second exporter must not even inspect a file
  // that the first may be creating.
  auto locked = LockFile(path);
  if (auto* error = std::get_if<StoreOpenError>(&locked)) return *error;
  UniqueFd lock = std::get<UniqueFd>(std::move(locked));
  if (std::filesystem::exists(file, ec) && std::filesystem::file_size(file, ec) > 0) {
    if (auto problem = Inspect(path)) return *problem;
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  if (rc != SQLITE_OK) return StoreOpenError{false, path + ": " + Message(raw)};
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  std::string error;
  // WAL: a crash loses no committed transaction, and readers never block
  // the writer. NORMAL syncs at checkpoints: a killed process loses nothing,
  // a power cut at most the last transactions.
  {
    Statement wal(raw, "PRAGMA journal_mode=WAL");
    const bool ok =
        wal.ok() && sqlite3_step(wal.get()) == SQLITE_ROW &&
        std::strcmp(reinterpret_cast<const char*>(sqlite3_column_text(wal.get(), 0)), "wal") == 0;
    if (!ok) return StoreOpenError{false, path + ": cannot use WAL mode: " + Message(raw)};
  }
  if (!Exec(raw, "PRAGMA synchronous=NORMAL", &error)) {
    return StoreOpenError{false, path + ": " + error};
  }
  // The writer mostly appends and never reads back: SQLite's default page
  // cache (2 MiB) would fill, page by page, as the file grows, a slow rise
  // in the exporter's memory that buys nothing.
  if (!Exec(raw, "PRAGMA cache_size=-256", &error)) {  // KiB
    return StoreOpenError{false, path + ": " + error};
  }
  int64_t version = 0;
  int code = 0;
  if (!QueryInt(raw, "PRAGMA user_version", &version, &code)) {
    return StoreOpenError{false, path + ": " + Message(raw)};
  }
  const std::vector<std::string>& steps = IncidentMigrations();
  for (auto v = static_cast<size_t>(version); v < steps.size(); ++v) {
    const std::string sql = "BEGIN IMMEDIATE; " + steps[v] + "; PRAGMA application_id = " +
                            std::to_string(kIncidentFileApplicationId) +
                            "; PRAGMA user_version = " + std::to_string(v + 1) + "; COMMIT";
    if (!Exec(raw, sql, &error)) {
      std::string ignored;
      Exec(raw, "ROLLBACK", &ignored);
      return StoreOpenError{
          false, path + ": schema migration to " + std::to_string(v + 1) + " failed: " + error};
    }
  }
  return std::unique_ptr<IncidentStore>(new IncidentStore(db.release(), std::move(lock)));
}

// lock_ is closed after the body, once the database is: only then may the
// next exporter come in.
IncidentStore::~IncidentStore() { sqlite3_close(db_); }

std::optional<std::string> IncidentStore::Save(const std::vector<Incident>& incidents,
                                               WallTime forget_before) {
  std::string error;
  if (!Exec(db_, "BEGIN IMMEDIATE", &error)) return error;
  const auto fail = [&](std::string why) -> std::optional<std::string> {
    std::string ignored;
    Exec(db_, "ROLLBACK", &ignored);
    return why;
  };
  {
    Statement upsert(db_,
                     "INSERT INTO incidents (id, service, started, ended, doc) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                     "service = ?2, started = ?3, ended = ?4, doc = ?5");
    if (!upsert.ok()) return fail(Message(db_));
    for (const Incident& incident : incidents) {
      sqlite3_stmt* s = upsert.get();
      const std::string doc = IncidentJson(incident, incident.last_seen);
      sqlite3_bind_int64(s, 1, incident.id);
      sqlite3_bind_text(s, 2, incident.service.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(s, 3, Seconds(incident.start));
      if (incident.end) {
        sqlite3_bind_double(s, 4, Seconds(*incident.end));
      } else {
        sqlite3_bind_null(s, 4);
      }
      sqlite3_bind_text(s, 5, doc.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) != SQLITE_DONE) return fail(Message(db_));
      sqlite3_reset(s);
    }
    Statement forget(db_, "DELETE FROM incidents WHERE ended IS NOT NULL AND ended < ?1");
    if (!forget.ok()) return fail(Message(db_));
    sqlite3_bind_double(forget.get(), 1, Seconds(forget_before));
    if (sqlite3_step(forget.get()) != SQLITE_DONE) return fail(Message(db_));
  }
  if (!Exec(db_, "COMMIT", &error)) return fail(error);
  return std::nullopt;
}

std::variant<std::vector<Incident>, std::string> IncidentStore::Load() {
  Statement select(db_, "SELECT id, doc FROM incidents ORDER BY id");
  if (!select.ok()) return Message(db_);
  std::vector<Incident> out;
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 1));
    std::string error;
    std::optional<Incident> incident = ParseIncidentJson(text != nullptr ? text : "", &error);
    if (!incident) {
      return "incident " + std::to_string(sqlite3_column_int64(select.get(), 0)) +
             " is unreadable: " + error;
    }
    out.push_back(std::move(*incident));
  }
  if (rc != SQLITE_DONE) return Message(db_);
  return out;
}

}  // namespace outage
