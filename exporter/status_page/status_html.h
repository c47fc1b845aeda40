// The status page served at /: server-rendered HTML with inline CSS and SVG,
// no external assets and no JavaScript, readable on a phone, in a desktop
// browser and in a terminal browser.
#pragma once

#include <string>

#include "exporter/status_page/status_report.h"

namespace outage {

struct StatusPageOptions {
  int refresh_seconds = 30;  // meta refresh; 0: none
  size_t recent_rows = 50;   // rows of the "Recent probes" table
};

// RenderStatusHtml renders `report` as a whole HTML document. Every value
// from the config, the targets or a vendor status page is escaped.
std::string RenderStatusHtml(const StatusReport& report, const StatusPageOptions& options);

// StatusPageCsp is the page's Content-Security-Policy: nothing may load,
// and the one inline <style> is allowed by its hash.
const std::string& StatusPageCsp();

}  // namespace outage
