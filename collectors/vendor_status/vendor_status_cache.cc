// See vendor_status_cache.h.
#include "collectors/vendor_status/vendor_status_cache.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/exception_text.h"
#include "collectors/vendor_status/vendor_status_parser.h"

namespace outage {

VendorStatusCache::VendorStatusCache(Fetcher fetcher, FailureReporter on_failure)
    : fetcher_(std::move(fetcher)), on_failure_(std::move(on_failure)) {}

std::string VendorStatusCache::SummaryUrl(const std::string& url) {
  constexpr std::string_view kJson = ".json";
  if (url.size() >= kJson.size() &&
      url.compare(url.size() - kJson.size(), kJson.size(), kJson) == 0) {
    return url;
  }
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/v2/summary.json";
}

void VendorStatusCache::Sync(const std::vector<VendorStatusPage>& pages) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Entry> kept;
  for (const VendorStatusPage& page : pages) {
    const std::string url = SummaryUrl(page.url);
    auto it = entries_.find(page.name);
    // An entry being fetched stays: its fetch will store into it.
    if (it != entries_.end() && (it->second.url == url || it->second.fetching)) {
      kept.emplace(page.name, std::move(it->second));
    }
  }
  entries_ = std::move(kept);
}

void VendorStatusCache::Refresh(const std::vector<VendorStatusPage>& pages,
                                const ProbePolicy& policy,
                                std::chrono::system_clock::time_point now,
                                std::chrono::steady_clock::time_point deadline) {
  std::vector<std::string> names;
  std::vector<std::string> urls;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const VendorStatusPage& page : pages) {
      Entry& e = entries_[page.name];
      const std::string url = SummaryUrl(page.url);
      if (e.url != url && !e.fetching) e = Entry{url, false, false, {}, {}};
      const bool due = !e.attempted || now - e.last_attempt >= page.refresh_interval ||
                       now < e.last_attempt;  // the clock went back
      if (e.fetching || !due) continue;
      e.fetching = true;
      e.attempted = true;
      e.last_attempt = now;
      names.push_back(page.name);
      urls.push_back(url);
    }
  }
  if (!urls.empty()) {
    std::vector<VendorStatusFetch> fetched;
    // A fetcher that throws fails every fetch with its text; the flags must
    // still be cleared below.
    std::string thrown;
    try {
      fetched = fetcher_(urls, policy, deadline);
    } catch (...) {
      thrown = "internal error: " + CurrentExceptionText();
    }
    fetched.resize(urls.size());  // a fetcher that returned too few: failed fetches
    if (!thrown.empty()) {
      for (VendorStatusFetch& f : fetched) f = VendorStatusFetch{false, "", thrown};
    }
    std::vector<std::pair<std::string, std::string>> failures;  // reported unlocked
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < names.size(); ++i) {
        Entry& e = entries_[names[i]];
        e.fetching = false;
        std::string error;
        std::optional<VendorStatusSummary> summary;
        if (fetched[i].ok) {
          summary = ParseVendorStatusSummary(fetched[i].body, &error);
          if (!summary) error = "unparsable summary: " + error;
        } else {
          error = fetched[i].error.empty() ? "fetch failed" : fetched[i].error;
        }
        e.view.up = summary.has_value();
        e.view.last_error = error;
        if (summary) {
          e.view.summary = std::make_shared<const VendorStatusSummary>(std::move(*summary));
          e.view.last_success_seconds =
              std::chrono::duration<double>(now.time_since_epoch()).count();
        } else {
          failures.emplace_back(names[i], error);
        }
      }
      fetched_.notify_all();
    }
    if (on_failure_) {
      for (const auto& [name, error] : failures) on_failure_(name, error);
    }
  }
  // Wait for pages other scrapes are fetching, so this scrape sees them.
  std::unique_lock<std::mutex> lock(mu_);
  fetched_.wait_until(lock, deadline, [&] {
    for (const VendorStatusPage& page : pages) {
      auto it = entries_.find(page.name);
      if (it != entries_.end() && it->second.fetching) return false;
    }
    return true;
  });
}

std::vector<VendorStatusView> VendorStatusCache::Views(
    const std::vector<VendorStatusPage>& pages) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<VendorStatusView> views;
  for (const VendorStatusPage& page : pages) {
    VendorStatusView view;
    auto it = entries_.find(page.name);
    if (it != entries_.end()) view = it->second.view;
    view.name = page.name;
    views.push_back(std::move(view));
  }
  return views;
}

}  // namespace outage
