/* mhd_health: the listener spike for libmicrohttpd (Debian 12: 0.9.75).
 * Serves GET /-/healthy from MHD's own epoll thread, with the bounds the
 * exporter's listener has where MHD offers them: 10 s connection timeout (an
 * idle timeout: MHD has no bound on the time to receive a whole head), a
 * 20,000 connection limit and a 4096 listen backlog.
 *
 *   mhd_health PORT
 *
 * Used only by compare_listeners.sh; loopback only. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static enum MHD_Result Answer(void* cls, struct MHD_Connection* connection, const char* url,
                              const char* method, const char* version, const char* upload_data,
                              size_t* upload_data_size, void** state) {
  (void)cls, (void)method, (void)version, (void)upload_data, (void)upload_data_size, (void)state;
  const int healthy = strcmp(url, "/-/healthy") == 0;
  const char* body = healthy ? "Healthy\n" : "404 page not found\n";
  struct MHD_Response* response =
      MHD_create_response_from_buffer(strlen(body), (void*)body, MHD_RESPMEM_PERSISTENT);
  enum MHD_Result queued = MHD_queue_response(connection, healthy ? 200 : 404, response);
  MHD_destroy_response(response);
  return queued;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);
  struct MHD_Daemon* daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, (uint16_t)atoi(argv[1]), NULL, NULL,
      &Answer, NULL, MHD_OPTION_CONNECTION_LIMIT, 20000u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_END);
  if (daemon == NULL) {
    fprintf(stderr, "mhd_health: cannot start\n");
    return 1;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sig;
  sigwait(&set, &sig);
  MHD_stop_daemon(daemon);
  return 0;
}
