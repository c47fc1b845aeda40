// Which Debian package brings each external program the tests run, so that a
// missing one is reported by name ("ip comes from iproute2") instead of as an
// obscure exec or exit-status failure.
//
// Thread-safe: pure functions over a constant table and $PATH.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace outage::test {

// RequiredPrograms lists every external program the tests start, with the
// Debian package that installs it.
const std::vector<std::pair<std::string, std::string>>& RequiredPrograms();

// DebianPackageFor returns the package that installs `program` ("ip" ->
// "iproute2"), or an empty string for a program the table does not know.
std::string DebianPackageFor(const std::string& program);

// MissingProgram returns an empty string when `program` (a name looked up in
// $PATH, or a path) is executable; otherwise one line naming the package to
// install and the list it belongs to.
std::string MissingProgram(const std::string& program);

}  // namespace outage::test
