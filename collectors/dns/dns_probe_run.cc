#include "collectors/dns/dns_probe_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "collectors/dns/dns_validate.h"
#include "collectors/exception_text.h"
#include "collectors/ip_facts.h"
#include "collectors/metric_catalog.h"
#include "collectors/tls_facts.h"

namespace outage::dns {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool IsIp4(const std::string& ip) { return ip.find(':') == std::string::npos; }

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

DnsProbeRun::DnsProbeRun(const ProbeContext& context, ProbeRequest request, ProbeCallback done)
    : ProbeRun(context, std::move(request), std::move(done)), config_(module().dns) {}

DnsProbeRun::~DnsProbeRun() = default;

void DnsProbeRun::Start() {
  // blackbox queries the root when query_name is unset (dns.Fqdn("")).
  const std::string name = config_.query_name.empty() ? "." : config_.query_name;
  query_ = EncodeQuery(name, TypeFromName(config_.query_type).value_or(255),
                       ClassFromName(config_.query_class).value_or(1), config_.recursion_desired);
  const std::vector<std::string> resolvers =
      config_.resolvers.empty() ? std::vector<std::string>{request().target} : config_.resolvers;
  for (const std::string& resolver : resolvers) {
    auto ex = std::make_unique<Exchange>(ProbeRun::resolver());
    ex->label = resolver;
    std::string error;
    const std::optional<DnsServerAddress> address = ParseDnsServerAddress(resolver, &error);
    if (address) ex->address = *address;
    if (config_.dns_over_tls && !ex->address.port_given) ex->address.port = kDefaultDnsOverTlsPort;
    exchanges_.push_back(std::move(ex));
    if (!address || query_.empty()) {
      result().log.Error(
          "Cannot query resolver",
          {{"resolver", resolver}, {"err", query_.empty() ? "invalid query name " + name : error}});
      EndExchange(*exchanges_.back(), false, FailureReason::kDns);
    }
  }
  for (size_t i = 0; i < exchanges_.size(); ++i) {
    if (!exchanges_[i]->done) StartExchange(*exchanges_[i]);
  }
  // Set last: until now MaybeFinish must not finish a half-built probe.
  started_ = true;
  MaybeFinish();
}

void DnsProbeRun::StartExchange(Exchange& ex) {
  if (ex.address.system) {
    SendQuery(ex);
    return;
  }
  if (!IsIpLiteral(ex.address.host)) {
    result().log.Info(
        "Resolving target address",
        {{"target", ex.address.host},
         {"ip_protocol", config_.preferred_ip_protocol == IpProtocol::kIp4 ? "ip4" : "ip6"}});
  }
  // Every server the probe talks to passes probe_policy, whether it came
  // from the /probe target or from the module's resolvers: list.
  const bool started = ex.lookup.Start(
      policy(), ex.address.host, Options(ChoiceOf(config_)), &result(),
      [this, &ex](const ResolvedAddress* address) {
        ex.lookup_seconds = ex.lookup.seconds();
        if (ex.done) return;
        if (address == nullptr) {
          // An address picked but refused is the policy's, else the lookup's.
          EndExchange(ex, false,
                      ex.lookup.ip().empty() ? FailureReason::kDns : FailureReason::kNetwork);
          return;
        }
        ex.ip = address->text;
        SendQuery(ex);
      });
  if (!started) EndExchange(ex, false, FailureReason::kNetwork);
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
        std::chrono::duration_cast<std::chrono::milliseconds>(request().deadline - Clock::now()));
  }
  std::string error;
  ex.query = AresChannel::Create(loop(), options, &error);
  if (!ex.query) {
    result().log.Error("Error while sending a DNS query", {{"err", error}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  result().log.Info("Making DNS query",
                    {{"target", ex.address.system ? "system" : options.servers_csv},
                     {"dial_protocol", config_.transport_protocol},
                     {"query", config_.query_name},
                     {"type", config_.query_type},
                     {"class", config_.query_class}});
  ex.request_start = Clock::now();
  ex.query->Send(query_, [this, &ex](int status, const std::vector<uint8_t>& answer) {
    // The probe's exception boundary: this runs from inside c-ares, which
    // an exception must not unwind through. Once the result is handed on
    // there is no probe left to fail, and a throw is a bug: it ends here.
    try {
      OnAnswer(ex, status, answer);
    } catch (...) {
      if (finished()) std::terminate();
      Fail(FailureReason::kProtocol, "Internal error handling a DNS answer",
           CurrentExceptionText());
    }
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
    result().log.Error("Error while sending a DNS query", {{"resolver", ex.label}, {"err", why}});
    EndExchange(ex, false, refused ? FailureReason::kNetwork : FailureReason::kDns);
    return;
  }
  OnReply(ex, answer);
}

void DnsProbeRun::SendDotQuery(Exchange& ex) {
  if (config_.transport_protocol != "tcp") {
    result().log.Error("Configuration error: Expected transport protocol tcp for DoT",
                       {{"protocol", config_.transport_protocol}});
    EndExchange(ex, false, FailureReason::kProtocol);
    return;
  }
  if (ex.address.system) {
    result().log.Error("DNS over TLS cannot query the system resolver", {{"resolver", ex.label}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  // As blackbox: the certificate must match the resolver's name as given,
  // unless tls_config.server_name names another.
  const std::string& server_name =
      config_.tls_config.server_name.empty() ? ex.address.host : config_.tls_config.server_name;
  ex.dot = std::make_unique<DotQuery>(loop(), config_.tls_config, server_name);
  result().log.Info("Making DNS query", {{"target", ServerCsv(ex.ip, ex.address.port)},
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
    result().log.Error("Error while sending a DNS query",
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
    result().log.Error("Malformed DNS answer", {{"resolver", ex.label}, {"err", error}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  Judge(ex);
}

void DnsProbeRun::Judge(Exchange& ex) {
  const Message& m = *ex.answer;
  result().log.Info("Got response", {{"resolver", ex.label},
                                     {"rcode", RcodeName(m.rcode)},
                                     {"answer_rrs", std::to_string(m.answer.size())},
                                     {"authority_rrs", std::to_string(m.authority.size())},
                                     {"additional_rrs", std::to_string(m.additional.size())}});
  if (!ValidRcode(m.rcode, config_.valid_rcodes)) {
    result().log.Error("Rcode is not one of the valid rcodes",
                       {{"resolver", ex.label}, {"rcode", RcodeName(m.rcode)}});
    EndExchange(ex, false, FailureReason::kDns);
    return;
  }
  const std::pair<const char*, std::pair<const std::vector<ResourceRecord>*, const DnsRrValidator*>>
      sections[] = {{"Answer", {&m.answer, &config_.validate_answer_rrs}},
                    {"Authority", {&m.authority, &config_.validate_authority_rrs}},
                    {"Additional", {&m.additional, &config_.validate_additional_rrs}}};
  for (const auto& [section, checked] : sections) {
    if (std::optional<std::string> why = RrsProblem(*checked.first, *checked.second)) {
      result().log.Error(std::string(section) + " RRs validation failed",
                         {{"resolver", ex.label}, {"err", *why}});
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

void DnsProbeRun::OnCancel(std::string_view why) {
  cancel_reason_ = std::string(why);
  // ares_cancel runs the pending callbacks now, which end each exchange; a
  // dropped lookup does not call back, so it is ended here the same way.
  for (auto& ex : exchanges_) {
    if (ex->lookup.pending()) {
      ex->lookup.Stop();
      ex->lookup_seconds = ex->lookup.seconds();
      result().log.Error("Error resolving address",
                         {{"target", ex->address.host}, {"err", cancel_reason_}});
      EndExchange(*ex, false, FailureReason::kDns);
    }
    if (ex->query) ex->query->Cancel();
    if (ex->dot) ex->dot->Cancel(cancel_reason_);
  }
  for (auto& ex : exchanges_) EndExchange(*ex, false, FailureReason::kDns);
}

void DnsProbeRun::OnDeadline() {
  result().log.Error("Deadline reached before every resolver answered");
  Cancel("no answer before the probe deadline");
}

void DnsProbeRun::MaybeFinish() {
  if (finished() || !started_) return;
  for (const auto& ex : exchanges_) {
    if (!ex->done) return;
  }
  Finish();
}

void DnsProbeRun::Report(ProbeResult* result) {
  ProbeResult& r = *result;
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
    if (!consistent) r.log.Error("Resolvers returned different answers");
    r.Add(metric::kDnsAnswersConsistent, consistent ? 1 : 0);
  }
}

}  // namespace outage::dns
