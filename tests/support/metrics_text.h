// Reads Prometheus text exposition the way a test wants to ask about it
// ("what is probe_success?", "which reason is set?"), and lints it with
// promtool.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outage::test {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;  // as exposed, e.g. "x_bucket", "x_count"
  Labels labels;
  double value = 0;
};

// MetricsText is a parsed exposition. Label filters match when every given
// label is present with that value (the sample may carry more). Immutable
// after Parse, so thread-safe.
class MetricsText {
 public:
  // Parse reads `text`. Malformed lines are collected in errors() (and
  // skipped), so a test can assert errors().empty().
  static MetricsText Parse(std::string_view text);

  // Value is the value of the one sample named `name` matching `labels`;
  // nullopt when none or more than one matches (ambiguity is a test bug).
  std::optional<double> Value(const std::string& name, const Labels& labels = {}) const;
  // Has reports whether at least one such sample exists.
  bool Has(const std::string& name, const Labels& labels = {}) const;
  // Find returns every sample named `name` matching `labels`.
  std::vector<Sample> Find(const std::string& name, const Labels& labels = {}) const;
  // Type is the `# TYPE` of a family ("gauge", "counter", ...), or "".
  std::string Type(const std::string& family) const;

  // FailureReason reads the one-hot probe_failure_reason set (filtered by
  // `labels`): the reason whose value is 1 when exactly one is; otherwise a
  // description such as "<no probe_failure_reason>" or "<2 set: dns,tls>",
  // which no test expects, so assertions show what went wrong.
  std::string FailureReason(const Labels& labels = {}) const;

  const std::vector<Sample>& samples() const { return samples_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<Sample> samples_;
  std::map<std::string, std::string> types_;
  std::vector<std::string> errors_;
};

struct PromtoolResult {
  bool ok = false;     // promtool ran and exited 0
  std::string output;  // its stdout and stderr, for the failure message
};

// PromtoolCheckMetrics pipes `text` to `promtool check metrics` (bounded to
// 30 s). promtool exits non-zero for lint problems too; those are in output.
PromtoolResult PromtoolCheckMetrics(std::string_view text);

// FormatLabels renders labels as {a="b",c="d"} for messages.
std::string FormatLabels(const Labels& labels);

}  // namespace outage::test
