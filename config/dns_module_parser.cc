// See dns_module_parser.h. Option names, types and defaults are those of
// blackbox_exporter's DNSProbe.
#include "config/dns_module_parser.h"

#include <arpa/inet.h>

#include <algorithm>

#include "config/client_config_parser.h"
#include "config/dns_address.h"
#include "config/regex_field.h"

namespace outage::config_internal {
namespace {

constexpr std::string_view kQueryTypes[] = {"A",   "AAAA", "CNAME", "MX",  "NS", "SOA",
                                            "TXT", "SRV",  "PTR",   "CAA", "ANY"};
constexpr std::string_view kQueryClasses[] = {"IN", "CH", "HS", "ANY"};
// miekg/dns' rcode names, which blackbox accepts.
constexpr std::string_view kRcodes[] = {"NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                        "REFUSED", "YXDOMAIN", "YXRRSET",  "NXRRSET",  "NOTAUTH",
                                        "NOTZONE", "BADSIG",   "BADVERS",  "BADKEY",   "BADTIME",
                                        "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE"};
constexpr std::string_view kTransports[] = {"udp", "tcp"};

// QueryNameProblem explains why `name` cannot go into a query ("" if fine).
std::string QueryNameProblem(const std::string& name) {
  if (name == ".") return "";
  std::string_view rest = name;
  if (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  if (rest.size() > 253) return "name longer than 253 characters";
  while (true) {
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty()) return "empty label";
    if (label.size() > 63) return "label longer than 63 characters";
    if (dot == std::string_view::npos) return "";
    rest.remove_prefix(dot + 1);
  }
}

class DnsProbeParser {
 public:
  DnsProbeParser(YamlReader& reader, DnsProbe* out, std::vector<std::string>* warnings)
      : reader_(reader), out_(out), warnings_(warnings) {}

  bool Parse(const YAML::Node& node, const std::string& path) {
    std::vector<MapEntry> entries;
    if (!reader_.Entries(node, path, &entries)) return false;
    for (const MapEntry& entry : entries) {
      if (!ParseOption(entry)) return false;
    }
    if (out_->query_name.empty()) {
      // blackbox: "query name must be set for DNS module".
      return reader_.MissingKey(node, path, "query_name");
    }
    return CheckCombinations();
  }

 private:
  bool ParseOption(const MapEntry& entry) {
    const std::string& name = entry.name;
    const YAML::Node& value = entry.value;
    const std::string& path = entry.path;
    if (name == "query_name") return ParseQueryName(entry);
    if (name == "query_type") return ReadEnumOrDefault(entry, kQueryTypes, &out_->query_type);
    if (name == "query_class") return ReadEnumOrDefault(entry, kQueryClasses, &out_->query_class);
    if (name == "valid_rcodes") return ParseRcodes(entry);
    if (name == "recursion_desired") return reader_.ReadBool(value, path, &out_->recursion_desired);
    if (name == "transport_protocol") {
      return ReadEnumOrDefault(entry, kTransports, &out_->transport_protocol);
    }
    if (name == "preferred_ip_protocol") {
      return ParseIpProtocol(reader_, entry, &out_->preferred_ip_protocol);
    }
    if (name == "ip_protocol_fallback") {
      return reader_.ReadBool(value, path, &out_->ip_protocol_fallback);
    }
    if (name == "source_ip_address") return ParseSourceIp(entry);
    if (name == "validate_answer_rrs") return ParseValidator(entry, &out_->validate_answer_rrs);
    if (name == "validate_authority_rrs") {
      return ParseValidator(entry, &out_->validate_authority_rrs);
    }
    if (name == "validate_additional_rrs") {
      return ParseValidator(entry, &out_->validate_additional_rrs);
    }
    if (name == "resolvers") return ParseResolvers(entry);
    if (name == "dns_over_tls") {
      dns_over_tls_ = &entry;
      return reader_.ReadBool(value, path, &out_->dns_over_tls);
    }
    if (name == "tls_config") return ParseTlsConfig(reader_, value, path, &out_->tls_config);
    return reader_.UnknownKey(entry);
  }

  bool CheckCombinations() {
    if (!out_->dns_over_tls) return true;
    // blackbox 0.23-0.28 load this and fail every probe: loaded, but said.
    if (out_->transport_protocol != "tcp") {
      warnings_->push_back(dns_over_tls_->path +
                           ": dns_over_tls needs transport_protocol: tcp; every probe with "
                           "this module fails, as in blackbox");
    }
    if (std::find(out_->resolvers.begin(), out_->resolvers.end(), "system") !=
        out_->resolvers.end()) {
      return reader_.Fail(dns_over_tls_->key, dns_over_tls_->path,
                          "dns_over_tls cannot query the \"system\" resolver, which "
                          "/etc/resolv.conf names without TLS");
    }
    return true;
  }

