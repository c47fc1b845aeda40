// Reading the YAML examples out of the Markdown docs, so tests can load what users
// copy.
#pragma once

#include <string>
#include <string_view>

namespace outage::test {

// ReadmeYamlExample returns the first ```yaml block after the heading that
// starts with `heading` in the README at `readme_path`; "" when either is
// missing.
std::string ReadmeYamlExample(const std::string& readme_path, std::string_view heading);

}  // namespace outage::test
