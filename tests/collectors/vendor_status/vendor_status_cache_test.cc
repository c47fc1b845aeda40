// Tests for VendorStatusCache: refresh intervals, serving the last good
// summary when a fetch fails, single-flight between scrapes, reload.
#include "collectors/vendor_status/vendor_status_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace outage {
namespace {

using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr char kOperational[] =
    R"({"status": {"indicator": "none"}, "components": [{"id": "1", "name": "Web", "status": "operational"}]})";
constexpr char kMajor[] = R"({"status": {"indicator": "major"}, "components": []})";

// ScriptedFetcher answers with `body` (or a failure when empty) and counts
// the URLs it was asked for.
struct ScriptedFetcher {
  std::string body = kOperational;
  std::vector<std::string> asked;

  VendorStatusCache::Fetcher Fn() {
    return
        [this](const std::vector<std::string>& urls, const ProbePolicy&, SteadyClock::time_point) {
          std::vector<VendorStatusFetch> out;
          for (const auto& url : urls) {
            asked.push_back(url);
            VendorStatusFetch f;
            f.ok = !body.empty();
            f.body = body;
            if (!f.ok) f.error = "connection refused";
            out.push_back(f);
          }
          return out;
        };
  }
};

std::vector<VendorStatusPage> Pages() {
  VendorStatusPage page;
  page.name = "spotify";
  page.url = "https://status.example.com/";
  page.refresh_interval = seconds(60);
  return {page};
}

std::chrono::system_clock::time_point At(int s) {
  return std::chrono::system_clock::time_point(seconds(1'700'000'000 + s));
}
SteadyClock::time_point Soon() { return SteadyClock::now() + seconds(5); }

TEST(VendorStatusCacheTest, SummaryUrl) {
  EXPECT_EQ(VendorStatusCache::SummaryUrl("https://www.githubstatus.com"),
            "https://www.githubstatus.com/api/v2/summary.json");
  EXPECT_EQ(VendorStatusCache::SummaryUrl("https://www.githubstatus.com/"),
            "https://www.githubstatus.com/api/v2/summary.json");
  EXPECT_EQ(VendorStatusCache::SummaryUrl("http://127.0.0.1:8080/custom/summary.json"),
            "http://127.0.0.1:8080/custom/summary.json");
}

TEST(VendorStatusCacheTest, ReportsEachFailedFetchWithItsCause) {
  ScriptedFetcher fetcher;
  std::vector<std::string> reported;
  VendorStatusCache cache(fetcher.Fn(), [&](const std::string& page, const std::string& error) {
    reported.push_back(page + ": " + error);
  });
  cache.Refresh(Pages(), {}, At(0), Soon());
  EXPECT_TRUE(reported.empty());
  EXPECT_EQ(cache.Views(Pages())[0].last_error, "");

  fetcher.body.clear();  // the next fetch fails
  cache.Refresh(Pages(), {}, At(60), Soon());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], "spotify: connection refused");
  EXPECT_EQ(cache.Views(Pages())[0].last_error, "connection refused");

  fetcher.body = "{not json";
  cache.Refresh(Pages(), {}, At(120), Soon());
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1].rfind("spotify: unparsable summary: ", 0), 0u) << reported[1];

  fetcher.body = kOperational;
  cache.Refresh(Pages(), {}, At(180), Soon());
  EXPECT_EQ(reported.size(), 2u);
  EXPECT_EQ(cache.Views(Pages())[0].last_error, "");
}

TEST(VendorStatusCacheTest, AThrowingFetcherFailsEachFetchWithItsTextAndFetchesAgainLater) {
  int calls = 0;
  std::vector<std::string> reported;
  VendorStatusCache cache(
      [&](const std::vector<std::string>&, const ProbePolicy&,
          SteadyClock::time_point) -> std::vector<VendorStatusFetch> {
        if (++calls == 1) throw std::runtime_error("kaboom");
        throw 42;
      },
      [&](const std::string& page, const std::string& error) {
        reported.push_back(page + ": " + error);
      });
  cache.Refresh(Pages(), {}, At(0), Soon());
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0], "spotify: internal error: kaboom");
  EXPECT_EQ(cache.Views(Pages())[0].last_error, "internal error: kaboom");
  // The page is not left "being fetched": the next interval fetches again.
  cache.Refresh(Pages(), {}, At(60), Soon());
  EXPECT_EQ(calls, 2);
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1], "spotify: internal error: unknown exception");
  EXPECT_FALSE(cache.Views(Pages())[0].up);
}

