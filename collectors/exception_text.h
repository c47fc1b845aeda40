// CurrentExceptionText: what an exception boundary says about the exception
// it caught, so that every boundary words it the same way.
//
// Thread-safe: reads only the exception being handled on this thread.
#pragma once

#include <exception>
#include <string>

namespace outage {

// CurrentExceptionText is the text of the exception being handled: its
// what(), or "unknown exception" for one that is not a std::exception. Call
// it only inside a catch block.
inline std::string CurrentExceptionText() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace outage
