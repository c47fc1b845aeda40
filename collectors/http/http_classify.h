// Maps what an HTTP probe saw (a curl result, a status code) to the failure
// reason taxonomy. Pure functions, unit-tested without a network.
#pragma once

#include <curl/curl.h>

#include <string_view>
#include <vector>

#include "collectors/failure_reason.h"

namespace outage {

// TransferProgress says how far a failed transfer got before it ended, which
// is what separates a DNS timeout from a connect timeout from a slow server.
struct TransferProgress {
  bool resolved = false;   // name lookup finished
  bool connected = false;  // TCP connection established
};

// ReasonForCurlError classifies a transfer that ended with `code` != CURLE_OK.
// `aborted_by_us` is true when our own callbacks stopped the transfer: the
// response broke a size or count limit, or a callback threw. `curl_error` is curl's
// error text (CURLOPT_ERRORBUFFER), which tells a malformed reply from a
// broken connection where both end in CURLE_RECV_ERROR.
FailureReason ReasonForCurlError(CURLcode code, TransferProgress progress, bool aborted_by_us,
                                 std::string_view curl_error = {});

// ReasonForStatus classifies an HTTP status that is not in the valid set.
FailureReason ReasonForStatus(long status);

// IsValidStatus applies valid_status_codes (empty means 200-299).
bool IsValidStatus(long status, const std::vector<int>& valid_status_codes);

}  // namespace outage
