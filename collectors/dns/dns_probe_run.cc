#include "collectors/dns/dns_probe_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "collectors/dns/dns_validate.h"
#include "collectors/ip_facts.h"
#include "collectors/metric_catalog.h"
#include "collectors/probe_target.h"
#include "collectors/tls_facts.h"

namespace outage::dns {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool IsIp4(const std::string& ip) { return ip.find(':') == std::string::npos; }

// ChooseAddress picks the resolver's address as blackbox's chooseProtocol
// does: the first of the preferred family, else (with fallback) the last
// of the other family. Empty when none fits.
std::string ChooseAddress(const std::vector<std::string>& addresses, const DnsProbe& config) {
  const bool want4 = config.preferred_ip_protocol == IpProtocol::kIp4;
  std::string fallback;
  for (const std::string& ip : addresses) {
    if (IsIp4(ip) == want4) return ip;
    fallback = ip;
  }
  return config.ip_protocol_fallback ? fallback : "";
}

// ServerCsv is the address in ares_set_servers_ports_csv syntax.
std::string ServerCsv(const std::string& ip, int port) {
  return (IsIp4(ip) ? ip : "[" + ip + "]") + ":" + std::to_string(port);
}

bool IsIpLiteral(const std::string& host) {
  in6_addr scratch{};
  return inet_pton(AF_INET, host.c_str(), &scratch) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &scratch) == 1;
}

}  // namespace

DnsProbeRun::DnsProbeRun(EventLoop* loop, AsyncResolver* resolver, ProbeRequest request)
    : loop_(loop),
      resolver_(resolver),
      request_(std::move(request)),
      config_(request_.module->dns) {
  result_.log = ProbeLog(request_.debug);
}

DnsProbeRun::~DnsProbeRun() {
  if (deadline_timer_ != 0) loop_->CancelTimer(deadline_timer_);
  for (auto& ex : exchanges_) {
    if (ex->lookup != 0) resolver_->Cancel(ex->lookup);
  }
}

void DnsProbeRun::Begin(ProbeCallback done) {
  result_.log.Info(
      "Beginning probe",
      {{"probe", "dns"},
       {"timeout_seconds",
        std::to_string(std::chrono::duration<double>(request_.deadline - Clock::now()).count())}});
  // blackbox queries the root when query_name is unset (dns.Fqdn("")).
  const std::string name = config_.query_name.empty() ? "." : config_.query_name;
  query_ = EncodeQuery(name, TypeFromName(config_.query_type).value_or(255),
                       ClassFromName(config_.query_class).value_or(1), config_.recursion_desired);
  const std::vector<std::string> resolvers =
      config_.resolvers.empty() ? std::vector<std::string>{request_.target} : config_.resolvers;
  for (const std::string& resolver : resolvers) {
    auto ex = std::make_unique<Exchange>();
    ex->label = resolver;
    std::string error;
    const std::optional<DnsServerAddress> address = ParseDnsServerAddress(resolver, &error);
    if (address) ex->address = *address;
    if (config_.dns_over_tls && !ex->address.port_given) ex->address.port = kDefaultDnsOverTlsPort;
    exchanges_.push_back(std::move(ex));
    if (!address || query_.empty()) {
      result_.log.Error(
          "Cannot query resolver",
          {{"resolver", resolver}, {"err", query_.empty() ? "invalid query name " + name : error}});
      EndExchange(*exchanges_.back(), false, FailureReason::kDns);
    }
  }
  deadline_timer_ = loop_->AddTimer(request_.deadline, [this] {
    deadline_timer_ = 0;
    OnDeadline();
  });
  for (size_t i = 0; i < exchanges_.size(); ++i) {
    if (!exchanges_[i]->done) StartExchange(*exchanges_[i]);
  }
  // Set last: until now MaybeFinish must not finish a half-built probe.
  done_ = std::move(done);
  MaybeFinish();
}

