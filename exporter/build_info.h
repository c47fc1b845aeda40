// Version and source revision stamped in at build time.
#pragma once

namespace outage {

extern const char* const kVersion;
extern const char* const kRevision;

}  // namespace outage
