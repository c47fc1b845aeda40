// IncidentStore: the one owner of the incident file (SQLite, WAL mode). It
// opens the file, refuses one that is not ours, corrupt or from a newer
// schema without writing to it, migrates older schemas, and writes and reads
// incidents, one JSON document per incident (incident_json.h) beside the
// columns that retention needs.
//
// Not thread-safe: after Open, one thread (StoreWriter's) uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "config/unique_fd.h"
#include "diagnosis/incidents/incident.h"

struct sqlite3;  // SQLite stays out of this header

namespace outage {

// kIncidentFileApplicationId is PRAGMA application_id of our files ("OUTG").
inline constexpr int32_t kIncidentFileApplicationId = 0x4f555447;

// IncidentMigrations are the schema's steps: step i takes user_version i to
// i + 1. Append, never edit: files in the field are at any step.
const std::vector<std::string>& IncidentMigrations();

// StoreOpenError says why a file could not be used: refused (the file is
// not ours, corrupt or newer, or in use by another exporter: a start-up
// error, the file left untouched) or
// unavailable (cannot be created or written now: read-only, full, locked).
struct StoreOpenError {
  bool refused = false;
  std::string message;
};

class IncidentStore {
 public:
  // Open opens or creates the file at `path` (creating its directory) and
  // migrates it to the latest schema. The store holds an exclusive lock on
  // `path`.lock while it lives: a second exporter (or store) on the same
  // path is refused with a message naming the holder's pid.
  static std::variant<std::unique_ptr<IncidentStore>, StoreOpenError> Open(const std::string& path);

  ~IncidentStore();
  IncidentStore(const IncidentStore&) = delete;
  IncidentStore& operator=(const IncidentStore&) = delete;

  // Save writes `incidents` (inserted or replaced by id) and deletes those
  // that ended before `forget_before`, in one transaction. Returns an error
  // text on failure, when nothing was written.
  std::optional<std::string> Save(const std::vector<Incident>& incidents, WallTime forget_before);

  // Load reads every incident, by id; an error text when a row is unreadable.
  std::variant<std::vector<Incident>, std::string> Load();

 private:
  IncidentStore(sqlite3* db, UniqueFd lock) : db_(db), lock_(std::move(lock)) {}
  sqlite3* db_;
  UniqueFd lock_;  // the flock that keeps other exporters out (see Open)
};

}  // namespace outage
