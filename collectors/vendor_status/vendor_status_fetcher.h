// Fetches status-page documents over HTTP(S) with libcurl: all URLs at once
// in one curl multi loop on the calling thread, bounded by a deadline.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/config.h"

namespace outage {

struct VendorStatusFetch {
  bool ok = false;  // HTTP 200 with a body within the size cap
  std::string body;
  std::string error;  // why not, when !ok
};

// kMaxVendorStatusBytes caps a document (real ones are tens of KiB).
inline constexpr size_t kMaxVendorStatusBytes = 4 * 1024 * 1024;

// FetchVendorStatusPages GETs every URL (http and https only, up to 3 redirects)
// and returns one result per URL, in order, by `deadline`. Every hop's host
// and every address connected to pass `policy`, as a probe's do. Thread-safe
// (curl_global_init must have run).
std::vector<VendorStatusFetch> FetchVendorStatusPages(
    const std::vector<std::string>& urls, const ProbePolicy& policy,
    std::chrono::steady_clock::time_point deadline);

}  // namespace outage
