// A small DNS wire-format codec (RFC 1035): encodes the probe's query and
// parses answers into records rendered in presentation format exactly as Go's
// miekg/dns RR.String() does, so blackbox's RR regexps behave the same here.
// Parsing is bounds-checked throughout: malformed input yields an error,
// never a crash or a read past the buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outage::dns {

// Numeric values of the types, classes and rcodes the config may name.
std::optional<uint16_t> TypeFromName(std::string_view name);
std::optional<uint16_t> ClassFromName(std::string_view name);
std::optional<int> RcodeFromName(std::string_view name);
// TypeName, ClassName and RcodeName fall back to "TYPE99", "CLASS9", "RCODE7".
std::string TypeName(uint16_t type);
std::string ClassName(uint16_t klass);
std::string RcodeName(int rcode);

inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypeOpt = 41;

// EncodeName appends `name` ("example.com", "example.com." or ".") in wire
// form, uncompressed. False when a label is empty or over 63 bytes, or the
// name is over 255 bytes.
bool EncodeName(std::string_view name, std::vector<uint8_t>* out);

// EncodeQuery builds a one-question query with id 0 (c-ares sets the id) and
// the RD bit as given. Empty on an invalid name.
std::vector<uint8_t> EncodeQuery(std::string_view name, uint16_t type, uint16_t klass,
                                 bool recursion_desired);

struct Question {
  std::string name;  // presentation form, fully qualified ("example.com.")
  uint16_t type = 0;
  uint16_t klass = 0;
};

struct ResourceRecord {
  std::string name;  // presentation form, fully qualified
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;  // raw, names inside still possibly compressed
  std::string rdata_text;      // presentation form of the data, decompressed

  // ToString renders the record as miekg/dns does:
  // "example.com.\t300\tIN\tA\t192.0.2.1".
  std::string ToString() const;
  // ToStringWithoutTtl is ToString with TTL 0 and a lower-case owner name,
  // for comparing answers between resolvers.
  std::string ToStringWithoutTtl() const;
};

struct Message {
  uint16_t id = 0;
  bool response = false;
  int opcode = 0;
  bool authoritative = false;
  bool truncated = false;
  bool recursion_desired = false;
  bool recursion_available = false;
  int rcode = 0;  // the header's 4 bits (no EDNS extended rcode)
  std::vector<Question> questions;
  std::vector<ResourceRecord> answer;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;
};

// ParseMessage parses a whole message. On malformed input returns nullopt
// and sets *error to a short description.
std::optional<Message> ParseMessage(const uint8_t* data, size_t size, std::string* error);

}  // namespace outage::dns
