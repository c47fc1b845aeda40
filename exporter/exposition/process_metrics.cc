#include "exporter/exposition/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace outage {
namespace {

// StatFields returns /proc/self/stat split after the command name, so that
// index 0 is field 3 (state) of proc(5).
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const size_t close = line.rfind(')');  // the command may contain spaces
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  std::string f;
  while (rest >> f) fields.push_back(f);
  return fields;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory handle itself
}

}  // namespace

void AddProcessMetrics(FamilySet* out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const std::vector<std::string> f = StatFields();
  // proc(5): utime=14, stime=15, starttime=22, vsize=23, rss=24; f[0] is 3.
  if (f.size() > 21 && ticks > 0) {
    const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
    out->AddCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    {}, cpu);
    out->AddGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
                  std::stod(f[20]));
    out->AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                  std::stod(f[21]) * page);
    const double boot = BootTimeSeconds();
    if (boot > 0) {
      out->AddGauge("process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.", {},
                    boot + std::stod(f[19]) / ticks);
    }
  }
  const int fds = CountOpenFds();
  if (fds >= 0) {
    out->AddGauge("process_open_fds", "Number of open file descriptors.", {}, fds);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out->AddGauge("process_max_fds", "Maximum number of open file descriptors.", {},
                  static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace outage