TEST(VendorStatusCacheTest, NeverFetchedIsDown) {
  ScriptedFetcher fetcher;
  VendorStatusCache cache(fetcher.Fn());
  const auto views = cache.Views(Pages());
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].name, "spotify");
  EXPECT_FALSE(views[0].up);
  EXPECT_EQ(views[0].summary, nullptr);
}

TEST(VendorStatusCacheTest, FetchesAtMostOncePerRefreshInterval) {
  ScriptedFetcher fetcher;
  VendorStatusCache cache(fetcher.Fn());
  cache.Refresh(Pages(), {}, At(0), Soon());
  cache.Refresh(Pages(), {}, At(30), Soon());
  cache.Refresh(Pages(), {}, At(59), Soon());
  EXPECT_EQ(fetcher.asked.size(), 1u);
  EXPECT_EQ(fetcher.asked[0], "https://status.example.com/api/v2/summary.json");
  cache.Refresh(Pages(), {}, At(60), Soon());
  EXPECT_EQ(fetcher.asked.size(), 2u);
  const auto views = cache.Views(Pages());
  EXPECT_TRUE(views[0].up);
  EXPECT_DOUBLE_EQ(views[0].last_success_seconds, 1'700'000'060);
  ASSERT_NE(views[0].summary, nullptr);
  EXPECT_EQ(views[0].summary->indicator, "none");
}

TEST(VendorStatusCacheTest, FailedFetchKeepsTheLastGoodSummary) {
  ScriptedFetcher fetcher;
  VendorStatusCache cache(fetcher.Fn());
  cache.Refresh(Pages(), {}, At(0), Soon());
  fetcher.body = "";  // the vendor's page is unreachable
  cache.Refresh(Pages(), {}, At(60), Soon());
  auto views = cache.Views(Pages());
  EXPECT_FALSE(views[0].up);
  EXPECT_DOUBLE_EQ(views[0].last_success_seconds, 1'700'000'000);
  ASSERT_NE(views[0].summary, nullptr);
  EXPECT_EQ(views[0].summary->indicator, "none");
  fetcher.body = "{\"status\": {\"indic";  // truncated
  cache.Refresh(Pages(), {}, At(120), Soon());
  views = cache.Views(Pages());
  EXPECT_FALSE(views[0].up);
  EXPECT_EQ(views[0].summary->indicator, "none");
  fetcher.body = kMajor;
  cache.Refresh(Pages(), {}, At(180), Soon());
  views = cache.Views(Pages());
  EXPECT_TRUE(views[0].up);
  EXPECT_EQ(views[0].summary->indicator, "major");
}

TEST(VendorStatusCacheTest, ConcurrentScrapesFetchOnce) {
  std::atomic<int> fetches{0};
  VendorStatusCache cache([&](const std::vector<std::string>& urls, const ProbePolicy&,
                              SteadyClock::time_point) {
    ++fetches;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return std::vector<VendorStatusFetch>(urls.size(), VendorStatusFetch{true, kOperational, ""});
  });
  std::vector<std::thread> scrapes;
  std::atomic<int> saw_summary{0};
  for (int i = 0; i < 4; ++i) {
    scrapes.emplace_back([&] {
      cache.Refresh(Pages(), {}, At(0), Soon());
      saw_summary += cache.Views(Pages())[0].summary != nullptr ? 1 : 0;
    });
  }
  for (auto& s : scrapes) s.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(saw_summary.load(), 4);  // the others waited for the one fetch
}

TEST(VendorStatusCacheTest, SyncForgetsRemovedAndMovedPages) {
  ScriptedFetcher fetcher;
  VendorStatusCache cache(fetcher.Fn());
  cache.Refresh(Pages(), {}, At(0), Soon());
  auto moved = Pages();
  moved[0].url = "https://elsewhere.example.com";
  cache.Sync(moved);
  EXPECT_EQ(cache.Views(moved)[0].summary, nullptr);
  cache.Refresh(moved, {}, At(1), Soon());  // a new URL is fetched at once
  EXPECT_EQ(fetcher.asked.back(), "https://elsewhere.example.com/api/v2/summary.json");
  cache.Sync({});
  EXPECT_EQ(cache.Views(Pages())[0].summary, nullptr);
}

}  // namespace
}  // namespace outage
