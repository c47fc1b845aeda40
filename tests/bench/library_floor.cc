// library_floor URL: the resident memory of the libraries outage_exporter is
// built on, with none of its code. Each library does the least the exporter
// makes it do (curl, c-ares and OpenSSL initialised, an SQLite file written,
// a YAML document read, an RE2 pattern matched, a stream formatted, a bcrypt
// hash, a Prometheus registry serialised), then 64 HTTP transfers run at once
// on one curl multi handle, 20 times: the 64-client /probe load without the
// server. Prints VmHWM, RssAnon and RssFile (KiB) after each step; bench.sh
// puts the last VmHWM next to the exporter's, as the part of its peak that no
// change to its own code can remove.
#include <ares.h>
#include <crypt.h>
#include <curl/curl.h>
#include <idn2.h>
#include <openssl/ssl.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <re2/re2.h>
#include <sqlite3.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

size_t Discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

void Show(const char* step) {
  std::ifstream status("/proc/self/status");
  std::string line;
  std::string out;
  while (std::getline(status, line)) {
    for (const char* field : {"VmHWM:", "RssAnon:", "RssFile:"}) {
      if (line.rfind(field, 0) == 0) {
        std::istringstream in(line.substr(std::strlen(field)));
        long kib = 0;
        in >> kib;
        out += " " + std::string(field) + std::to_string(kib);
      }
    }
  }
  std::printf("%-30s%s\n", step, out.c_str());
}

// Transfers runs `rounds` rounds of `parallel` transfers of `url` at once.
void Transfers(const char* url, int rounds, int parallel) {
  CURLM* multi = curl_multi_init();
  for (int round = 0; round < rounds; ++round) {
    std::vector<CURL*> handles;
    for (int i = 0; i < parallel; ++i) {
      CURL* h = curl_easy_init();
      curl_easy_setopt(h, CURLOPT_URL, url);
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Discard);
      curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);   // each probe has its own connection
      curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 4096L);  // as the exporter's HTTP probe
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
      curl_multi_add_handle(multi, h);
      handles.push_back(h);
    }
    int running = 1;
    while (running != 0) {
      curl_multi_perform(multi, &running);
      if (running != 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    for (CURL* h : handles) {
      curl_multi_remove_handle(multi, h);
      curl_easy_cleanup(h);
    }
  }
  curl_multi_cleanup(multi);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: library_floor URL\n");
    return 2;
  }
  const char* url = argv[1];
  Show("loaded");

  curl_global_init(CURL_GLOBAL_DEFAULT);
  ares_library_init(ARES_LIB_INIT_ALL);
  ares_channel channel = nullptr;
  ares_init(&channel);
  SSL_CTX* tls = SSL_CTX_new(TLS_server_method());
  Show("curl, c-ares, OpenSSL");

  char db_path[] = "/tmp/library_floor_XXXXXX";
  const int fd = mkstemp(db_path);
  if (fd >= 0) close(fd);
  sqlite3* db = nullptr;
  sqlite3_open(db_path, &db);
  sqlite3_exec(db,
               "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
               "INSERT INTO t(body) VALUES('x'); SELECT body FROM t;",
               nullptr, nullptr, nullptr);
  const YAML::Node config =
      YAML::Load("modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n");
  std::string scheme;
  RE2::PartialMatch(url, RE2("^(https?)://"), &scheme);
  std::ostringstream formatted;
  formatted << 1.5 << config["modules"]["http_2xx"]["timeout"].as<std::string>();
  char* ascii = nullptr;
  idn2_lookup_u8(reinterpret_cast<const uint8_t*>("example.com"),
                 reinterpret_cast<uint8_t**>(&ascii), 0);
  idn2_free(ascii);
  crypt_data hash{};
  crypt_r("password", "$2b$05$abcdefghijklmnopqrstuu", &hash);
  prometheus::Registry registry;
  prometheus::BuildCounter().Name("floor_total").Help("h").Register(registry).Add({}).Increment();
  const std::string exposition = prometheus::TextSerializer().Serialize(registry.Collect());
  Show("SQLite, YAML, RE2, Prometheus");

  Transfers(url, 20, 64);
  Show("20 rounds of 64 transfers");

  SSL_CTX_free(tls);
  sqlite3_close(db);
  std::remove(db_path);
  ares_destroy(channel);
  curl_global_cleanup();
  return exposition.empty() || formatted.str().empty() ? 1 : 0;
}
