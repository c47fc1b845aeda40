// Tests for IncidentStore and StoreWriter on real files in a temporary
// directory: a new file is ours (application id, schema version, WAL);
// incidents survive a round trip; a foreign, corrupt or newer file is
// refused byte for byte untouched; an older schema is migrated; an unusable
// path leaves the writer down with its updates kept, and they are written
// once the path works.
#include "diagnosis/incidents/incident_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "diagnosis/incidents/incident_json.h"
#include "diagnosis/incidents/store_writer.h"
#include "tests/diagnosis/incidents/sql_text.h"
#include "tests/support/temp_dir.h"

namespace outage {
namespace {

using std::chrono::seconds;

using test::SqlText;

Incident Sample(int64_t id) {
  Incident i;
  i.id = id;
  i.service = "spotify";
  i.start = WallTime(seconds(1'700'000'000));
  i.last_seen = i.start + seconds(60);
  IncidentPart p;
  p.target = "https://open.spotify.com/";
  p.module = "http_2xx";
  p.start = i.start;
  p.first_reason = "http_5xx";
  p.first_phase = "processing";
  p.latency_before_seconds = 0.25;
  p.probes = 4;
  p.failures = 4;
  p.first_failure_log = "level=error msg=\"500\"\n";
  i.parts.push_back(p);
  i.changes.push_back(StateChange{i.start, p.target, "up", "down"});
  i.reasons.push_back(ReasonSeen{"http_5xx", i.start, 4});
  i.vendor = VendorConfirmation{i.start + seconds(30), "API errors", "major", "https://x"};
  i.gaps.push_back(Span{i.start + seconds(10), i.start + seconds(20)});
  i.maintenance.push_back(Span{i.start + seconds(20), i.start + seconds(25)});
  i.local_network.push_back(Span{i.start + seconds(25), i.start + seconds(35)});
  i.notes.push_back(Note{i.start + seconds(40), "<script>alert(1)</script> \"quoted\""});
  return i;
}

std::unique_ptr<IncidentStore> OpenOrFail(const std::string& path) {
  auto opened = IncidentStore::Open(path);
  if (auto* error = std::get_if<StoreOpenError>(&opened)) {
    ADD_FAILURE() << error->message;
    return nullptr;
  }
  return std::get<std::unique_ptr<IncidentStore>>(std::move(opened));
}

StoreOpenError OpenError(const std::string& path) {
  auto opened = IncidentStore::Open(path);
  if (auto* error = std::get_if<StoreOpenError>(&opened)) return *error;
  ADD_FAILURE() << path << " opened";
  return {};
}

TEST(IncidentStoreTest, ANewFileIsOursInWalMode) {
  test::TempDir dir;
  const std::string path = dir.PathOf("data/outage.db");  // the directory is created
  ASSERT_NE(OpenOrFail(path), nullptr);
  EXPECT_EQ(SqlText(path, "PRAGMA application_id"), std::to_string(kIncidentFileApplicationId));
  EXPECT_EQ(SqlText(path, "PRAGMA user_version"), std::to_string(IncidentMigrations().size()));
  EXPECT_EQ(SqlText(path, "PRAGMA journal_mode"), "wal");
}

TEST(IncidentStoreTest, IncidentsSurviveARoundTrip) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  const Incident sample = Sample(7);
  {
    auto store = OpenOrFail(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->Save({sample}, WallTime()), std::nullopt);
    Incident updated = sample;
    updated.end = sample.start + seconds(120);
    EXPECT_EQ(store->Save({updated}, WallTime()), std::nullopt);  // replaced by id
  }
  auto store = OpenOrFail(path);
  auto loaded = std::get<std::vector<Incident>>(store->Load());
  ASSERT_EQ(loaded.size(), 1u);
  Incident expected = sample;
  expected.end = sample.start + seconds(120);
  EXPECT_EQ(IncidentJson(loaded[0], WallTime()), IncidentJson(expected, WallTime()));
}

TEST(IncidentStoreTest, RetentionForgetsIncidentsThatEndedBeforeIt) {
  test::TempDir dir;
  auto store = OpenOrFail(dir.PathOf("outage.db"));
  Incident old = Sample(1);
  old.end = old.start + seconds(60);
  Incident open = Sample(2);  // open incidents are never forgotten
  ASSERT_EQ(store->Save({old, open}, WallTime()), std::nullopt);
  ASSERT_EQ(store->Save({}, old.start + seconds(61)), std::nullopt);
  auto loaded = std::get<std::vector<Incident>>(store->Load());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, 2);
}

TEST(IncidentStoreTest, AFileThatIsNotSqliteIsRefusedUntouched) {
  test::TempDir dir;
  const std::string contents(8192, 'x');
  const std::string path = dir.WriteFile("outage.db", contents);
  const StoreOpenError error = OpenError(path);
  EXPECT_TRUE(error.refused) << error.message;
  EXPECT_NE(error.message.find("left untouched"), std::string::npos) << error.message;
  EXPECT_EQ(test::TempDir::ReadFile(path), contents);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(IncidentStoreTest, AnotherApplicationsDatabaseIsRefusedUntouched) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  SqlText(path, "CREATE TABLE grafana (x)");
  const std::string before = test::TempDir::ReadFile(path);
  const StoreOpenError error = OpenError(path);
  EXPECT_TRUE(error.refused) << error.message;
  EXPECT_NE(error.message.find("another application"), std::string::npos) << error.message;
  EXPECT_EQ(test::TempDir::ReadFile(path), before);
}

TEST(IncidentStoreTest, ANewerSchemaIsRefusedUntouched) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  ASSERT_NE(OpenOrFail(path), nullptr);
  SqlText(path, "PRAGMA user_version = 99");
  SqlText(path, "PRAGMA wal_checkpoint(TRUNCATE)");
  const std::string before = test::TempDir::ReadFile(path);
  const StoreOpenError error = OpenError(path);
  EXPECT_TRUE(error.refused) << error.message;
  EXPECT_NE(error.message.find("newer"), std::string::npos) << error.message;
  EXPECT_EQ(test::TempDir::ReadFile(path), before);
}

TEST(IncidentStoreTest, ACorruptFileIsRefusedUntouched) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  {
    auto store = OpenOrFail(path);
    std::vector<Incident> many;
    for (int i = 1; i <= 200; ++i) many.push_back(Sample(i));
    ASSERT_EQ(store->Save(many, WallTime()), std::nullopt);
  }
  SqlText(path, "PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes = test::TempDir::ReadFile(path);
  ASSERT_GT(bytes.size(), 3 * 4096u);
  // Keep the header (page 1) and overwrite the pages after it.
  for (size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  const std::string corrupt = dir.WriteFile("outage.db", bytes);
  const StoreOpenError error = OpenError(corrupt);
  EXPECT_TRUE(error.refused) << error.message;
  EXPECT_EQ(test::TempDir::ReadFile(corrupt), bytes);
}

TEST(IncidentStoreTest, TheWritersMemoryStaysSmallAsTheFileGrows) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  auto store = OpenOrFail(path);
  ASSERT_NE(store, nullptr);
  const int64_t before = sqlite3_memory_used();
  for (int batch = 0; batch < 40; ++batch) {
    std::vector<Incident> incidents;
    for (int i = 1; i <= 100; ++i) incidents.push_back(Sample(batch * 100 + i));
    ASSERT_EQ(store->Save(incidents, WallTime()), std::nullopt);
  }
  const auto file_bytes =
      std::filesystem::file_size(path) + std::filesystem::file_size(path + "-wal");
  ASSERT_GT(file_bytes, 3u << 20) << "too small a file to fill SQLite's default 2 MiB cache";
  EXPECT_LT(sqlite3_memory_used() - before, 1 << 20);
}

TEST(IncidentStoreTest, AnOlderSchemaIsMigratedKeepingItsIncidents) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  // A file at schema 1, as the first release wrote it.
  SqlText(path, IncidentMigrations()[0]);
  SqlText(path, "PRAGMA application_id = " + std::to_string(kIncidentFileApplicationId));
  SqlText(path, "PRAGMA user_version = 1");
  SqlText(path, "INSERT INTO incidents VALUES (3, 'spotify', 1700000000, NULL, '" +
                    IncidentJson(Sample(3), WallTime()) + "')");
  auto store = OpenOrFail(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(SqlText(path, "PRAGMA user_version"), std::to_string(IncidentMigrations().size()));
  EXPECT_EQ(SqlText(path, "SELECT name FROM sqlite_master WHERE name = 'incidents_by_end'"),
            "incidents_by_end");
  auto loaded = std::get<std::vector<Incident>>(store->Load());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, 3);
}