  // ReadEnumOrDefault reads one of `allowed`; an empty value keeps the
  // default, as blackbox treats "" as unset.
  template <typename Choices>
  bool ReadEnumOrDefault(const MapEntry& entry, const Choices& allowed, std::string* out) {
    std::string text;
    if (!reader_.ReadString(entry.value, entry.path, &text)) return false;
    if (text.empty()) return true;
    return reader_.ReadEnum(entry.value, entry.path, allowed, out);
  }

  bool ParseQueryName(const MapEntry& entry) {
    if (!reader_.ReadString(entry.value, entry.path, &out_->query_name)) return false;
    if (out_->query_name.empty()) return true;  // reported as missing
    const std::string problem = QueryNameProblem(out_->query_name);
    if (!problem.empty()) {
      return reader_.Fail(entry.value, entry.path,
                          "invalid query name " + Quote(out_->query_name) + ": " + problem);
    }
    return true;
  }

  bool ParseRcodes(const MapEntry& entry) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    out_->valid_rcodes.clear();
    for (size_t i = 0; i < items.size(); ++i) {
      std::string rcode;
      if (!reader_.ReadEnum(items[i], IndexPath(entry.path, i), kRcodes, &rcode)) return false;
      out_->valid_rcodes.push_back(std::move(rcode));
    }
    // blackbox: an explicitly empty list still means NOERROR.
    if (out_->valid_rcodes.empty()) out_->valid_rcodes = {"NOERROR"};
    return true;
  }

  bool ParseSourceIp(const MapEntry& entry) {
    std::string& ip = out_->source_ip_address;
    if (!reader_.ReadString(entry.value, entry.path, &ip)) return false;
    in6_addr scratch{};
    if (!ip.empty() && inet_pton(AF_INET, ip.c_str(), &scratch) != 1 &&
        inet_pton(AF_INET6, ip.c_str(), &scratch) != 1) {
      return reader_.Fail(entry.value, entry.path, "invalid IP address " + Quote(ip));
    }
    return true;
  }

  bool ParseValidator(const MapEntry& entry, DnsRrValidator* out) {
    std::vector<MapEntry> fields;
    if (!reader_.Entries(entry.value, entry.path, &fields)) return false;
    for (const MapEntry& field : fields) {
      std::vector<Regex>* list = nullptr;
      if (field.name == "fail_if_matches_regexp") list = &out->fail_if_matches_regexp;
      if (field.name == "fail_if_all_match_regexp") list = &out->fail_if_all_match_regexp;
      if (field.name == "fail_if_not_matches_regexp") list = &out->fail_if_not_matches_regexp;
      if (field.name == "fail_if_none_matches_regexp") list = &out->fail_if_none_matches_regexp;
      if (list == nullptr) return reader_.UnknownKey(field);
      if (!ReadRegexList(reader_, field.value, field.path, list)) return false;
    }
    return true;
  }

  bool ParseResolvers(const MapEntry& entry) {
    std::vector<YAML::Node> items;
    if (!reader_.Items(entry.value, entry.path, &items)) return false;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = IndexPath(entry.path, i);
      std::string resolver;
      if (!reader_.ReadString(items[i], path, &resolver)) return false;
      std::string error;
      if (!ParseDnsServerAddress(resolver, &error)) {
        const YAML::Node& at = items[i].IsNull() ? entry.key : items[i];
        return reader_.Fail(at, path, error);
      }
      if (std::find(out_->resolvers.begin(), out_->resolvers.end(), resolver) !=
          out_->resolvers.end()) {
        return reader_.Fail(items[i], path, "duplicate resolver " + Quote(resolver));
      }
      out_->resolvers.push_back(std::move(resolver));
    }
    return true;
  }

  YamlReader& reader_;
  DnsProbe* out_;
  std::vector<std::string>* warnings_;
  const MapEntry* dns_over_tls_ = nullptr;
};

}  // namespace

bool ParseDnsSection(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Module* module, std::vector<std::string>* warnings) {
  return DnsProbeParser(reader, &module->dns, warnings).Parse(node, path);
}

}  // namespace outage::config_internal
