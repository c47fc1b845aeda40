#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/required_program.h"

extern char** environ;

namespace outage::test {
namespace {

using Clock = std::chrono::steady_clock;

// ResolveProgram finds `program` in $PATH before fork, since execvp is not
// safe to call in the child of a multi-threaded parent.
std::string ResolveProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir.empty() ? "." : dir;
    candidate += "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return program;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void IgnoreSigpipe() {
  // Writing to a child that exited must be an EPIPE, not a dead test.
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

int DecodeStatus(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

}  // namespace

std::unique_ptr<Subprocess> Subprocess::Start(const SubprocessOptions& options,
                                              std::string* error) {
  IgnoreSigpipe();
  const std::string program = ResolveProgram(options.program);

  // Everything the child needs is built before fork.
  std::vector<std::string> argv_store = {options.program};
  argv_store.insert(argv_store.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  argv.reserve(argv_store.size() + 1);
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_store;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [k, v] : options.extra_env) {
      if (entry.size() > k.size() && entry.compare(0, k.size(), k) == 0 && entry[k.size()] == '=') {
        overridden = true;
      }
    }
    if (!overridden) env_store.emplace_back(entry);
  }
  for (const auto& [k, v] : options.extra_env)
    env_store.push_back(std::string(k).append("=").append(v));
  std::vector<char*> envp;
  envp.reserve(env_store.size() + 1);
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  auto fail = [&](const std::string& what) {
    if (error != nullptr) *error = what + ": " + std::strerror(errno);
    return nullptr;
  };

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  int exec_pipe[2] = {-1, -1};
  int out_file = -1, err_file = -1;
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return fail("open /dev/null");
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  if (options.stdin_data && pipe2(in_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  if (options.stdout_file.empty()) {
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  } else {
    out_file = open(options.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_file < 0) return fail("open " + options.stdout_file);
  }
  if (options.stderr_file.empty()) {
    if (pipe2(err_pipe, O_CLOEXEC) != 0) return fail("pipe2");
  } else {
    err_file = open(options.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (err_file < 0) return fail("open " + options.stderr_file);
  }
  const int child_in = options.stdin_data ? in_pipe[0] : null_fd;
  const int child_out = out_file >= 0 ? out_file : out_pipe[1];
  const int child_err = err_file >= 0 ? err_file : err_pipe[1];
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) _exit(127);
    dup2(child_in, 0);
    dup2(child_out, 1);
    dup2(child_err, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Keep the exec-status pipe at fd 3 and close every other inherited fd
    // (curl sockets, other tests' listeners) so the child holds nothing.
    int report = exec_pipe[1];
    if (report != 3) {
      report = dup3(exec_pipe[1], 3, O_CLOEXEC);
    }
    close_range(4, ~0U, 0);
    execve(program.c_str(), argv.data(), envp.data());
    const int err = errno;
    if (report >= 0) {
      ssize_t ignored = write(report, &err, sizeof(err));
      (void)ignored;
    }
    _exit(127);
  }

  // Parent.
  close(exec_pipe[1]);
  close(null_fd);
  for (int fd : {in_pipe[0], out_pipe[1], err_pipe[1], out_file, err_file}) {
    if (fd >= 0) close(fd);
  }
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  close(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
    int ws;
    waitpid(pid, &ws, 0);
    for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) {
      if (fd >= 0) close(fd);
    }
    errno = exec_errno;
    if (exec_errno == ENOENT) {
      // Name the Debian package, not just "No such file or directory".
      if (error != nullptr) *error = "exec " + program + ": " + MissingProgram(options.program);
      return nullptr;
    }
    return fail("exec " + program);
  }

  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->stdin_fd_ = in_pipe[1];
  p->stdout_fd_ = out_pipe[0];
  p->stderr_fd_ = err_pipe[0];
  p->stdin_data_ = options.stdin_data.value_or("");
  p->stdout_file_ = options.stdout_file;
  p->stderr_file_ = options.stderr_file;
  for (int fd : {p->stdin_fd_, p->stdout_fd_, p->stderr_fd_}) {
    if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  p->reader_ = std::thread([raw = p.get()] { raw->ReaderLoop(); });
  return p;
}

void Subprocess::ReaderLoop() {
  size_t stdin_written = 0;
  if (stdin_fd_ >= 0 && stdin_data_.empty()) {
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  char buf[16384];
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_reader_) break;
    }
    std::vector<pollfd> fds;
    if (stdout_fd_ >= 0) fds.push_back({stdout_fd_, POLLIN, 0});
    if (stderr_fd_ >= 0) fds.push_back({stderr_fd_, POLLIN, 0});
    if (stdin_fd_ >= 0) fds.push_back({stdin_fd_, POLLOUT, 0});
    if (fds.empty()) break;
    // A short timeout keeps the stop flag responsive.
    if (poll(fds.data(), fds.size(), 50) <= 0) continue;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == stdin_fd_) {
        const ssize_t w = write(stdin_fd_, stdin_data_.data() + stdin_written,
                                stdin_data_.size() - stdin_written);
        if (w > 0) stdin_written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || stdin_written == stdin_data_.size()) {
          close(stdin_fd_);
          stdin_fd_ = -1;
        }
        continue;
      }
      const ssize_t r = read(p.fd, buf, sizeof(buf));
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (r <= 0) {
        if (p.fd == stdout_fd_) stdout_fd_ = -1;
        if (p.fd == stderr_fd_) stderr_fd_ = -1;
        close(p.fd);
      } else if (p.fd == stdout_fd_) {
        stdout_buf_.append(buf, static_cast<size_t>(r));
      } else {
        stderr_buf_.append(buf, static_cast<size_t>(r));
      }
      cv_.notify_all();
    }
  }
  for (int* fd : {&stdin_fd_, &stdout_fd_, &stderr_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  std::lock_guard<std::mutex> lock(mu_);
  reader_done_ = true;
  cv_.notify_all();
}

Subprocess::~Subprocess() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!status_ && !TryReap()) {
      kill(pid_, SIGKILL);
      int ws;
      if (waitpid(pid_, &ws, 0) == pid_) status_ = DecodeStatus(ws);
    }
    stop_reader_ = true;
  }
  if (reader_.joinable()) reader_.join();
}

