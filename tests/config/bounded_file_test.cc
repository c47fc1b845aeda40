// Tests for ReadBoundedFile on real files, a FIFO and a device.
#include "config/bounded_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

namespace outage {
namespace {

// TempPath names a fresh path in the test's temporary directory.
std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/bounded_file_" + std::to_string(getpid()) + "_" + name;
}

TEST(BoundedFileTest, ReadsARegularFileWhole) {
  const std::string path = TempPath("regular");
  std::ofstream(path) << "modules: {}\n";
  std::string text;
  EXPECT_EQ(ReadBoundedFile(path, &text), std::nullopt);
  EXPECT_EQ(text, "modules: {}\n");
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesAFifoWithoutWaitingForAWriter) {
  const std::string path = TempPath("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  std::string text;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadBoundedFile(path, &text), "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesADeviceBehindASymlink) {
  const std::string path = TempPath("zero");
  ASSERT_EQ(symlink("/dev/zero", path.c_str()), 0);
  std::string text;
  EXPECT_EQ(ReadBoundedFile(path, &text), "not a regular file");
  EXPECT_TRUE(text.empty());
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesAFileOverTheCap) {
  const std::string path = TempPath("big");
  std::ofstream(path) << std::string(1025, 'x');
  std::string text;
  EXPECT_EQ(ReadBoundedFile(path, &text, 1024), "file is larger than 1024 bytes");
  EXPECT_EQ(ReadBoundedFile(path, &text, 1025), std::nullopt);
  EXPECT_EQ(text.size(), 1025u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace outage
