// Small text helpers the end-to-end tests share: filling config templates
// (inline PEM blocks included) and cutting long logs down for failure
// messages.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace outage::test {

// Substitute replaces every occurrence of each placeholder in `text`.
std::string Substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values);

// Indent prefixes every line of `text` with `spaces` spaces, to place a
// file (a PEM certificate) under a YAML block scalar.
std::string Indent(const std::string& text, int spaces);

// ReadFileText returns a whole file's bytes ("" when it cannot be read).
std::string ReadFileText(const std::string& path);

// Tail returns the last `lines` lines of `text`, with a note of how many
// earlier lines were left out.
std::string Tail(const std::string& text, size_t lines);

}  // namespace outage::test
