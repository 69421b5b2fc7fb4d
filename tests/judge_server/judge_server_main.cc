// `arbiter_judge_server`: the loopback judge (judge_server.h) as a process, for the benchmark
// script and for trying the seed judge evaluators without a real endpoint.
//
//   arbiter_judge_server [--port N] [--latency-ms MS] [--threads N] [--port-file FILE]
//
// Prints its base URLs, serves until SIGINT or SIGTERM, then prints the requests it answered.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <unistd.h>

#include "tests/judge_server/judge_server.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  arbiter::testing::JudgeServerOptions options;
  std::string port_file;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf(
          "usage: arbiter_judge_server [--port N] [--latency-ms MS] [--threads N] "
          "[--port-file FILE]\n");
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "arbiter_judge_server: %s needs a value\n", flag.c_str());
      return 2;
    }
    const char* value = argv[++i];
    if (flag == "--port") {
      options.port = std::atoi(value);
    } else if (flag == "--latency-ms") {
      options.latency_ms = std::atoi(value);
    } else if (flag == "--threads") {
      options.threads = std::atoi(value);
    } else if (flag == "--port-file") {
      port_file = value;
    } else {
      std::fprintf(stderr, "arbiter_judge_server: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  arbiter::testing::JudgeServer server(options);
  if (!server.ok()) {
    std::fprintf(stderr, "arbiter_judge_server: cannot listen on 127.0.0.1:%d\n", options.port);
    return 3;
  }
  if (!port_file.empty()) std::ofstream(port_file) << server.port() << "\n";
  std::printf("openai base_url: %s\nanthropic base_url: %s\n", server.openai_base_url().c_str(),
              server.anthropic_base_url().c_str());
  std::fflush(stdout);
  while (!g_stop) pause();
  server.Stop();
  std::printf("answered %lld requests on %zu connections\n",
              static_cast<long long>(server.requests()), server.connections());
  return 0;
}
