#include "collectors/http/http_classify.h"

#include <algorithm>

namespace outage {

FailureReason ReasonForCurlError(CURLcode code, TransferProgress progress, bool aborted_by_us,
                                 std::string_view curl_error) {
  if (aborted_by_us) return FailureReason::kProtocol;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FailureReason::kDns;

    case CURLE_OPERATION_TIMEDOUT:
      // Where the clock ran out tells the cause: still resolving is DNS,
      // still connecting is the network path, connected but silent is an
      // overloaded (or hung) server.
      if (!progress.resolved) return FailureReason::kDns;
      if (!progress.connected) return FailureReason::kNetwork;
      return FailureReason::kTimeout;

    case CURLE_RECV_ERROR:
      // curl reports a bad chunk size and oversized headers as receive
      // errors: the server answered, wrongly.
      if (curl_error.find("chunked-encoding") != std::string_view::npos ||
          curl_error.find("response headers") != std::string_view::npos) {
        return FailureReason::kProtocol;
      }
      return FailureReason::kNetwork;

    case CURLE_OUT_OF_MEMORY:
      // Once connected, this is curl refusing a header line over its
      // 100 KiB limit, not the machine running out.
      return progress.connected ? FailureReason::kProtocol : FailureReason::kNetwork;

    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_INTERFACE_FAILED:
      return FailureReason::kNetwork;

    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return FailureReason::kTls;

    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_URL_MALFORMAT:
    case CURLE_RANGE_ERROR:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return FailureReason::kProtocol;

    default:
      return FailureReason::kNetwork;
  }
}

FailureReason ReasonForStatus(long status) {
  if (status == 429) return FailureReason::kHttp429;
  if (status >= 500 && status <= 599) return FailureReason::kHttp5xx;
  return FailureReason::kHttpStatus;
}

bool IsValidStatus(long status, const std::vector<int>& valid_status_codes) {
  if (valid_status_codes.empty()) return status >= 200 && status <= 299;
  return std::find(valid_status_codes.begin(), valid_status_codes.end(),
                   static_cast<int>(status)) != valid_status_codes.end();
}

}  // namespace outage
