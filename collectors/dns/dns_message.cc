#include "collectors/dns/dns_message.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace outage::dns {
namespace {

struct NamedValue {
  std::string_view name;
  int value;
};

// miekg/dns names for the types we may render or query.
constexpr NamedValue kTypes[] = {
    {"A", 1},      {"NS", 2},   {"CNAME", 5},  {"SOA", 6},    {"PTR", 12},    {"HINFO", 13},
    {"MX", 15},    {"TXT", 16}, {"AAAA", 28},  {"SRV", 33},   {"NAPTR", 35},  {"DNAME", 39},
    {"OPT", 41},   {"DS", 43},  {"RRSIG", 46}, {"NSEC", 47},  {"DNSKEY", 48}, {"SVCB", 64},
    {"HTTPS", 65}, {"SPF", 99}, {"IXFR", 251}, {"AXFR", 252}, {"ANY", 255},   {"CAA", 257},
};
constexpr NamedValue kClasses[] = {
    {"IN", 1}, {"CS", 2}, {"CH", 3}, {"HS", 4}, {"NONE", 254}, {"ANY", 255},
};
constexpr NamedValue kRcodes[] = {
    {"NOERROR", 0},  {"FORMERR", 1},  {"SERVFAIL", 2},  {"NXDOMAIN", 3},   {"NOTIMP", 4},
    {"REFUSED", 5},  {"YXDOMAIN", 6}, {"YXRRSET", 7},   {"NXRRSET", 8},    {"NOTAUTH", 9},
    {"NOTZONE", 10}, {"BADSIG", 16},  {"BADKEY", 17},   {"BADTIME", 18},   {"BADMODE", 19},
    {"BADNAME", 20}, {"BADALG", 21},  {"BADTRUNC", 22}, {"BADCOOKIE", 23},
};

template <size_t N>
std::optional<int> ValueOf(const NamedValue (&table)[N], std::string_view name) {
  for (const NamedValue& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <size_t N>
std::string NameOf(const NamedValue (&table)[N], int value, const char* fallback_prefix) {
  for (const NamedValue& entry : table) {
    if (entry.value == value) return std::string(entry.name);
  }
  return fallback_prefix + std::to_string(value);
}

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxNameWireLength = 255;
// Each compression pointer must point strictly backwards (so there are no
// loops); this bound is a second guard on the work one name can cause.
constexpr int kMaxPointers = 64;

// The characters miekg/dns escapes with a backslash inside a label.
bool IsLabelSpecial(uint8_t c) {
  switch (c) {
    case '.':
    case ' ':
    case '\'':
    case '@':
    case ';':
    case '(':
    case ')':
    case '"':
    case '\\':
      return true;
    default:
      return false;
  }
}

void AppendEscapedByte(uint8_t c, std::string* out) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
  out->append(buf);
}

// AppendPresentationByte appends c as miekg/dns prints it: a `special` byte
// backslash-escaped, a non-printable one as \DDD, any other as it is.
void AppendPresentationByte(uint8_t c, bool special, std::string* out) {
  if (special) {
    out->push_back('\\');
    out->push_back(static_cast<char>(c));
  } else if (c < ' ' || c > '~') {
    AppendEscapedByte(c, out);
  } else {
    out->push_back(static_cast<char>(c));
  }
}

// Reader walks a message with bounds checks; every Read* returns false
// instead of reading past the end.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t offset() const { return offset_; }
  void set_offset(size_t offset) { offset_ = offset; }

  bool U8(uint8_t* out) {
    if (offset_ + 1 > size_) return false;
    *out = data_[offset_++];
    return true;
  }
  bool U16(uint16_t* out) {
    if (offset_ + 2 > size_) return false;
    *out = static_cast<uint16_t>(data_[offset_] << 8 | data_[offset_ + 1]);
    offset_ += 2;
    return true;
  }
  bool U32(uint32_t* out) {
    uint16_t hi = 0, lo = 0;
    if (!U16(&hi) || !U16(&lo)) return false;
    *out = static_cast<uint32_t>(hi) << 16 | lo;
    return true;
  }

  // Name reads a possibly compressed name in presentation form.
  bool Name(std::string* out, std::string* error) {
    out->clear();
    size_t pos = offset_;
    size_t wire_length = 1;  // the root label
    bool jumped = false;
    int pointers = 0;
    size_t lowest_start = pos;  // pointers must go below every label seen
    while (true) {
      if (pos >= size_) return Fail("name runs past the end of the message", error);
      const uint8_t len = data_[pos];
      if ((len & 0xC0) == 0xC0) {
        if (pos + 1 >= size_) return Fail("name runs past the end of the message", error);
        const size_t target = static_cast<size_t>(len & 0x3F) << 8 | data_[pos + 1];
        if (target >= lowest_start || ++pointers > kMaxPointers) {
          return Fail("compression pointer loop or forward pointer", error);
        }
        if (!jumped) offset_ = pos + 2;
        jumped = true;
        pos = lowest_start = target;
        continue;
      }
      if ((len & 0xC0) != 0) return Fail("unsupported label type", error);
      if (len == 0) {
        if (!jumped) offset_ = pos + 1;
        break;
      }
      if (pos + 1 + len > size_) return Fail("label runs past the end of the message", error);
      wire_length += 1 + len;
      if (wire_length > kMaxNameWireLength) return Fail("name longer than 255 bytes", error);
      for (size_t i = pos + 1; i < pos + 1 + len; ++i) {
        AppendPresentationByte(data_[i], IsLabelSpecial(data_[i]), out);
      }
      out->push_back('.');
      pos += 1 + len;
    }
    if (out->empty()) *out = ".";
    return true;
  }

  // QuotedString reads `length` bytes of a string, quoted and escaped as
  // miekg/dns prints TXT and CAA values.
  bool QuotedString(size_t end, size_t length, std::string* out) {
    if (offset_ + length > end) return false;
    out->push_back('"');
    for (size_t i = 0; i < length; ++i) {
      const uint8_t c = data_[offset_ + i];
      AppendPresentationByte(c, c == '"' || c == '\\', out);
    }
    out->push_back('"');
    offset_ += length;
    return true;
  }

  const uint8_t* at(size_t offset) const { return data_ + offset; }
  size_t size() const { return size_; }

 private:
  static bool Fail(const char* what, std::string* error) {
    *error = what;
    return false;
  }

  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

// RdataText renders the data of `rr` (whose rdata spans [start, end) of the
// message) in miekg/dns presentation form.
bool RdataText(Reader& r, size_t start, size_t end, ResourceRecord* rr, std::string* error) {
  const size_t length = end - start;
  std::string& text = rr->rdata_text;
  r.set_offset(start);
  // Each helper reads one field and fails when it crosses the data's end.
  auto name = [&](std::string* out) { return r.Name(out, error) && r.offset() <= end; };
  auto u16 = [&](std::string* out) {
    uint16_t v = 0;
    if (!r.U16(&v) || r.offset() > end) return false;
    *out += std::to_string(v) + " ";
    return true;
  };
  auto u32 = [&](std::string* out) {
    uint32_t v = 0;
    if (!r.U32(&v) || r.offset() > end) return false;
    *out += std::to_string(v) + " ";
    return true;
  };
  bool ok = false;
  std::string target;
  switch (rr->type) {
    case 1:     // A
    case 28: {  // AAAA
      char buf[INET6_ADDRSTRLEN] = {};
      ok = length == (rr->type == 1 ? 4u : 16u) &&
           inet_ntop(rr->type == 1 ? AF_INET : AF_INET6, r.at(start), buf, sizeof buf) != nullptr;
      text = buf;
      break;
    }
    case 2:
    case 5:
    case 12:
    case 39:  // NS CNAME PTR DNAME
      ok = name(&text);
      break;
    case 15:  // MX
      ok = u16(&text) && name(&target);
      text += target;
      break;
    case 33:  // SRV
      ok = u16(&text) && u16(&text) && u16(&text) && name(&target);
      text += target;
      break;
    case 6: {  // SOA
      std::string mbox;
      ok = name(&target) && name(&mbox);
      text = target + " " + mbox + " ";
      ok = ok && u32(&text) && u32(&text) && u32(&text) && u32(&text) && u32(&text);
      if (ok) text.pop_back();
      break;
    }
    case 16:  // TXT
      ok = true;
      while (ok && r.offset() < end) {
        uint8_t n = 0;
        if (!text.empty()) text.push_back(' ');
        ok = r.U8(&n) && r.QuotedString(end, n, &text);
      }
      break;
    case 257: {  // CAA
      uint8_t flag = 0, tag_length = 0;
      ok = r.U8(&flag) && r.U8(&tag_length) && r.offset() + tag_length <= end;
      if (!ok) break;
      text = std::to_string(flag) + " " +
             std::string(reinterpret_cast<const char*>(r.at(r.offset())), tag_length) + " ";
      r.set_offset(r.offset() + tag_length);
      ok = r.QuotedString(end, end - r.offset(), &text);
      break;
    }
    default: {  // RFC 3597 generic form, as miekg/dns prints unknown types
      static constexpr char kHex[] = "0123456789abcdef";
      text = "\\# " + std::to_string(length) + " ";
      for (size_t i = start; i < end; ++i) {
        text.push_back(kHex[*r.at(i) >> 4]);
        text.push_back(kHex[*r.at(i) & 0xF]);
      }
      ok = true;
      break;
    }
  }
  if (!ok && error->empty()) *error = "malformed " + TypeName(rr->type) + " record";
  return ok;
}

bool ReadRecord(Reader& r, ResourceRecord* rr, std::string* error) {
  uint16_t rdlength = 0;
  if (!r.Name(&rr->name, error)) return false;
  if (!r.U16(&rr->type) || !r.U16(&rr->klass) || !r.U32(&rr->ttl) || !r.U16(&rdlength)) {
    *error = "record header runs past the end of the message";
    return false;
  }
  const size_t start = r.offset();
  const size_t end = start + rdlength;
  if (end > r.size()) {
    *error = "record data runs past the end of the message";
    return false;
  }
  rr->rdata.assign(r.at(start), r.at(end));
  // OPT's "data" is EDNS options, not rendered by miekg/dns's String().
  if (rr->type != kTypeOpt && !RdataText(r, start, end, rr, error)) return false;
  r.set_offset(end);
  return true;
}

std::string HeaderText(const ResourceRecord& rr, uint32_t ttl, const std::string& name) {
  return name + "\t" + std::to_string(ttl) + "\t" + ClassName(rr.klass) + "\t" + TypeName(rr.type) +
         "\t";
}

}  // namespace

std::optional<uint16_t> TypeFromName(std::string_view name) {
  auto v = ValueOf(kTypes, name);
  return v ? std::optional<uint16_t>(static_cast<uint16_t>(*v)) : std::nullopt;
}
std::optional<uint16_t> ClassFromName(std::string_view name) {
  auto v = ValueOf(kClasses, name);
  return v ? std::optional<uint16_t>(static_cast<uint16_t>(*v)) : std::nullopt;
}
std::optional<int> RcodeFromName(std::string_view name) { return ValueOf(kRcodes, name); }
std::string TypeName(uint16_t type) { return NameOf(kTypes, type, "TYPE"); }
std::string ClassName(uint16_t klass) { return NameOf(kClasses, klass, "CLASS"); }
std::string RcodeName(int rcode) { return NameOf(kRcodes, rcode, "RCODE"); }

bool EncodeName(std::string_view name, std::vector<uint8_t>* out) {
  if (name == ".") name = "";
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  size_t wire_length = 1;
  std::vector<uint8_t> encoded;
  while (!name.empty()) {
    const size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    wire_length += 1 + label.size();
    encoded.push_back(static_cast<uint8_t>(label.size()));
    encoded.insert(encoded.end(), label.begin(), label.end());
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    if (dot != std::string_view::npos && name.empty()) return false;  // "a..": empty label
  }
  if (wire_length > kMaxNameWireLength) return false;
  encoded.push_back(0);
  out->insert(out->end(), encoded.begin(), encoded.end());
  return true;
}

std::vector<uint8_t> EncodeQuery(std::string_view name, uint16_t type, uint16_t klass,
                                 bool recursion_desired) {
  std::vector<uint8_t> query = {
      0, 0, static_cast<uint8_t>(recursion_desired ? 0x01 : 0x00), 0, 0, 1, 0, 0, 0, 0, 0, 0};
  if (!EncodeName(name, &query)) return {};
  query.insert(query.end(), {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type),
                             static_cast<uint8_t>(klass >> 8), static_cast<uint8_t>(klass)});
  return query;
}