void DnsProbeRun::StartExchange(Exchange& ex) {
  ex.lookup_start = Clock::now();
  if (ex.address.system) {
    SendQuery(ex);
    return;
  }
  if (IsIpLiteral(ex.address.host)) {
    ex.ip = ChooseAddress({ex.address.host}, config_);
    if (ex.ip.empty()) {
      result_.log.Error("Resolver address is not of the wanted IP protocol",
                        {{"resolver", ex.label}});
      EndExchange(ex, false, FailureReason::kDns);
      return;
    }
    // Every server the probe talks to passes probe_policy, whether it came
    // from the /probe target or from the module's resolvers: list.
    if (!HostAllowed(request_.config->probe_policy, ex.ip, &result_)) {
      EndExchange(ex, false, FailureReason::kNetwork);
      return;
    }
    SendQuery(ex);
    return;
  }
  result_.log.Info(
      "Resolving target address",
      {{"target", ex.address.host},
       {"ip_protocol", config_.preferred_ip_protocol == IpProtocol::kIp4 ? "ip4" : "ip6"}});
  // The shared resolver asks only for the preferred family without
  // fallback, as blackbox does.
  ex.lookup = resolver_->Resolve(ex.address.host, config_.preferred_ip_protocol,
                                 config_.ip_protocol_fallback, request_.deadline,
                                 [this, &ex](const ResolveResult& resolved) {
                                   ex.lookup = 0;
                                   OnResolverAddresses(ex, resolved);
                                 });
}

