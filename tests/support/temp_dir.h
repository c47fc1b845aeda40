// A temporary directory for one test, removed with everything in it when the
// TempDir goes away.
#pragma once

#include <string>
#include <string_view>

namespace outage::test {

// TempDir creates a fresh directory under $TMPDIR (or /tmp) on construction
// and removes it recursively on destruction. Not thread-safe; not copyable.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // path is the directory's absolute path.
  const std::string& path() const { return path_; }

  // PathOf returns path()/name without touching the filesystem.
  std::string PathOf(std::string_view name) const;

  // WriteFile writes `contents` to path()/name (creating parent directories,
  // replacing an existing file) and returns the full path. Aborts on I/O
  // failure: a test cannot continue without its fixtures.
  std::string WriteFile(std::string_view name, std::string_view contents) const;

  // ReadFile returns the bytes of the file at `path` (any path, not only
  // one in this directory); "" when it cannot be read.
  static std::string ReadFile(const std::string& path);

 private:
  std::string path_;
};

}  // namespace outage::test