std::string ResourceRecord::ToString() const {
  if (type == kTypeOpt) {
    // miekg/dns prints the EDNS pseudo-record as a comment block.
    const bool dnssec_ok = (ttl & 0x8000) != 0;
    return "\n;; OPT PSEUDOSECTION:\n; EDNS: version " + std::to_string((ttl >> 16) & 0xFF) + "; " +
           (dnssec_ok ? "flags: do; " : "flags:; ") + "udp: " + std::to_string(klass);
  }
  return HeaderText(*this, ttl, name) + rdata_text;
}

std::string ResourceRecord::ToStringWithoutTtl() const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return HeaderText(*this, 0, lower) + rdata_text;
}

std::optional<Message> ParseMessage(const uint8_t* data, size_t size, std::string* error) {
  error->clear();
  if (size < kHeaderSize) {
    *error = "message shorter than a DNS header";
    return std::nullopt;
  }
  Reader r(data, size);
  Message m;
  uint16_t flags = 0, counts[4] = {};
  r.U16(&m.id);
  r.U16(&flags);
  for (uint16_t& count : counts) r.U16(&count);
  m.response = flags & 0x8000;
  m.opcode = (flags >> 11) & 0xF;
  m.authoritative = flags & 0x0400;
  m.truncated = flags & 0x0200;
  m.recursion_desired = flags & 0x0100;
  m.recursion_available = flags & 0x0080;
  m.rcode = flags & 0xF;
  for (uint16_t i = 0; i < counts[0]; ++i) {
    Question q;
    if (!r.Name(&q.name, error)) return std::nullopt;
    if (!r.U16(&q.type) || !r.U16(&q.klass)) {
      *error = "question runs past the end of the message";
      return std::nullopt;
    }
    m.questions.push_back(std::move(q));
  }
  std::vector<ResourceRecord>* sections[] = {&m.answer, &m.authority, &m.additional};
  for (int s = 0; s < 3; ++s) {
    // No reserve(): the counts are untrusted and may claim 65535 records.
    for (uint16_t i = 0; i < counts[s + 1]; ++i) {
      ResourceRecord rr;
      if (!ReadRecord(r, &rr, error)) return std::nullopt;
      sections[s]->push_back(std::move(rr));
    }
  }
  return m;
}

}  // namespace outage::dns
