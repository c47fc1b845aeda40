// Runs a child program for tests: argv and extra environment in, stdout and
// stderr captured (pipes or files), stderr readable line by line as it comes,
// bounded waits, signals, and SIGKILL when the Subprocess goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace outage::test {

struct SubprocessOptions {
  std::string program;            // a path, or a name looked up in $PATH
  std::vector<std::string> args;  // argv[1..]
  // Added to (or replacing in) the parent's environment.
  std::vector<std::pair<std::string, std::string>> extra_env;
  // Written to the child's stdin, which is then closed; nullopt: /dev/null.
  std::optional<std::string> stdin_data;
  std::string stdout_file;  // empty: captured through a pipe
  std::string stderr_file;  // empty: captured through a pipe
  std::string working_dir;  // the child's working directory; empty: the parent's
};

// Subprocess owns one running child. The child gets PR_SET_PDEATHSIG=SIGKILL
// so a test killed by its runner does not leave it behind; the thread that
// calls Start must therefore outlive the child (GoogleTest's main thread
// does). Thread-safe: all methods may be called from any thread.
class Subprocess {
 public:
  // Start spawns the child. Returns nullptr and sets *error when the program
  // cannot be executed.
  static std::unique_ptr<Subprocess> Start(const SubprocessOptions& options, std::string* error);

  // ~Subprocess sends SIGKILL if the child is still running and reaps it.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Stdout and Stderr return everything captured so far (read from the file
  // when the stream was redirected to one).
  std::string Stdout() const;
  std::string Stderr() const;

  // NextStderrLine returns the next complete stderr line (without '\n') not
  // returned before, waiting up to `timeout`. nullopt on timeout, or once the
  // stream has ended and every line was returned. A final line without '\n'
  // is returned when the stream ends.
  std::optional<std::string> NextStderrLine(std::chrono::milliseconds timeout);

  // WaitForStderrLine consumes lines with NextStderrLine until `match`
  // accepts one, which it returns; nullopt if none did within `timeout`.
  std::optional<std::string> WaitForStderrLine(const std::function<bool(std::string_view)>& match,
                                               std::chrono::milliseconds timeout);

  // Signal sends `sig` to the child; false if it has already been reaped.
  bool Signal(int sig);

  // Wait waits up to `timeout` for the child to exit and returns its status:
  // the exit code, or 128 + signal number when a signal killed it. After a
  // successful Wait the captured output is complete (bounded by 1 s extra
  // for the pipes to drain). nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  // Running reports whether the child has not exited yet.
  bool Running();

  // Kill sends SIGKILL and reaps the child; returns its status as Wait does.
  int Kill();

 private:
  Subprocess() = default;
  void ReaderLoop();
  bool TryReap();  // requires mu_ held

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdin_data_;
  std::string stdout_file_;
  std::string stderr_file_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string stdout_buf_;
  std::string stderr_buf_;
  size_t stderr_consumed_ = 0;  // bytes of stderr_buf_ already returned as lines
  bool reader_done_ = false;
  bool stop_reader_ = false;
  std::optional<int> status_;
  std::thread reader_;
};

// RunResult is the outcome of RunSubprocess.
struct RunResult {
  bool started = false;
  std::string error;             // why it did not start
  std::optional<int> exit_code;  // nullopt: timed out (and was killed)
  std::string stdout_text;
  std::string stderr_text;
};

// RunSubprocess starts a child and waits up to `timeout` for it to exit;
// past that it is killed and exit_code is nullopt.
RunResult RunSubprocess(const SubprocessOptions& options, std::chrono::milliseconds timeout);

// SplitLines splits text on '\n', dropping a trailing empty piece.
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace outage::test
