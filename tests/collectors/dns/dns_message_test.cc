// The DNS wire codec: queries we send, answers we parse, records rendered as
// miekg/dns renders them, and malformed input rejected without crashing.
#include "collectors/dns/dns_message.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace outage::dns {
namespace {

using Bytes = std::vector<uint8_t>;

// MessageBuilder writes answers by hand, so tests control compression.
struct MessageBuilder {
  Bytes bytes;
  MessageBuilder(uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
    for (const uint16_t v : {uint16_t{0x1234}, flags, qd, an, ns, ar}) U16(v);
  }
  void U16(uint16_t v) {
    bytes.push_back(static_cast<uint8_t>(v >> 8));
    bytes.push_back(static_cast<uint8_t>(v));
  }
  void U32(uint32_t v) {
    U16(static_cast<uint16_t>(v >> 16));
    U16(static_cast<uint16_t>(v));
  }
  void Name(const std::string& name) { ASSERT_TRUE(EncodeName(name, &bytes)); }
  void Pointer(uint16_t offset) { U16(static_cast<uint16_t>(0xC000 | offset)); }
  void Raw(const Bytes& raw) { bytes.insert(bytes.end(), raw.begin(), raw.end()); }
  // RecordHeader writes type, class IN, ttl and rdlength after an owner.
  void RecordHeader(uint16_t type, uint32_t ttl, uint16_t rdlength) {
    U16(type);
    U16(1);
    U32(ttl);
    U16(rdlength);
  }
};

constexpr uint16_t kQuestionOffset = 12;  // "example.com." right after the header

std::optional<Message> Parse(const Bytes& bytes, std::string* error) {
  return ParseMessage(bytes.data(), bytes.size(), error);
}

// ExampleAnswer: a NOERROR answer for example.com whose records all point
// back at the question's name.
MessageBuilder ExampleAnswer(uint16_t answers) {
  MessageBuilder m(0x8180, 1, answers, 0, 0);
  m.Name("example.com");
  m.U16(1);
  m.U16(1);
  return m;
}

TEST(DnsMessageTest, EncodesAQuery) {
  const Bytes query = EncodeQuery("example.com", 1, 1, true);
  const Bytes want = {0,   0,   0x01, 0,   0,   1, 0,   0,   0,   0, 0, 0, 7, 'e', 'x',
                      'a', 'm', 'p',  'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
  EXPECT_EQ(query, want);
  EXPECT_EQ(EncodeQuery("example.com.", 1, 1, false)[2], 0x00) << "RD clear";
  EXPECT_EQ(EncodeQuery(".", 2, 1, true).size(), 12u + 1 + 4) << "the root is one zero byte";
}

TEST(DnsMessageTest, RejectsUnencodableNames) {
  Bytes out;
  EXPECT_FALSE(EncodeName("a..b", &out));
  EXPECT_FALSE(EncodeName(std::string(64, 'a') + ".com", &out));
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_FALSE(EncodeName(long_name, &out));
  EXPECT_TRUE(EncodeQuery("a..b", 1, 1, true).empty());
}

TEST(DnsMessageTest, ParsesHeaderAndQuestion) {
  MessageBuilder m = ExampleAnswer(0);
  m.bytes[2] = 0x87;  // QR, AA, TC, RD
  m.bytes[3] = 0x83;  // RA, NXDOMAIN
  std::string error;
  const auto msg = Parse(m.bytes, &error);
  ASSERT_TRUE(msg) << error;
  EXPECT_EQ(msg->id, 0x1234);
  EXPECT_TRUE(msg->response);
  EXPECT_TRUE(msg->authoritative);
  EXPECT_TRUE(msg->truncated);
  EXPECT_TRUE(msg->recursion_desired);
  EXPECT_TRUE(msg->recursion_available);
  EXPECT_EQ(msg->rcode, 3);
  ASSERT_EQ(msg->questions.size(), 1u);
  EXPECT_EQ(msg->questions[0].name, "example.com.");
  EXPECT_EQ(msg->questions[0].type, 1);
}

TEST(DnsMessageTest, RendersRecordsLikeMiekgDns) {
  MessageBuilder m = ExampleAnswer(8);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(1, 300, 4);
  m.Raw({192, 0, 2, 1});
  m.Pointer(kQuestionOffset);
  m.RecordHeader(28, 60, 16);
  m.Raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  m.Pointer(kQuestionOffset);
  m.RecordHeader(15, 300, 2 + 7);  // MX 10 mail.<pointer>
  m.U16(10);
  m.Raw({4, 'm', 'a', 'i', 'l'});
  m.Pointer(kQuestionOffset);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(16, 300, 1 + 3 + 1 + 5);
  m.Raw({3, 'a', '"', 'b', 5, 'x', '\\', 0x01, ' ', 'z'});
  m.Pointer(kQuestionOffset);
  m.RecordHeader(6, 3600, 2 + 2 + 20);  // SOA with both names compressed
  m.Pointer(kQuestionOffset);
  m.Pointer(kQuestionOffset);
  for (const uint32_t v : {2024010101u, 7200u, 3600u, 1209600u, 300u}) m.U32(v);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(33, 300, 6 + 2);  // SRV 1 2 53 example.com.
  for (const uint16_t v : {1, 2, 53}) m.U16(v);
  m.Pointer(kQuestionOffset);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(257, 300, 2 + 5 + 11);  // CAA 0 issue "letsencrypt"
  m.Raw({0, 5, 'i', 's', 's', 'u', 'e'});
  for (const char c : std::string("letsencrypt")) m.bytes.push_back(static_cast<uint8_t>(c));
  m.Pointer(kQuestionOffset);
  m.RecordHeader(99 + 1000, 5, 2);  // an unknown type
  m.Raw({0xab, 0xcd});

  std::string error;
  const auto msg = Parse(m.bytes, &error);
  ASSERT_TRUE(msg) << error;
  ASSERT_EQ(msg->answer.size(), 8u);
  EXPECT_EQ(msg->answer[0].ToString(), "example.com.\t300\tIN\tA\t192.0.2.1");
  EXPECT_EQ(msg->answer[1].ToString(), "example.com.\t60\tIN\tAAAA\t2001:db8::1");
  EXPECT_EQ(msg->answer[2].ToString(), "example.com.\t300\tIN\tMX\t10 mail.example.com.");
  EXPECT_EQ(msg->answer[3].ToString(), "example.com.\t300\tIN\tTXT\t\"a\\\"b\" \"x\\\\\\001 z\"");
  EXPECT_EQ(msg->answer[4].ToString(),
            "example.com.\t3600\tIN\tSOA\texample.com. example.com. 2024010101 7200 3600 "
            "1209600 300");
  EXPECT_EQ(msg->answer[5].ToString(), "example.com.\t300\tIN\tSRV\t1 2 53 example.com.");
  EXPECT_EQ(msg->answer[6].ToString(), "example.com.\t300\tIN\tCAA\t0 issue \"letsencrypt\"");
  EXPECT_EQ(msg->answer[7].ToString(), "example.com.\t5\tIN\tTYPE1099\t\\# 2 abcd");
}

TEST(DnsMessageTest, EscapesSpecialCharactersInNames) {
  MessageBuilder m(0x8180, 1, 0, 0, 0);
  m.Raw({4, 'a', '.', 'b', 0x07, 3, 'c', 'o', 'm', 0});
  m.U16(1);
  m.U16(1);
  std::string error;
  const auto msg = Parse(m.bytes, &error);
  ASSERT_TRUE(msg) << error;
  EXPECT_EQ(msg->questions[0].name, "a\\.b\\007.com.");
}

TEST(DnsMessageTest, ComparesAnswersWithoutTtlOrCase) {
  ResourceRecord a{"Example.COM.", 1, 1, 300, {}, "192.0.2.1"};
  ResourceRecord b{"example.com.", 1, 1, 5, {}, "192.0.2.1"};
  EXPECT_EQ(a.ToStringWithoutTtl(), b.ToStringWithoutTtl());
  EXPECT_NE(a.ToString(), b.ToString());
}

TEST(DnsMessageTest, RendersEdnsPseudoRecord) {
  ResourceRecord opt{".", kTypeOpt, 1232, 0x8000, {}, ""};
  EXPECT_EQ(opt.ToString(), "\n;; OPT PSEUDOSECTION:\n; EDNS: version 0; flags: do; udp: 1232");
}

TEST(DnsMessageTest, NamesTypesClassesAndRcodes) {
  EXPECT_EQ(TypeFromName("AAAA"), 28);
  EXPECT_EQ(TypeFromName("aaaa"), std::nullopt);
  EXPECT_EQ(ClassFromName("CH"), 3);
  EXPECT_EQ(RcodeFromName("NXDOMAIN"), 3);
  EXPECT_EQ(TypeName(65535), "TYPE65535");
  EXPECT_EQ(ClassName(42), "CLASS42");
  EXPECT_EQ(RcodeName(5), "REFUSED");
}

// Each malformed message is paired with the error it must produce.
TEST(DnsMessageTest, RejectsMalformedMessages) {
  struct Case {
    const char* what;
    Bytes bytes;
    const char* error;
  };
  std::vector<Case> cases;
  cases.push_back({"short header", {0x12, 0x34, 0x81}, "message shorter than a DNS header"});
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    m.Raw({7, 'e', 'x', 'a'});
    cases.push_back({"truncated label", m.bytes, "label runs past the end of the message"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    m.Pointer(kQuestionOffset);  // points at itself
    cases.push_back({"self pointer", m.bytes, "compression pointer loop or forward pointer"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    m.Raw({1, 'a'});
    m.Pointer(kQuestionOffset);  // back to "a", which leads here again
    cases.push_back({"pointer loop", m.bytes, "compression pointer loop or forward pointer"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    m.Pointer(200);
    cases.push_back({"forward pointer", m.bytes, "compression pointer loop or forward pointer"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    m.Raw({0x40, 'a', 0});
    cases.push_back({"extended label type", m.bytes, "unsupported label type"});
  }
  {
    MessageBuilder m(0x8180, 65535, 65535, 65535, 65535);
    cases.push_back({"oversize counts", m.bytes, "name runs past the end of the message"});
  }
  {
    MessageBuilder m = ExampleAnswer(1);
    m.Pointer(kQuestionOffset);
    m.RecordHeader(1, 300, 400);
    m.Raw({192, 0, 2, 1});
    cases.push_back({"rdlength past end", m.bytes, "record data runs past the end of the message"});
  }
  {
    MessageBuilder m = ExampleAnswer(1);
    m.Pointer(kQuestionOffset);
    m.RecordHeader(1, 300, 3);
    m.Raw({192, 0, 2});
    cases.push_back({"short A", m.bytes, "malformed A record"});
  }
  {
    MessageBuilder m = ExampleAnswer(1);
    m.Pointer(kQuestionOffset);
    m.RecordHeader(16, 300, 2);
    m.Raw({5, 'a'});
    cases.push_back({"TXT string past rdata", m.bytes, "malformed TXT record"});
  }
  {
    MessageBuilder m = ExampleAnswer(1);
    m.Pointer(kQuestionOffset);
    m.RecordHeader(2, 300, 2);  // NS whose name continues past its rdata
    m.Raw({3, 'a', 'b', 'c', 0});
    cases.push_back({"name past rdata", m.bytes, "malformed NS record"});
  }
  {
    MessageBuilder m = ExampleAnswer(1);
    m.Pointer(kQuestionOffset);
    m.U16(1);
    cases.push_back(
        {"record header cut", m.bytes, "record header runs past the end of the message"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    for (int i = 0; i < 5; ++i) m.Raw(Bytes{60});
    cases.push_back({"label past end", m.bytes, "label runs past the end of the message"});
  }
  {
    MessageBuilder m(0x8180, 1, 0, 0, 0);
    for (int i = 0; i < 5; ++i) {
      m.bytes.push_back(60);
      m.bytes.insert(m.bytes.end(), 60, 'a');
    }
    m.bytes.push_back(0);
    cases.push_back({"name over 255 bytes", m.bytes, "name longer than 255 bytes"});
  }
  for (const Case& c : cases) {
    std::string error;
    EXPECT_FALSE(Parse(c.bytes, &error)) << c.what;
    EXPECT_EQ(error, c.error) << c.what;
  }
}

// Random corruption of a valid answer must never crash or read out of
// bounds (run under ASan to make the second half of that claim).
TEST(DnsMessageTest, SurvivesRandomCorruption) {
  MessageBuilder m = ExampleAnswer(2);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(15, 300, 2 + 7);
  m.U16(10);
  m.Raw({4, 'm', 'a', 'i', 'l'});
  m.Pointer(kQuestionOffset);
  m.Pointer(kQuestionOffset);
  m.RecordHeader(16, 300, 4);
  m.Raw({3, 'a', 'b', 'c'});
  std::mt19937 rng(42);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes bytes = m.bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
    bytes.resize(rng() % (bytes.size() + 1));
    std::string error;
    if (Parse(bytes, &error)) ++parsed;
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace outage::dns
