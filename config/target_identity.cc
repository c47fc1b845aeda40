// See target_identity.h.
#include "config/target_identity.h"

#include "config/url.h"

namespace outage {

std::string TargetKey(std::string_view target, std::string_view module) {
  std::string key;
  key.reserve(target.size() + 1 + module.size());
  key.append(target).append(1, '\0').append(module);
  return key;
}

void IdentifyTarget(Target* target) {
  TargetIdentity& id = target->identity;
  id.key = TargetKey(target->target, target->module);
  // A password in the target URL never reaches a label, a log or a page.
  id.display = RedactUrlPassword(target->target);
  id.shown_key = TargetKey(id.display, target->module);
  id.labels = {{"target", id.display}, {"module", target->module}};
  id.labels.insert(id.labels.end(), target->labels.begin(), target->labels.end());
}

}  // namespace outage
