#include "collectors/dns/dns_validate.h"

#include <re2/re2.h>

#include <algorithm>
#include <sstream>

namespace outage::dns {
namespace {

bool Matches(const Regex& regex, const std::string& text) {
  return RE2::PartialMatch(text, *regex.re);
}

}  // namespace

bool ValidRcode(int rcode, const std::vector<std::string>& valid) {
  for (const std::string& name : valid) {
    const std::optional<int> code = RcodeFromName(name);
    // miekg/dns maps both BADSIG and BADVERS to 16.
    if ((code && *code == rcode) || (name == "BADVERS" && rcode == 16)) return true;
  }
  return false;
}

std::optional<std::string> RrsProblem(const std::vector<ResourceRecord>& rrs,
                                      const DnsRrValidator& v) {
  if (rrs.empty() && !v.fail_if_not_matches_regexp.empty()) {
    return "fail_if_not_matches_regexp specified but no RRs returned";
  }
  if (rrs.empty() && !v.fail_if_none_matches_regexp.empty()) {
    return "fail_if_none_matches_regexp specified but no RRs returned";
  }
  bool any_match = false;
  bool all_match = true;
  for (const ResourceRecord& rr : rrs) {
    const std::string text = rr.ToString();
    for (const Regex& re : v.fail_if_matches_regexp) {
      if (Matches(re, text)) {
        return "At least one RR matched regexp \"" + re.pattern + "\": " + text;
      }
    }
    for (const Regex& re : v.fail_if_all_match_regexp) {
      if (!Matches(re, text)) all_match = false;
    }
    for (const Regex& re : v.fail_if_not_matches_regexp) {
      if (!Matches(re, text)) {
        return "At least one RR did not match regexp \"" + re.pattern + "\": " + text;
      }
    }
    for (const Regex& re : v.fail_if_none_matches_regexp) {
      if (Matches(re, text)) any_match = true;
    }
  }
  // Despite its name, blackbox fails this rule when NOT every RR matches;
  // we keep its behaviour so existing modules mean the same thing.
  if (!v.fail_if_all_match_regexp.empty() && !all_match) {
    return "Not all RRs matched regexp";
  }
  if (!v.fail_if_none_matches_regexp.empty() && !any_match) {
    return "None of the RRs matched any regexp";
  }
  return std::nullopt;
}

std::vector<std::string> AnswerSet(const std::vector<ResourceRecord>& rrs) {
  std::vector<std::string> set;
  set.reserve(rrs.size());
  for (const ResourceRecord& rr : rrs) set.push_back(rr.ToStringWithoutTtl());
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return set;
}

bool SoaSerial(const std::vector<ResourceRecord>& rrs, uint32_t* serial) {
  for (const ResourceRecord& rr : rrs) {
    if (rr.type != kTypeSoa) continue;
    // rdata_text is "mname rname serial refresh retry expire minimum".
    std::istringstream fields(rr.rdata_text);
    std::string mname, rname;
    uint64_t value = 0;
    if (fields >> mname >> rname >> value) {
      *serial = static_cast<uint32_t>(value);
      return true;
    }
  }
  return false;
}

}  // namespace outage::dns
