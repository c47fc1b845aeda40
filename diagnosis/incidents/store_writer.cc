// See store_writer.h.
#include "diagnosis/incidents/store_writer.h"

#include <utility>
#include <variant>

namespace outage {

StoreWriter::StoreWriter(const Clock* clock, StoreWriterOptions options)
    : clock_(clock), options_(std::move(options)) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> StoreWriter::Start(std::vector<Incident>* loaded) {
  auto opened = IncidentStore::Open(options_.path);
  if (auto* error = std::get_if<StoreOpenError>(&opened)) {
    if (error->refused) return error->message;
    MarkDown("Incident storage unavailable; keeping incidents in memory until it can be written",
             error->message);
  } else {
    store_ = std::get<std::unique_ptr<IncidentStore>>(std::move(opened));
    auto incidents = store_->Load();
    if (auto* error = std::get_if<std::string>(&incidents)) return options_.path + ": " + *error;
    *loaded = std::get<std::vector<Incident>>(std::move(incidents));
    std::lock_guard<std::mutex> lock(mu_);
    up_ = true;
  }
  thread_ = std::thread([this] { Run(); });
  return std::nullopt;
}

uint64_t StoreWriter::Enqueue(const Incident& incident) {
  uint64_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = queue_.find(incident.id);
    if (it == queue_.end() && queue_.size() >= options_.max_queued) {
      ++dropped_;
      return 0;
    }
    seq = next_seq_++;
    queue_[incident.id] = Queued{incident, seq};
  }
  cv_.notify_all();
  return seq;
}

bool StoreWriter::WaitWritten(uint64_t seq, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return !up_ || written_seq_ >= seq; }) && up_;
}

bool StoreWriter::up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return up_;
}

int64_t StoreWriter::errors_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

int64_t StoreWriter::dropped_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void StoreWriter::MarkDown(const std::string& message, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++errors_;
    up_ = false;
  }
  cv_.notify_all();  // WaitWritten stops waiting for a store that is down
  if (options_.log) options_.log(message, error);
}

void StoreWriter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (store_ == nullptr) {
      // Down: try again after retry_interval (or once more when stopping).
      cv_.wait_for(lock, options_.retry_interval, [&] { return stopping_; });
      lock.unlock();
      auto opened = IncidentStore::Open(options_.path);
      lock.lock();
      if (auto* store = std::get_if<std::unique_ptr<IncidentStore>>(&opened)) {
        store_ = std::move(*store);
        up_ = true;
        lock.unlock();
        if (options_.log) options_.log("Incident storage is back; writing the kept incidents", "");
        lock.lock();
      } else if (stopping_) {
        return;
      } else {
        continue;
      }
    }
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::map<int64_t, Queued> batch;
    batch.swap(queue_);
    const uint64_t seq = next_seq_ - 1;
    const bool stopping = stopping_;
    lock.unlock();
    const bool written = WriteBatch(&batch, seq);
    lock.lock();
    if (!written) {
      // Keep what failed unless a newer copy came meanwhile.
      for (auto& [id, queued] : batch) queue_.emplace(id, std::move(queued));
      if (stopping) return;
    }
  }
}

bool StoreWriter::WriteBatch(std::map<int64_t, Queued>* batch, uint64_t seq) {
  std::vector<Incident> incidents;
  incidents.reserve(batch->size());
  for (const auto& [id, queued] : *batch) incidents.push_back(queued.incident);
  const WallTime forget_before = clock_->Now() - options_.retention;
  if (auto error = store_->Save(incidents, forget_before)) {
    store_.reset();  // reopened after retry_interval
    MarkDown("Cannot write incidents; keeping them in memory and retrying", *error);
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    written_seq_ = std::max(written_seq_, seq);
  }
  cv_.notify_all();
  return true;
}

}  // namespace outage
