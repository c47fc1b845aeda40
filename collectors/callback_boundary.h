// CallbackBoundary: the exception boundary of a function that a C library
// (libcurl, OpenSSL) calls. An exception must never unwind through the
// library's frames, so each such callback runs its work inside this one.
//
// Thread-safe: a pure function of its arguments.
#pragma once

#include <string>

#include "collectors/exception_text.h"

namespace outage {

// CallbackBoundary returns what `work` returns or, when it throws, writes
// the exception's text to *error and returns `failed`, the value that makes
// the library abort what it was doing (0 from a write callback,
// CURL_SOCKET_BAD from an open-socket callback, ...).
template <typename Result, typename Work>
Result CallbackBoundary(Result failed, std::string* error, Work&& work) noexcept {
  try {
    return work();
  } catch (...) {
    *error = "internal error in a callback: " + CurrentExceptionText();
  }
  return failed;
}

}  // namespace outage