std::string Subprocess::Stdout() const {
  if (!stdout_file_.empty()) return ReadWholeFile(stdout_file_);
  std::lock_guard<std::mutex> lock(mu_);
  return stdout_buf_;
}

std::string Subprocess::Stderr() const {
  if (!stderr_file_.empty()) return ReadWholeFile(stderr_file_);
  std::lock_guard<std::mutex> lock(mu_);
  return stderr_buf_;
}

std::optional<std::string> Subprocess::NextStderrLine(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  std::optional<std::string> line;
  cv_.wait_for(lock, timeout, [&] {
    const size_t nl = stderr_buf_.find('\n', stderr_consumed_);
    if (nl != std::string::npos) {
      line = stderr_buf_.substr(stderr_consumed_, nl - stderr_consumed_);
      stderr_consumed_ = nl + 1;
      return true;
    }
    if (reader_done_ || stop_reader_) {
      if (stderr_consumed_ < stderr_buf_.size()) {
        line = stderr_buf_.substr(stderr_consumed_);
        stderr_consumed_ = stderr_buf_.size();
      }
      return true;
    }
    return false;
  });
  return line;
}

std::optional<std::string> Subprocess::WaitForStderrLine(
    const std::function<bool(std::string_view)>& match, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<std::string> line = NextStderrLine(left);
    if (!line) {
      std::lock_guard<std::mutex> lock(mu_);
      if (reader_done_) return std::nullopt;  // stream ended, nothing more
      continue;
    }
    if (match(*line)) return line;
  }
  return std::nullopt;
}

bool Subprocess::TryReap() {
  if (status_) return true;
  int ws;
  const pid_t r = waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) {
    status_ = DecodeStatus(ws);
    return true;
  }
  return false;
}

bool Subprocess::Signal(int sig) {
  std::lock_guard<std::mutex> lock(mu_);
  if (TryReap()) return false;
  return kill(pid_, sig) == 0;
}

bool Subprocess::Running() {
  std::lock_guard<std::mutex> lock(mu_);
  return !TryReap();
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  while (!TryReap()) {
    if (Clock::now() >= deadline) return std::nullopt;
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    lock.lock();
  }
  // Let the pipes drain so Stdout/Stderr are complete.
  cv_.wait_for(lock, std::chrono::seconds(1), [&] { return reader_done_; });
  return status_;
}

int Subprocess::Kill() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!TryReap()) kill(pid_, SIGKILL);
  }
  return Wait(std::chrono::seconds(10)).value_or(-1);
}

RunResult RunSubprocess(const SubprocessOptions& options, std::chrono::milliseconds timeout) {
  RunResult result;
  std::unique_ptr<Subprocess> p = Subprocess::Start(options, &result.error);
  if (p == nullptr) return result;
  result.started = true;
  result.exit_code = p->Wait(timeout);
  if (!result.exit_code) p->Kill();
  result.stdout_text = p->Stdout();
  result.stderr_text = p->Stderr();
  return result;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace outage::test
