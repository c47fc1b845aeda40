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
  std::string error;
  EXPECT_EQ(ReadBoundedFile(path, &error), "modules: {}\n");
  EXPECT_EQ(error, "");
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesAFifoWithoutWaitingForAWriter) {
  const std::string path = TempPath("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadBoundedFile(path, &error), std::nullopt);
  EXPECT_EQ(error, "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesADeviceBehindASymlink) {
  const std::string path = TempPath("zero");
  ASSERT_EQ(symlink("/dev/zero", path.c_str()), 0);
  std::string error;
  EXPECT_EQ(ReadBoundedFile(path, &error), std::nullopt);
  EXPECT_EQ(error, "not a regular file");
  std::remove(path.c_str());
}

TEST(BoundedFileTest, RefusesAFileOverTheCap) {
  const std::string path = TempPath("big");
  std::ofstream(path) << std::string(1025, 'x');
  std::string error;
  EXPECT_EQ(ReadBoundedFile(path, &error, 1024), std::nullopt);
  EXPECT_EQ(error, "file is larger than 1024 bytes");
  const std::optional<std::string> text = ReadBoundedFile(path, &error, 1025);
  ASSERT_NE(text, std::nullopt);
  EXPECT_EQ(text->size(), 1025u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace outage
