// Parses blackbox's query_response list, shared by the tcp, unix and
// websocket sections, and checks its STARTTLS rules. Internal to config/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace outage::config_internal {

// QueryResponseKeys says which step keys a prober understands beyond
// expect, send and labels. With `ignored` set, expect_bytes and starttls are
// read, ignored, and named there (blackbox's websocket prober accepts and
// ignores them); without it they are unknown keys.
struct QueryResponseKeys {
  bool expect_bytes = true;
  bool starttls = true;
  std::vector<std::string>* ignored = nullptr;  // paths of keys read and ignored
};

// QueryResponseParser reads one section's query_response entry, then checks
// the STARTTLS rules against the section's `tls` once it has been read
// (the keys may come in any order). Not thread-safe.
class QueryResponseParser {
 public:
  QueryResponseParser(YamlReader& reader, QueryResponseKeys keys) : reader_(reader), keys_(keys) {}

  // Parse appends the steps of `entry` to *out; a step left with nothing to
  // do once ignored keys are dropped is dropped too.
  bool Parse(const MapEntry& entry, std::vector<QueryResponse>* out);
  // CheckTls rejects TLS inside TLS: a second upgrade, or one on a
  // connection that is TLS from the start.
  bool CheckTls(bool tls);
  // starttls reports whether a step upgrades the connection.
  bool starttls() const { return !starttls_.empty(); }

 private:
  bool ParseStep(const YAML::Node& node, const std::string& path, QueryResponse* out);

  YamlReader& reader_;
  QueryResponseKeys keys_;
  std::vector<std::pair<YAML::Node, std::string>> starttls_;  // node, path
};

}  // namespace outage::config_internal
