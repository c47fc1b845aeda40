// VendorStatusCache: the last good summary of each configured status page.
// Scrapes call Refresh, which fetches the pages whose refresh_interval has
// passed (each page at most once per interval, however many scrapes run),
// and keeps serving the last good summary when a fetch fails.
//
// Thread-safe. A page being fetched by one scrape is not fetched again by
// another: the second waits for the first (until its own deadline).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collectors/vendor_status/vendor_status_fetcher.h"
#include "collectors/vendor_status/vendor_status_summary.h"
#include "config/config.h"

namespace outage {

// VendorStatusView is one page as the metrics show it.
struct VendorStatusView {
  std::string name;
  bool up = false;                                     // the last fetch worked
  double last_success_seconds = 0;                     // unix time; 0 = never
  std::shared_ptr<const VendorStatusSummary> summary;  // last good one; null = never
  std::string last_error;                              // why the last fetch failed; "" when up
};

class VendorStatusCache {
 public:
  using Fetcher = std::function<std::vector<VendorStatusFetch>(
      const std::vector<std::string>& urls, const ProbePolicy& policy,
      std::chrono::steady_clock::time_point deadline)>;

  // FailureReporter hears of every failed fetch or unparsable document: the
  // page's name and why (no URL, which may carry credentials).
  using FailureReporter = std::function<void(const std::string& page, const std::string& error)>;

  explicit VendorStatusCache(Fetcher fetcher = FetchVendorStatusPages,
                             FailureReporter on_failure = {});
  VendorStatusCache(const VendorStatusCache&) = delete;
  VendorStatusCache& operator=(const VendorStatusCache&) = delete;

  // Sync forgets pages no longer configured (or whose URL changed).
  void Sync(const std::vector<VendorStatusPage>& pages);

  // Refresh fetches every page of `pages` not fetched within its
  // refresh_interval before `now`, under `policy`, returning by `deadline`.
  void Refresh(const std::vector<VendorStatusPage>& pages, const ProbePolicy& policy,
               std::chrono::system_clock::time_point now,
               std::chrono::steady_clock::time_point deadline);

  // Views returns `pages` in order as last fetched.
  std::vector<VendorStatusView> Views(const std::vector<VendorStatusPage>& pages) const;

  // SummaryUrl is the summary.json URL of a configured `url`: itself when it
  // ends in ".json", else url + "/api/v2/summary.json".
  static std::string SummaryUrl(const std::string& url);

 private:
  struct Entry {
    std::string url;
    bool fetching = false;
    bool attempted = false;
    std::chrono::system_clock::time_point last_attempt;
    VendorStatusView view;
  };

  const Fetcher fetcher_;
  const FailureReporter on_failure_;
  mutable std::mutex mu_;
  std::condition_variable fetched_;       // a fetch finished
  std::map<std::string, Entry> entries_;  // by page name
};

}  // namespace outage
