// WebPaths: where the exporter's pages live (--web.route-prefix) and how
// clients reach them (--web.external-url), with blackbox_exporter's rules:
// the route prefix defaults to the external URL's path, and both default to
// the root. A reverse proxy that serves the exporter under /outage/ either
// passes that prefix through (route prefix /outage/) or strips it (route
// prefix /, external URL .../outage); links handed to clients always use the
// external form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "exporter/server/listen_address.h"

namespace outage {

struct WebPaths {
  // Absolute, without a trailing slash: "http://host:9115",
  // "https://example.org/outage".
  std::string external_url = "http://localhost:9115";
  // The external URL's path without a trailing slash: "" or "/outage".
  std::string external_path;
  // Where routes are served: "/" or "/outage/" (leading and trailing slash).
  std::string route_prefix = "/";

  // Route is the served path of an endpoint: Route("/probe") is
  // "/outage/probe" under prefix "/outage/"; Route("/") is the prefix.
  std::string Route(std::string_view path) const;
  // Link is the path a client uses for an endpoint: Link("/logs") is
  // "/outage/logs" when the external URL's path is /outage.
  std::string Link(std::string_view path) const;
};

// ComputeWebPaths applies the flags. An empty `external_url` is
// "http(s)://<hostname>:<port of the first listen address>"; an empty
// `route_prefix` is the external URL's path. nullopt, with a one-line
// *error, for an external URL that is not an absolute http(s) URL, or a
// prefix with a query or fragment.
std::optional<WebPaths> ComputeWebPaths(const std::string& external_url,
                                        const std::string& route_prefix,
                                        const ListenAddress& first_address, bool tls,
                                        const std::string& hostname, std::string* error);

}  // namespace outage
