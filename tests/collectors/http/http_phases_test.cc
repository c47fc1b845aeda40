// Tests for turning curl's cumulative timestamps into blackbox's HTTP phases.
#include "collectors/http/http_phases.h"

#include <gtest/gtest.h>

namespace outage {
namespace {

constexpr double kEps = 1e-9;

void ExpectPhases(const HttpPhases& p, double resolve, double connect, double tls,
                  double processing, double transfer) {
  EXPECT_NEAR(p.resolve, resolve, kEps);
  EXPECT_NEAR(p.connect, connect, kEps);
  EXPECT_NEAR(p.tls, tls, kEps);
  EXPECT_NEAR(p.processing, processing, kEps);
  EXPECT_NEAR(p.transfer, transfer, kEps);
}

TEST(HttpPhasesTest, FullHttpsHop) {
  HttpPhases p;
  p.AddHop(CurlTimings{10'000, 30'000, 80'000, 200'000, 250'000});
  ExpectPhases(p, 0.010, 0.020, 0.050, 0.120, 0.050);
}

TEST(HttpPhasesTest, PlainHttpHopHasNoTlsPhase) {
  HttpPhases p;
  p.AddHop(CurlTimings{5'000, 15'000, 0, 40'000, 45'000});
  ExpectPhases(p, 0.005, 0.010, 0, 0.025, 0.005);
}

TEST(HttpPhasesTest, HopStuckResolvingChargesEverythingToResolve) {
  HttpPhases p;
  p.AddHop(CurlTimings{0, 0, 0, 0, 2'000'000});
  ExpectPhases(p, 2.0, 0, 0, 0, 0);
}

TEST(HttpPhasesTest, HopStuckConnectingChargesTheRestToConnect) {
  HttpPhases p;
  p.AddHop(CurlTimings{10'000, 0, 0, 0, 3'000'000});
  ExpectPhases(p, 0.010, 2.990, 0, 0, 0);
}

TEST(HttpPhasesTest, HopStuckWaitingForFirstByteChargesTheRestToProcessing) {
  HttpPhases p;
  p.AddHop(CurlTimings{10'000, 30'000, 80'000, 0, 5'000'000});
  ExpectPhases(p, 0.010, 0.020, 0.050, 4.920, 0);
}

TEST(HttpPhasesTest, PlainHopStuckWaitingForFirstByteStartsProcessingAtConnect) {
  HttpPhases p;
  p.AddHop(CurlTimings{10'000, 30'000, 0, 0, 1'000'000});
  ExpectPhases(p, 0.010, 0.020, 0, 0.970, 0);
}

TEST(HttpPhasesTest, TwoHopsAreSummed) {
  HttpPhases p;
  p.AddHop(CurlTimings{5'000, 15'000, 0, 40'000, 45'000});          // http:// redirect
  p.AddHop(CurlTimings{10'000, 30'000, 80'000, 200'000, 250'000});  // https:// target
  ExpectPhases(p, 0.015, 0.030, 0.050, 0.145, 0.055);
}

TEST(HttpPhasesTest, SumOfPhasesEqualsTotalOfEachHop) {
  HttpPhases p;
  p.AddHop(CurlTimings{1'234, 5'678, 9'012, 345'678, 901'234});
  p.AddHop(CurlTimings{0, 0, 0, 0, 1'500'000});
  EXPECT_NEAR(p.resolve + p.connect + p.tls + p.processing + p.transfer, 0.901234 + 1.5, kEps);
}

}  // namespace
}  // namespace outage
