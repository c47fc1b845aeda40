// Tests for /api/v1/status's JSON: the documented field names and types.
#include "exporter/status_page/status_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/exporter/status_fixture.h"

namespace outage {
namespace {

using nlohmann::json;

TEST(StatusJsonTest, HasTheDocumentedShape) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kDown, FailureReason::kDns, 300);
  f.AddTarget("https://new.example/", "api", OutageState::kUnknown, std::nullopt);
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->indicator = "minor";
  summary->components.push_back({"API", "Platform", false, "partial_outage"});
  summary->incidents.push_back({"API errors", "major", "investigating", "https://s/x", {"API"}});
  f.AddPage(VendorStatusView{"vendor", true, StatusFixture::kNow, summary, ""});
  f.SetVantageNetworkUp(true);
  const json j = json::parse(StatusJson(f.Build()));

  EXPECT_TRUE(j["exporter"]["version"].is_string());
  EXPECT_TRUE(j["exporter"]["revision"].is_string());
  EXPECT_EQ(j["exporter"]["config_source"], "test.yml");
  EXPECT_EQ(j["exporter"]["config_last_reload_successful"], true);
  EXPECT_EQ(j["exporter"]["config_last_reload_success"], "2023-11-14T21:13:20.000Z");
  EXPECT_EQ(j["generated_at"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(j["group_label"], "service");
  EXPECT_EQ(j["vantage_network_up"], true);

  ASSERT_EQ(j["services"].size(), 1u);
  const json& s = j["services"][0];
  EXPECT_EQ(s["name"], "api");
  EXPECT_EQ(s["verdict"], "down");
  EXPECT_EQ(s["reason"], "dns");
  EXPECT_EQ(s["headline"], "Down \u2014 DNS");
  EXPECT_EQ(s["since"], "2023-11-14T22:08:20.000Z");
  EXPECT_EQ(s["status_pages"], json::array());
  ASSERT_EQ(s["targets"].size(), 2u);
  const json& t = s["targets"][0];
  EXPECT_EQ(t["target"], "https://api.example/");
  EXPECT_EQ(t["module"], "http_2xx");
  EXPECT_EQ(t["labels"], json({{"service", "api"}}));
  EXPECT_EQ(t["control"], false);
  EXPECT_EQ(t["state"], "down");
  EXPECT_EQ(t["since"], "2023-11-14T22:08:20.000Z");
  const json& p = t["latest_probe"];
  EXPECT_EQ(p["id"], 1);
  EXPECT_EQ(p["success"], false);
  EXPECT_EQ(p["reason"], "dns");
  EXPECT_DOUBLE_EQ(p["duration_seconds"].get<double>(), 0.042);
  EXPECT_TRUE(p["cert_expiry"].is_null());
  EXPECT_EQ(p["log_url"], "/logs?id=1");
  EXPECT_EQ(p["time"], "2023-11-14T22:13:20.000Z");
  ASSERT_EQ(t["recent_probes"].size(), 1u);
  EXPECT_EQ(t["recent_probes"][0]["success"], false);
  EXPECT_TRUE(s["targets"][1]["latest_probe"].is_null());
  EXPECT_EQ(s["targets"][1]["state"], "unknown");

  ASSERT_EQ(j["status_pages"].size(), 1u);
  const json& page = j["status_pages"][0];
  EXPECT_EQ(page["name"], "vendor");
  EXPECT_EQ(page["up"], true);
  EXPECT_TRUE(page["last_error"].is_null());
  EXPECT_EQ(page["indicator"], "minor");
  EXPECT_EQ(page["components"][0], json({{"name", "API"},
                                         {"group", "Platform"},
                                         {"is_group", false},
                                         {"status", "partial_outage"}}));
  EXPECT_EQ(page["incidents"][0]["name"], "API errors");
  EXPECT_EQ(page["incidents"][0]["components"], json({"API"}));
  EXPECT_TRUE(page["maintenances"].is_array());

  ASSERT_EQ(j["recent_probes"].size(), 1u);
  EXPECT_EQ(j["recent_probes"][0]["target"], "https://api.example/");
}

TEST(StatusJsonTest, InvalidUtf8FromAVendorIsReplacedNotFatal) {
  StatusFixture f;
  auto summary = std::make_shared<VendorStatusSummary>();
  summary->components.push_back({"bad \xff name", "", false, "operational"});
  f.AddPage(VendorStatusView{"vendor", true, StatusFixture::kNow, summary, ""});
  const json j = json::parse(StatusJson(f.Build()));
  EXPECT_EQ(j["status_pages"][0]["components"][0]["name"], "bad \ufffd name");
  EXPECT_TRUE(j["vantage_network_up"].is_null());
}

TEST(StatusJsonTest, AFailedFetchSaysWhy) {
  StatusFixture f;
  f.AddPage(VendorStatusView{"vendor", false, 0, nullptr, "HTTP status 404"});
  const json page = json::parse(StatusJson(f.Build()))["status_pages"][0];
  EXPECT_EQ(page["up"], false);
  EXPECT_EQ(page["last_error"], "HTTP status 404");
  EXPECT_TRUE(page["indicator"].is_null());
}

TEST(StatusJsonTest, SaysWhichShardAndVantageItServes) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kUp, std::nullopt);
  f.AddTarget("https://canary.example/", "net", OutageState::kUp, std::nullopt);
  f.MarkLastControl();
  f.SetPlacement(Placement{Shard{2, 3}, "eu-west", 7, 1});
  const json j = json::parse(StatusJson(f.Build()));
  const json& p = j["placement"];
  EXPECT_EQ(p["vantage"], "eu-west");
  EXPECT_EQ(p["shard_index"], 2);
  EXPECT_EQ(p["shard_count"], 3);
  EXPECT_EQ(p["configured_targets"], 7);
  EXPECT_EQ(p["served_targets"], 2);
  EXPECT_EQ(p["control_targets"], 1);
  EXPECT_EQ(p["summary"],
            "Vantage eu-west. Shard 2 of 3: 2 of 7 configured targets (1 control target, probed by "
            "every shard).");
}

TEST(StatusJsonTest, UnshardedWithoutVantageHasNoSummary) {
  StatusFixture f;
  f.AddTarget("https://api.example/", "api", OutageState::kUp, std::nullopt);
  const json j = json::parse(StatusJson(f.Build()));
  EXPECT_TRUE(j["placement"]["vantage"].is_null());
  EXPECT_EQ(j["placement"]["shard_count"], 1);
  EXPECT_EQ(j["placement"]["summary"], "");
}

}  // namespace
}  // namespace outage
