// Small text helpers the end-to-end tests share: filling config templates
// and cutting long logs down for failure messages.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace outage::test {

// Substitute replaces every occurrence of each placeholder in `text`.
std::string Substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values);

// Tail returns the last `lines` lines of `text`, with a note of how many
// earlier lines were left out.
std::string Tail(const std::string& text, size_t lines);

}  // namespace outage::test
