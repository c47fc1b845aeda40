// The pure decisions of a DNS probe, as blackbox makes them: is the rcode
// acceptable, do the records pass the module's regexps, and (beyond
// blackbox) did several resolvers give the same answer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collectors/dns/dns_message.h"
#include "config/config.h"

namespace outage::dns {

// ValidRcode reports whether `rcode` is one of `valid` (rcode names).
bool ValidRcode(int rcode, const std::vector<std::string>& valid);

// RrsProblem applies a validator to one section's records, like blackbox's
// validRRs (each RR rendered with ResourceRecord::ToString). Returns which
// rule failed (and for which record, when one did), nullopt when they pass.
std::optional<std::string> RrsProblem(const std::vector<ResourceRecord>& rrs,
                                      const DnsRrValidator& validator);

// AnswerSet is a section's records, without TTLs, sorted and de-duplicated:
// two resolvers agree when their sets are equal.
std::vector<std::string> AnswerSet(const std::vector<ResourceRecord>& rrs);

// SoaSerial is the serial of the first SOA record in `rrs`, if any.
bool SoaSerial(const std::vector<ResourceRecord>& rrs, uint32_t* serial);

}  // namespace outage::dns