void DnsProbeRun::OnResolverAddresses(Exchange& ex, const ResolveResult& resolved) {
  ex.lookup_seconds = SecondsSince(ex.lookup_start);
  if (ex.done) return;
  if (!resolved.error.empty()) {
    result_.log.Error("Error resolving address",
                      {{"target", ex.address.host}, {"err", resolved.error}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  // The resolver orders the preferred family first, keeping the order
  // within each family, so ChooseAddress still picks as blackbox does.
  std::vector<std::string> addresses;
  for (const ResolvedAddress& address : resolved.addresses) addresses.push_back(address.text);
  ex.ip = ChooseAddress(addresses, config_);
  if (ex.ip.empty()) {
    result_.log.Error("Error resolving address",
                      {{"target", ex.address.host}, {"err", "unable to find ip; no fallback"}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  result_.log.Info("Resolved target address", {{"target", ex.address.host}, {"ip", ex.ip}});
  // The policy applies to the address the name resolved to, so a DNS answer
  // cannot smuggle a denied address (the metadata service) in.
  for (const ResolvedAddress& address : resolved.addresses) {
    if (address.text != ex.ip) continue;
    if (!AddressAllowed(request_.config->probe_policy, ex.address.host, address, &result_)) {
      EndExchange(ex, false, FailureReason::kNetwork);
      return;
    }
    break;
  }
  SendQuery(ex);
}

void DnsProbeRun::SendQuery(Exchange& ex) {
  if (config_.dns_over_tls) {
    SendDotQuery(ex);
    return;
  }
  AresChannelOptions options;
  options.use_tcp = config_.transport_protocol == "tcp";
  options.no_check_response = true;  // SERVFAIL/REFUSED are answers to judge
  options.source_ip = config_.source_ip_address;
  if (!ex.address.system) {
    // One exchange within the deadline, like blackbox's dns.Client; the
    // system resolver keeps its own timeouts and server rotation.
    options.servers_csv = ServerCsv(ex.ip, ex.address.port);
    options.tries = 1;
    options.timeout = std::max(
        std::chrono::milliseconds(1),
        std::chrono::duration_cast<std::chrono::milliseconds>(request_.deadline - Clock::now()));
  }
  std::string error;
  ex.query = AresChannel::Create(loop_, options, &error);
  if (!ex.query) {
    result_.log.Error("Error while sending a DNS query", {{"err", error}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  result_.log.Info("Making DNS query",
                   {{"target", ex.address.system ? "system" : options.servers_csv},
                    {"dial_protocol", config_.transport_protocol},
                    {"query", config_.query_name},
                    {"type", config_.query_type},
                    {"class", config_.query_class}});
  ex.request_start = Clock::now();
  ex.query->Send(query_, [this, &ex](int status, const std::vector<uint8_t>& answer) {
    OnAnswer(ex, status, answer);
  });
}

void DnsProbeRun::OnAnswer(Exchange& ex, int status, const std::vector<uint8_t>& answer) {
  // As blackbox: connect is the exchange's time minus the round trips.
  const double total = SecondsSince(ex.request_start);
  ex.connect_seconds = std::min(total, ex.query->ConnectSeconds());
  ex.request_seconds = total - ex.connect_seconds;
  if (ex.done) return;
  if (status != ARES_SUCCESS) {
    // A refused /probe target is a network failure, as for any server; in
    // a resolvers: list it is one resolver down, which is DNS trouble.
    const bool refused = status == ARES_ECONNREFUSED && config_.resolvers.empty();
    std::string why = status == ARES_ECANCELLED ? cancel_reason_ : ares_strerror(status);
    result_.log.Error("Error while sending a DNS query", {{"resolver", ex.label}, {"err", why}});
    EndExchange(ex, false, refused ? FailureReason::kNetwork : FailureReason::kDns);
    return;
  }
  OnReply(ex, answer);
}

void DnsProbeRun::SendDotQuery(Exchange& ex) {
  if (config_.transport_protocol != "tcp") {
    result_.log.Error("Configuration error: Expected transport protocol tcp for DoT",
                      {{"protocol", config_.transport_protocol}});
    EndExchange(ex, false, FailureReason::kProtocol);
    return;
  }
  if (ex.address.system) {
    result_.log.Error("DNS over TLS cannot query the system resolver", {{"resolver", ex.label}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  // As blackbox: the certificate must match the resolver's name as given,
  // unless tls_config.server_name names another.
  const std::string& server_name =
      config_.tls_config.server_name.empty() ? ex.address.host : config_.tls_config.server_name;
  ex.dot = std::make_unique<DotQuery>(loop_, config_.tls_config, server_name);
  result_.log.Info("Making DNS query", {{"target", ServerCsv(ex.ip, ex.address.port)},
                                        {"dial_protocol", "tcp-tls"},
                                        {"query", config_.query_name},
                                        {"type", config_.query_type},
                                        {"class", config_.query_class}});
  ex.request_start = Clock::now();
  ex.dot->Start(ex.ip, ex.address.port, config_.source_ip_address, query_,
                [this, &ex](const DotOutcome& outcome) { OnDotAnswer(ex, outcome); });
}

void DnsProbeRun::OnDotAnswer(Exchange& ex, const DotOutcome& outcome) {
  const double total = SecondsSince(ex.request_start);
  ex.connect_seconds = std::min(total, ex.dot->ConnectSeconds());
  ex.request_seconds = total - ex.connect_seconds;
  if (ex.done) return;
  if (!outcome.ok) {
    // As for the other transports: a resolver of a resolvers: list that
    // cannot be reached is DNS trouble.
    const bool listed = !config_.resolvers.empty();
    const FailureReason reason =
        listed && outcome.reason == FailureReason::kNetwork ? FailureReason::kDns : outcome.reason;
    result_.log.Error("Error while sending a DNS query",
                      {{"resolver", ex.label}, {"err", outcome.error}});
    EndExchange(ex, false, reason);
    return;
  }
  OnReply(ex, outcome.answer);
}

void DnsProbeRun::OnReply(Exchange& ex, const std::vector<uint8_t>& answer) {
  std::string error;
  ex.answer = ParseMessage(answer.data(), answer.size(), &error);
  if (!ex.answer) {
    result_.log.Error("Malformed DNS answer", {{"resolver", ex.label}, {"err", error}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  Judge(ex);
}

void DnsProbeRun::Judge(Exchange& ex) {
  const Message& m = *ex.answer;
  result_.log.Info("Got response", {{"resolver", ex.label},
                                    {"rcode", RcodeName(m.rcode)},
                                    {"answer_rrs", std::to_string(m.answer.size())},
                                    {"authority_rrs", std::to_string(m.authority.size())},
                                    {"additional_rrs", std::to_string(m.additional.size())}});
  if (!ValidRcode(m.rcode, config_.valid_rcodes)) {
    result_.log.Error("Rcode is not one of the valid rcodes",
                      {{"resolver", ex.label}, {"rcode", RcodeName(m.rcode)}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  const std::pair<const char*, std::pair<const std::vector<ResourceRecord>*, const DnsRrValidator*>>
      sections[] = {{"Answer", {&m.answer, &config_.validate_answer_rrs}},
                    {"Authority", {&m.authority, &config_.validate_authority_rrs}},
                    {"Additional", {&m.additional, &config_.validate_additional_rrs}}};
  for (const auto& [section, checked] : sections) {
    std::string why;
    if (!ValidRrs(*checked.first, *checked.second, &why)) {
      result_.log.Error(std::string(section) + " RRs validation failed",
                        {{"resolver", ex.label}, {"err", why}});
      EndExchange(ex, false, FailureReason::kDns);
      return;
    }
  }
  EndExchange(ex, true, FailureReason::kNone);
}

void DnsProbeRun::EndExchange(Exchange& ex, bool succeeded, FailureReason reason) {
  if (ex.done) return;
  ex.done = true;
  ex.succeeded = succeeded;
  ex.reason = reason;
  MaybeFinish();
}

void DnsProbeRun::Cancel(std::string_view why) {
  if (finished_) return;
  cancel_reason_ = std::string(why);
  // ares_cancel runs the pending callbacks now, which end each exchange; a
  // dropped lookup does not call back, so it is ended here the same way.
  for (auto& ex : exchanges_) {
    if (ex->lookup != 0) {
      resolver_->Cancel(ex->lookup);
      ex->lookup = 0;
      ResolveResult cancelled;
      cancelled.error = cancel_reason_;
      OnResolverAddresses(*ex, cancelled);
    }
    if (ex->query) ex->query->Cancel();
    if (ex->dot) ex->dot->Cancel(cancel_reason_);
  }
  for (auto& ex : exchanges_) EndExchange(*ex, false, FailureReason::kDns);
}

void DnsProbeRun::OnDeadline() {
  result_.log.Error("Deadline reached before every resolver answered");
  Cancel("no answer before the probe deadline");
}

void DnsProbeRun::MaybeFinish() {
  if (finished_ || !done_) return;
  for (const auto& ex : exchanges_) {
    if (!ex->done) return;
  }
  Finish();
}

void DnsProbeRun::Finish() {
  finished_ = true;
  if (deadline_timer_ != 0) {
    loop_->CancelTimer(deadline_timer_);
    deadline_timer_ = 0;
  }
  ProbeResult& r = result_;
  r.success = true;
  for (const auto& ex : exchanges_) {
    if (!ex->succeeded) r.Fail(ex->reason);
  }
  // blackbox's metrics describe the primary exchange: the target, or the
  // first of `resolvers:`.
  const Exchange& primary = *exchanges_.front();
  r.Add(metric::kDnsLookupTime, primary.lookup_seconds);
  AddIpFacts(primary.ip, &r);
  if (primary.dot) AddTlsSamples(primary.dot->tls_facts(), &r);
  const std::pair<std::string_view, double> phases[] = {{"resolve", primary.lookup_seconds},
                                                        {"connect", primary.connect_seconds},
                                                        {"request", primary.request_seconds}};
  for (const auto& [phase, seconds] : phases) {
    r.Add(metric::kDnsDuration, {{"phase", std::string(phase)}}, seconds);
    r.phases.push_back(PhaseTiming{phase, seconds});
  }
  const Message* answer = primary.answer ? &*primary.answer : nullptr;
  r.Add(metric::kDnsAnswerRrs, answer ? static_cast<double>(answer->answer.size()) : 0);
  r.Add(metric::kDnsAuthorityRrs, answer ? static_cast<double>(answer->authority.size()) : 0);
  r.Add(metric::kDnsAdditionalRrs, answer ? static_cast<double>(answer->additional.size()) : 0);
  r.Add(metric::kDnsQuerySucceeded, answer ? 1 : 0);
  if (config_.query_type == "SOA") {
    uint32_t serial = 0;
    if (answer) SoaSerial(answer->answer, &serial);
    r.Add(metric::kDnsSerial, serial);
  }
  r.Add(metric::kDnsRcode, answer ? answer->rcode : -1);
  if (!config_.resolvers.empty()) {
    std::optional<std::vector<std::string>> first_set;
    bool consistent = true;
    for (const auto& ex : exchanges_) {
      r.Add(metric::kDnsResolverSuccess, {{"resolver", ex->label}}, ex->succeeded ? 1 : 0);
      r.Add(metric::kDnsResolverRcode, {{"resolver", ex->label}},
            ex->answer ? ex->answer->rcode : -1);
      if (!ex->answer) continue;
      std::vector<std::string> set = AnswerSet(ex->answer->answer);
      if (!first_set) {
        first_set = std::move(set);
      } else if (set != *first_set) {
        consistent = false;
      }
    }
    if (!consistent) result_.log.Error("Resolvers returned different answers");
    r.Add(metric::kDnsAnswersConsistent, consistent ? 1 : 0);
  }
  ProbeCallback done = std::move(done_);
  done(std::move(result_));
}

}  // namespace outage::dns
