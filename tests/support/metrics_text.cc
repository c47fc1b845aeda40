#include "tests/support/metrics_text.h"

#include <cctype>
#include <cstdlib>

#include "tests/support/subprocess.h"

namespace outage::test {
namespace {

bool IsNameChar(char c, bool first) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && std::isdigit(static_cast<unsigned char>(c)));
}

bool Matches(const Sample& s, const std::string& name, const Labels& labels) {
  if (s.name != name) return false;
  for (const auto& [k, v] : labels) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

// ParseSample parses one sample line; returns an error message or "".
std::string ParseSample(std::string_view line, Sample* out) {
  size_t i = 0;
  while (i < line.size() && IsNameChar(line[i], i == 0)) ++i;
  if (i == 0) return "bad metric name";
  out->name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      while (i < line.size() && line[i] == ' ') ++i;
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const size_t start = i;
      while (i < line.size() && IsNameChar(line[i], i == start)) ++i;
      if (i == start) return "bad label name";
      const std::string label(line.substr(start, i - start));
      if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        return "expected =\" after label " + label;
      }
      i += 2;
      std::string value;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          value += line[i] == 'n' ? '\n' : line[i];
        } else {
          value += line[i];
        }
        ++i;
      }
      if (i >= line.size()) return "unterminated label value";
      ++i;  // closing quote
      if (!out->labels.emplace(label, value).second) return "duplicate label " + label;
      if (i < line.size() && line[i] == ',') ++i;
    }
  }
  if (i >= line.size() || line[i] != ' ') return "expected a space before the value";
  while (i < line.size() && line[i] == ' ') ++i;
  size_t end = line.find(' ', i);
  const std::string value(line.substr(i, end == std::string_view::npos ? end : end - i));
  char* parse_end = nullptr;
  out->value = std::strtod(value.c_str(), &parse_end);
  if (value.empty() || *parse_end != '\0') return "bad value '" + value + "'";
  return "";
}

}  // namespace

MetricsText MetricsText::Parse(std::string_view text) {
  MetricsText m;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# TYPE ", 0) == 0) {
        std::string_view rest = line.substr(7);
        const size_t sp = rest.find(' ');
        if (sp != std::string_view::npos) {
          m.types_[std::string(rest.substr(0, sp))] = std::string(rest.substr(sp + 1));
        }
      }
      continue;
    }
    Sample s;
    const std::string err = ParseSample(line, &s);
    if (err.empty()) {
      m.samples_.push_back(std::move(s));
    } else {
      m.errors_.push_back("line " + std::to_string(line_no) + ": " + err + ": " +
                          std::string(line));
    }
  }
  return m;
}

std::optional<double> MetricsText::Value(const std::string& name, const Labels& labels) const {
  std::optional<double> found;
  for (const Sample& s : samples_) {
    if (!Matches(s, name, labels)) continue;
    if (found) return std::nullopt;
    found = s.value;
  }
  return found;
}

bool MetricsText::Has(const std::string& name, const Labels& labels) const {
  for (const Sample& s : samples_) {
    if (Matches(s, name, labels)) return true;
  }
  return false;
}

std::vector<Sample> MetricsText::Find(const std::string& name, const Labels& labels) const {
  std::vector<Sample> out;
  for (const Sample& s : samples_) {
    if (Matches(s, name, labels)) out.push_back(s);
  }
  return out;
}

std::string MetricsText::Type(const std::string& family) const {
  auto it = types_.find(family);
  return it == types_.end() ? "" : it->second;
}

std::string MetricsText::FailureReason(const Labels& labels) const {
  const std::vector<Sample> reasons = Find("probe_failure_reason", labels);
  if (reasons.empty()) return "<no probe_failure_reason>";
  std::vector<std::string> set;
  for (const Sample& s : reasons) {
    if (s.value == 1) {
      auto it = s.labels.find("reason");
      set.push_back(it == s.labels.end() ? "<no reason label>" : it->second);
    } else if (s.value != 0) {
      return "<value " + std::to_string(s.value) + " in one-hot set>";
    }
  }
  if (set.size() == 1) return set[0];
  std::string joined;
  for (const std::string& r : set) joined += (joined.empty() ? "" : ",") + r;
  return "<" + std::to_string(set.size()) + " set: " + joined + ">";
}

PromtoolResult PromtoolCheckMetrics(std::string_view text) {
  SubprocessOptions options;
  options.program = "promtool";
  options.args = {"check", "metrics"};
  options.stdin_data = std::string(text);
  const RunResult run = RunSubprocess(options, std::chrono::seconds(30));
  PromtoolResult result;
  if (!run.started) {
    result.output = "cannot run promtool: " + run.error;
    return result;
  }
  result.ok = run.exit_code == 0;
  result.output = run.stdout_text + run.stderr_text;
  if (!run.exit_code) result.output += "\n(promtool timed out)";
  return result;
}

std::string FormatLabels(const Labels& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ",";
    out.append(k).append("=\"").append(v).append("\"");
  }
  return out + "}";
}

}  // namespace outage::test
