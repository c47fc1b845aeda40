// Tests for the curl-code and status-code classification of HTTP probes.
#include "collectors/http/http_classify.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace outage {
namespace {

constexpr TransferProgress kConnected{true, true};

struct CurlCase {
  CURLcode code;
  FailureReason want;
};

void ExpectClassified(const std::vector<CurlCase>& cases) {
  for (const CurlCase& c : cases) {
    SCOPED_TRACE(std::string(curl_easy_strerror(c.code)) + " (" +
                 std::to_string(static_cast<int>(c.code)) + ")");
    EXPECT_EQ(FailureReasonName(ReasonForCurlError(c.code, kConnected, false)),
              FailureReasonName(c.want));
  }
}

TEST(ReasonForCurlErrorTest, ResolutionFailuresAreDns) {
  ExpectClassified({{CURLE_COULDNT_RESOLVE_HOST, FailureReason::kDns},
                    {CURLE_COULDNT_RESOLVE_PROXY, FailureReason::kDns}});
}

TEST(ReasonForCurlErrorTest, ConnectionFailuresAreNetwork) {
  ExpectClassified({{CURLE_COULDNT_CONNECT, FailureReason::kNetwork},
                    {CURLE_SEND_ERROR, FailureReason::kNetwork},
                    {CURLE_RECV_ERROR, FailureReason::kNetwork},
                    {CURLE_PARTIAL_FILE, FailureReason::kNetwork},
                    {CURLE_INTERFACE_FAILED, FailureReason::kNetwork}});
}

TEST(ReasonForCurlErrorTest, HandshakeAndCertificateFailuresAreTls) {
  ExpectClassified({{CURLE_SSL_CONNECT_ERROR, FailureReason::kTls},
                    {CURLE_PEER_FAILED_VERIFICATION, FailureReason::kTls},
                    {CURLE_SSL_CERTPROBLEM, FailureReason::kTls},
                    {CURLE_SSL_CIPHER, FailureReason::kTls},
                    {CURLE_SSL_CACERT_BADFILE, FailureReason::kTls},
                    {CURLE_SSL_ENGINE_NOTFOUND, FailureReason::kTls},
                    {CURLE_SSL_ENGINE_SETFAILED, FailureReason::kTls},
                    {CURLE_SSL_ENGINE_INITFAILED, FailureReason::kTls},
                    {CURLE_SSL_SHUTDOWN_FAILED, FailureReason::kTls},
                    {CURLE_SSL_CRL_BADFILE, FailureReason::kTls},
                    {CURLE_SSL_ISSUER_ERROR, FailureReason::kTls},
                    {CURLE_SSL_PINNEDPUBKEYNOTMATCH, FailureReason::kTls},
                    {CURLE_SSL_INVALIDCERTSTATUS, FailureReason::kTls},
                    {CURLE_SSL_CLIENTCERT, FailureReason::kTls},
                    {CURLE_USE_SSL_FAILED, FailureReason::kTls}});
}

TEST(ReasonForCurlErrorTest, BrokenRepliesAreProtocol) {
  ExpectClassified({{CURLE_GOT_NOTHING, FailureReason::kProtocol},
                    {CURLE_WEIRD_SERVER_REPLY, FailureReason::kProtocol},
                    {CURLE_TOO_MANY_REDIRECTS, FailureReason::kProtocol},
                    {CURLE_UNSUPPORTED_PROTOCOL, FailureReason::kProtocol},
                    {CURLE_BAD_CONTENT_ENCODING, FailureReason::kProtocol},
                    {CURLE_HTTP2, FailureReason::kProtocol},
                    {CURLE_HTTP2_STREAM, FailureReason::kProtocol},
                    {CURLE_HTTP3, FailureReason::kProtocol},
                    {CURLE_FILESIZE_EXCEEDED, FailureReason::kProtocol},
                    {CURLE_WRITE_ERROR, FailureReason::kProtocol},
                    {CURLE_ABORTED_BY_CALLBACK, FailureReason::kProtocol},
                    {CURLE_URL_MALFORMAT, FailureReason::kProtocol},
                    {CURLE_RANGE_ERROR, FailureReason::kProtocol},
                    {CURLE_BAD_FUNCTION_ARGUMENT, FailureReason::kProtocol}});
}

TEST(ReasonForCurlErrorTest, MalformedRepliesCurlReportsAsReceiveErrorsAreProtocol) {
  const TransferProgress connected{true, true};
  EXPECT_EQ(ReasonForCurlError(CURLE_RECV_ERROR, connected, false,
                               "Illegal or missing hexadecimal sequence in chunked-encoding"),
            FailureReason::kProtocol);
  EXPECT_EQ(ReasonForCurlError(CURLE_RECV_ERROR, connected, false,
                               "Too large response headers: 307227 > 307200"),
            FailureReason::kProtocol);
  EXPECT_EQ(ReasonForCurlError(CURLE_RECV_ERROR, connected, false,
                               "Recv failure: Connection reset by peer"),
            FailureReason::kNetwork);
  // curl refuses a header line over 100 KiB as out of memory.
  EXPECT_EQ(ReasonForCurlError(CURLE_OUT_OF_MEMORY, connected, false), FailureReason::kProtocol);
  EXPECT_EQ(ReasonForCurlError(CURLE_OUT_OF_MEMORY, TransferProgress{true, false}, false),
            FailureReason::kNetwork);
}

TEST(ReasonForCurlErrorTest, UnlistedCodesFallBackToNetwork) {
  ExpectClassified({{CURLE_FAILED_INIT, FailureReason::kNetwork},
                    {CURLE_LOGIN_DENIED, FailureReason::kNetwork}});
}

TEST(ReasonForCurlErrorTest, TimeoutBeforeNameResolvedIsDns) {
  EXPECT_EQ(ReasonForCurlError(CURLE_OPERATION_TIMEDOUT, TransferProgress{false, false}, false),
            FailureReason::kDns);
}

TEST(ReasonForCurlErrorTest, TimeoutWhileConnectingIsNetwork) {
  EXPECT_EQ(ReasonForCurlError(CURLE_OPERATION_TIMEDOUT, TransferProgress{true, false}, false),
            FailureReason::kNetwork);
}

TEST(ReasonForCurlErrorTest, TimeoutAfterConnectIsTimeout) {
  EXPECT_EQ(ReasonForCurlError(CURLE_OPERATION_TIMEDOUT, TransferProgress{true, true}, false),
            FailureReason::kTimeout);
}

TEST(ReasonForCurlErrorTest, AbortedByLimitIsProtocolWhateverTheCode) {
  for (CURLcode code : {CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK, CURLE_OPERATION_TIMEDOUT,
                        CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR}) {
    SCOPED_TRACE(curl_easy_strerror(code));
    EXPECT_EQ(ReasonForCurlError(code, TransferProgress{}, true), FailureReason::kProtocol);
  }
}

TEST(ReasonForStatusTest, TooManyRequestsIsHttp429) {
  EXPECT_EQ(ReasonForStatus(429), FailureReason::kHttp429);
}

TEST(ReasonForStatusTest, ServerErrorsAreHttp5xx) {
  for (long status : {500L, 502L, 503L, 504L, 599L}) {
    SCOPED_TRACE(status);
    EXPECT_EQ(ReasonForStatus(status), FailureReason::kHttp5xx);
  }
}

TEST(ReasonForStatusTest, OtherStatusesAreHttpStatus) {
  for (long status : {0L, 100L, 200L, 301L, 304L, 400L, 403L, 404L, 428L, 430L, 499L, 600L}) {
    SCOPED_TRACE(status);
    EXPECT_EQ(ReasonForStatus(status), FailureReason::kHttpStatus);
  }
}

TEST(IsValidStatusTest, EmptyListMeansAny2xx) {
  const std::vector<int> none;
  EXPECT_TRUE(IsValidStatus(200, none));
  EXPECT_TRUE(IsValidStatus(204, none));
  EXPECT_TRUE(IsValidStatus(299, none));
  EXPECT_FALSE(IsValidStatus(199, none));
  EXPECT_FALSE(IsValidStatus(300, none));
  EXPECT_FALSE(IsValidStatus(404, none));
  EXPECT_FALSE(IsValidStatus(0, none));
}

TEST(IsValidStatusTest, ExplicitListIsExactAndReplaces2xx) {
  const std::vector<int> codes = {301, 404};
  EXPECT_TRUE(IsValidStatus(301, codes));
  EXPECT_TRUE(IsValidStatus(404, codes));
  EXPECT_FALSE(IsValidStatus(200, codes));
  EXPECT_FALSE(IsValidStatus(302, codes));
}

}  // namespace
}  // namespace outage