TEST(IncidentStoreTest, ASecondOpenOfAFileInUseIsRefusedNamingTheHolder) {
  test::TempDir dir;
  const std::string path = dir.PathOf("outage.db");
  auto first = OpenOrFail(path);
  ASSERT_NE(first, nullptr);
  const StoreOpenError error = OpenError(path);
  EXPECT_TRUE(error.refused) << error.message;
  EXPECT_NE(error.message.find("in use by another outage_exporter (pid " +
                               std::to_string(getpid()) + ","),
            std::string::npos)
      << error.message;
  first.reset();  // closing the store lets the next one in
  EXPECT_NE(OpenOrFail(path), nullptr);
}

// OpenInChildren forks `n` processes that open `path` at the same moment,
// each keeping what it opened until all have answered; returns each one's
// answer: "opened", or "refused: <message>" / "unavailable: <message>".
std::vector<std::string> OpenInChildren(const std::string& path, int n) {
  int go[2], answers[2], release[2];
  EXPECT_EQ(pipe(go), 0);
  EXPECT_EQ(pipe(answers), 0);
  EXPECT_EQ(pipe(release), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(go[1]);
      close(release[1]);
      char byte;
      while (read(go[0], &byte, 1) > 0) {
      }  // EOF: everyone starts now
      auto opened = IncidentStore::Open(path);
      std::string answer = "opened";
      if (auto* error = std::get_if<StoreOpenError>(&opened)) {
        answer = (error->refused ? "refused: " : "unavailable: ") + error->message;
      }
      answer = answer.substr(0, 400) + "\n";  // one atomic pipe write
      if (write(answers[1], answer.data(), answer.size()) < 0) _exit(2);
      while (read(release[0], &byte, 1) > 0) {
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  close(go[0]);
  close(answers[1]);
  close(release[0]);
  close(go[1]);
  std::string text;
  char buffer[512];
  ssize_t got;
  while (std::count(text.begin(), text.end(), '\n') < n &&
         (got = read(answers[0], buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<size_t>(got));
  }
  close(release[1]);
  for (const pid_t pid : children) waitpid(pid, nullptr, 0);
  close(answers[0]);
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
    out.push_back(text.substr(from, nl - from));
  }
  return out;
}

// Exporters started together on one new path: exactly one gets the file,
// every other is told it is in use (never that the half-made file is
// foreign or that a migration failed).
TEST(IncidentStoreTest, ExportersRacingOnANewFileLetExactlyOneIn) {
  constexpr int kExporters = 6;
  for (int round = 0; round < 10; ++round) {
    test::TempDir dir;
    const std::vector<std::string> answers =
        OpenInChildren(dir.PathOf("data/outage.db"), kExporters);
    ASSERT_EQ(answers.size(), static_cast<size_t>(kExporters));
    int opened = 0;
    for (const std::string& answer : answers) {
      if (answer == "opened") {
        ++opened;
        continue;
      }
      EXPECT_EQ(answer.rfind("refused: ", 0), 0u) << answer;
      EXPECT_NE(answer.find("in use by another outage_exporter"), std::string::npos) << answer;
    }
    ASSERT_EQ(opened, 1) << "round " << round;
  }
}

TEST(IncidentStoreTest, AnUnusablePathIsUnavailableNotRefused) {
  test::TempDir dir;
  const std::string file = dir.WriteFile("a-file", "x");
  const StoreOpenError error = OpenError(file + "/outage.db");  // its "directory" is a file
  EXPECT_FALSE(error.refused) << error.message;
}

TEST(StoreWriterTest, WritesInTheBackgroundAndWaitsWhenAsked) {
  test::TempDir dir;
  FakeClock clock;
  const std::string path = dir.PathOf("outage.db");
  {
    StoreWriter writer(&clock,
                       StoreWriterOptions{path, std::chrono::hours(24), seconds(1), 16, {}});
    std::vector<Incident> loaded;
    ASSERT_EQ(writer.Start(&loaded), std::nullopt);
    EXPECT_TRUE(loaded.empty());
    EXPECT_TRUE(writer.up());
    const uint64_t seq = writer.Enqueue(Sample(1));
    EXPECT_TRUE(writer.WaitWritten(seq, seconds(10)));
    EXPECT_EQ(SqlText(path, "SELECT count(*) FROM incidents"), "1");
    writer.Enqueue(Sample(2));
  }  // the destructor writes what is queued
  EXPECT_EQ(SqlText(path, "SELECT count(*) FROM incidents"), "2");
}

TEST(StoreWriterTest, KeepsUpdatesWhileDownAndWritesThemWhenThePathWorks) {
  test::TempDir dir;
  FakeClock clock;
  const std::string blocker = dir.WriteFile("data", "not a directory");
  const std::string path = dir.PathOf("data/outage.db");
  std::vector<std::string> logs;
  std::mutex mu;
  StoreWriterOptions options{path, std::chrono::hours(24), std::chrono::milliseconds(50), 2,
                             [&](const std::string& message, const std::string&) {
                               std::lock_guard<std::mutex> lock(mu);
                               logs.push_back(message);
                             }};
  StoreWriter writer(&clock, options);
  std::vector<Incident> loaded;
  ASSERT_EQ(writer.Start(&loaded), std::nullopt) << "unavailable is not a start-up error";
  EXPECT_FALSE(writer.up());
  EXPECT_GE(writer.errors_total(), 1);
  EXPECT_FALSE(writer.WaitWritten(writer.Enqueue(Sample(1)), seconds(1)));
  writer.Enqueue(Sample(2));
  EXPECT_EQ(writer.Enqueue(Sample(3)), 0u) << "a full queue drops";
  EXPECT_EQ(writer.dropped_total(), 1);

  std::filesystem::remove(blocker);  // the path works again
  const uint64_t seq = writer.Enqueue(Sample(1));
  bool written = false;
  for (int i = 0; i < 100 && !written; ++i) {  // the writer retries every 50 ms
    written = writer.WaitWritten(seq, std::chrono::milliseconds(50));
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(written);
  EXPECT_TRUE(writer.up());
  EXPECT_EQ(SqlText(path, "SELECT group_concat(id) FROM incidents"), "1,2");
}

}  // namespace
}  // namespace outage
