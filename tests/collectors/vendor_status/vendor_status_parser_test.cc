// Tests for ParseVendorStatusSummary with real Statuspage v2 summary.json
// shapes: groups, unresolved incidents, maintenance in progress, unknown
// enum values, truncated and foreign documents.
#include "collectors/vendor_status/vendor_status_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace outage {
namespace {

std::string Testdata(const std::string& name) {
  std::ifstream in(std::string(OUTAGE_VENDOR_STATUS_TESTDATA_DIR) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

VendorStatusSummary MustParse(const std::string& json) {
  std::string error;
  auto summary = ParseVendorStatusSummary(json, &error);
  EXPECT_TRUE(summary.has_value()) << error;
  return summary.value_or(VendorStatusSummary{});
}

TEST(VendorStatusParserTest, ReadsARealSummary) {
  const VendorStatusSummary s = MustParse(Testdata("summary_incident.json"));
  EXPECT_EQ(s.page_name, "GitHub");
  EXPECT_EQ(s.indicator, "major");
  ASSERT_EQ(s.components.size(), 5u);
  EXPECT_EQ(s.components[0].name, "Git Operations");
  EXPECT_EQ(s.components[0].group, "");
  EXPECT_EQ(s.components[0].status, "operational");
  EXPECT_EQ(s.components[1].name, "API");
  EXPECT_TRUE(s.components[1].is_group);
  EXPECT_EQ(s.components[1].group, "");
  EXPECT_EQ(s.components[2].name, "API Requests");
  EXPECT_EQ(s.components[2].group, "API");
  EXPECT_EQ(s.components[2].status, "partial_outage");
  EXPECT_EQ(s.components[3].group, "API");
  EXPECT_EQ(s.components[3].status, "under_maintenance");
  EXPECT_EQ(s.components[4].status, "unknown");  // "melting"
}

TEST(VendorStatusParserTest, KeepsOnlyUnresolvedIncidents) {
  const VendorStatusSummary s = MustParse(Testdata("summary_incident.json"));
  ASSERT_EQ(s.incidents.size(), 2u);
  EXPECT_EQ(s.incidents[0].name, "Incident with API Requests");
  EXPECT_EQ(s.incidents[0].impact, "major");
  EXPECT_EQ(s.incidents[0].status, "identified");
  EXPECT_EQ(s.incidents[0].shortlink, "https://stspg.io/abc123");
  EXPECT_EQ(s.incidents[0].components, std::vector<std::string>{"API Requests"});
  EXPECT_EQ(s.incidents[1].impact, "minor");
  EXPECT_EQ(s.incidents[1].status, "monitoring");
}

TEST(VendorStatusParserTest, KeepsOnlyMaintenancesInProgress) {
  const VendorStatusSummary s = MustParse(Testdata("summary_incident.json"));
  ASSERT_EQ(s.maintenances.size(), 1u);
  EXPECT_EQ(s.maintenances[0].name, "Webhooks database upgrade");
  EXPECT_EQ(s.maintenances[0].components, std::vector<std::string>{"Webhooks"});
}

TEST(VendorStatusParserTest, UnknownValuesAndOddTypesBecomeUnknown) {
  const VendorStatusSummary s = MustParse(R"({
    "status": {"indicator": "apocalyptic"},
    "components": [
      {"id": "a", "name": "Search", "status": 3, "group": "yes"},
      {"id": "b", "name": "Search", "status": "operational"},
      {"id": "c", "status": "operational"},
      "not an object"
    ],
    "incidents": [{"name": "Odd", "status": "pondering", "impact": null}],
    "scheduled_maintenances": {"not": "a list"}
  })");
  EXPECT_EQ(s.indicator, "unknown");
  ASSERT_EQ(s.components.size(), 1u);  // duplicate and nameless ones dropped
  EXPECT_EQ(s.components[0].status, "unknown");
  EXPECT_FALSE(s.components[0].is_group);
  ASSERT_EQ(s.incidents.size(), 1u);
  EXPECT_EQ(s.incidents[0].status, "unknown");
  EXPECT_EQ(s.incidents[0].impact, "unknown");
  EXPECT_TRUE(s.maintenances.empty());
}

TEST(VendorStatusParserTest, AllOperational) {
  const VendorStatusSummary s = MustParse(R"({"page": {"name": "Example"},
    "status": {"indicator": "none", "description": "All Systems Operational"},
    "components": [], "incidents": [], "scheduled_maintenances": []})");
  EXPECT_EQ(s.indicator, "none");
  EXPECT_TRUE(s.components.empty());
  EXPECT_TRUE(s.incidents.empty());
}

TEST(VendorStatusParserTest, TruncatedDocumentIsAFailedFetch) {
  const std::string full = Testdata("summary_incident.json");
  for (size_t cut : {size_t{0}, size_t{1}, full.size() / 3, full.size() / 2, full.size() - 3}) {
    std::string error;
    EXPECT_FALSE(ParseVendorStatusSummary(full.substr(0, cut), &error).has_value()) << cut;
    EXPECT_EQ(error, "malformed JSON");
  }
}

TEST(VendorStatusParserTest, ForeignDocumentsAreRejected) {
  for (const char* json : {"[]", "{}", R"({"status": "ok"})", "42", "null"}) {
    std::string error;
    EXPECT_FALSE(ParseVendorStatusSummary(json, &error).has_value()) << json;
    EXPECT_EQ(error, "not a Statuspage summary (no \"status\" object)");
  }
}

TEST(VendorStatusParserTest, DeepNestingDoesNotCrash) {
  std::string error;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(ParseVendorStatusSummary(deep, &error).has_value());
}

}  // namespace
}  // namespace outage
