// `arbiter serve --out DIR [--policy P] [--port 4318] [--host 127.0.0.1] [--window 1h] ...`:
// an OTLP/HTTP receiver that assembles traces, samples each window with the policy and queues
// its anomalies for annotation (runner/serve/, docs/SERVE.md). SIGTERM or SIGINT closes the open
// window early (partial) and exits 0; a kill -9 loses nothing acknowledged (the journal).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runner/base/atomic_file.h"
#include "runner/base/duration.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_loader.h"
#include "runner/redact/redactor.h"
#include "runner/sampling/policy.h"
#include "runner/serve/judge_budget.h"
#include "runner/serve/otlp_grpc.h"
#include "runner/serve/otlp_http.h"
#include "runner/serve/receiver.h"
#include "runner/serve/window_scorer.h"
#include "runner/triage/options.h"

namespace arbiter {
namespace {

struct ServeFlags {
  std::string out;
  std::string policy;
  std::string host = "127.0.0.1";
  int port = 4318;
  int grpc_port = 4317;  // -1: no gRPC
  std::string window;    // default: the policy's `window`, else 1h
  std::string quiet_period = "30s";
  std::string late_window = "10m";
  std::string stop_after;
  size_t max_inflight_traces = 20000;
  uint64_t late_ids = 1000000;
  size_t max_body_bytes = 16 << 20;
  size_t top = 50;
  size_t threads = 64;
  uint64_t seed = 1;
  bool no_redact = false;
  std::string suite;          // empty: windows are sampled, not scored
  uint64_t judge_budget = 0;  // judge calls per hour; 0: no budget
  std::vector<std::string> plugin_paths;
  std::string cache = ".arbiter/cache";
  bool no_cache = false;
};

Result<uint64_t> Duration(const std::string& flag, const std::string& text) {
  Result<uint64_t> ms = ParseDurationMs(text);
  if (!ms.ok()) return Status::InvalidArgument(flag + ": " + ms.status().message());
  return ms;
}

int Serve(const ServeFlags& flags) {
  if (flags.judge_budget > 0 && flags.suite.empty()) {
    return Fail("serve", Status::InvalidArgument(
                             "--judge-budget needs --suite: it bounds the judge calls of scoring"));
  }
  // Without a policy: one stratum, the default target, written to OUT/sample-policy.yaml so
  // that the windows' partial samples can be merged with it (`sample --merge --policy`). It is
  // written once every flag has been checked: a usage error leaves nothing behind.
  constexpr char kDefaultPolicy[] =
      "# arbiter serve's default policy: one stratum, 200 traces per window.\n"
      "targets: {default: 200}\n";
  const std::filesystem::path policy_path =
      flags.policy.empty() ? std::filesystem::path(flags.out) / "sample-policy.yaml"
                           : std::filesystem::path(flags.policy);
  Result<SamplePolicy> policy = flags.policy.empty()
                                    ? ParseSamplePolicy(kDefaultPolicy, policy_path.string())
                                    : LoadSamplePolicy(policy_path);
  if (!policy.ok()) return Fail("serve", policy.status());
  ServeOptions options;
  options.out = flags.out;
  options.seed = flags.seed;
  options.max_inflight_traces = flags.max_inflight_traces;
  if (!flags.window.empty()) {
    Result<uint64_t> window = Duration("--window", flags.window);
    if (!window.ok()) return Fail("serve", window.status());
    options.window_ms = *window;
  } else if (policy->window_ms) {
    options.window_ms = *policy->window_ms;
  }
  if (options.window_ms < 1000) {
    return Fail("serve", Status::InvalidArgument("--window must be at least 1s"));
  }
  Result<uint64_t> quiet = Duration("--quiet-period", flags.quiet_period);
  if (!quiet.ok()) return Fail("serve", quiet.status());
  Result<uint64_t> late = Duration("--late-window", flags.late_window);
  if (!late.ok()) return Fail("serve", late.status());
  options.assembly.quiet_ms = *quiet;
  options.assembly.late_ms = *late;
  options.assembly.rootless_ms = std::max(*quiet, *late);
  options.assembly.late_ids = flags.late_ids;
  uint64_t stop_after = 0;
  if (!flags.stop_after.empty()) {
    Result<uint64_t> ms = Duration("--stop-after", flags.stop_after);
    if (!ms.ok()) return Fail("serve", ms.status());
    stop_after = *ms;
  }

  TriageOptions triage;
  if (!flags.policy.empty()) {
    Status loaded = LoadTriagePolicy(flags.policy, triage);
    if (!loaded.ok()) return Fail("serve", loaded);
  }
  triage.top = flags.top;
  triage.threads = 1;  // the window closes beside the receiver's threads
  // Each window's group medians from a bounded sketch per group, not every count at once.
  triage.group_stats = TriageGroupStats::kStreaming;
  Status valid = triage.Validate();
  if (!valid.ok()) return Fail("serve", valid);
  std::unique_ptr<Redactor> redactor;
  if (!flags.no_redact) {
    Result<Redactor> made = PolicyRedactor(flags.policy);
    if (!made.ok()) return Fail("serve", made.status());
    redactor = std::make_unique<Redactor>(std::move(*made));
  }

  // SIGTERM and SIGINT are taken by one thread (sigwait) rather than a handler: shutting down
  // writes files, which a handler may not. Blocked before any thread starts, so all inherit it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // With a suite, each written window's sample is scored into OUT/scores/WINDOW (and what a
  // kill -9 left unscored, at start). Loaded before receiving starts, so that a bad suite fails
  // at once.
  PluginRegistry registry;
  std::optional<Suite> suite;
  if (!flags.suite.empty()) {
    Result<Suite> loaded = LoadSuiteWithPlugins(flags.suite, registry, flags.plugin_paths);
    if (!loaded.ok()) return Fail("serve", loaded.status());
    suite = std::move(*loaded);
    // A budget that cannot pay for one trace in a whole window would never score anything.
    uint64_t cost = JudgeCallsPerTrace(*suite);
    uint64_t allowance = WindowAllowance(flags.judge_budget, options.window_ms);
    if (flags.judge_budget > 0 && cost > allowance) {
      return Fail("serve", Status::InvalidArgument(
                               "--judge-budget " + std::to_string(flags.judge_budget) + " allows " +
                               std::to_string(allowance) +
                               " judge calls per window, fewer than one trace may cost (" +
                               std::to_string(cost) +
                               ": the samples of the suite's LLM judges); raise it or "
                               "lengthen --window"));
    }
    if (flags.judge_budget > 0) {
      std::fprintf(stderr,
                   "arbiter serve: judge budget: %llu calls per hour, %llu per window; a trace "
                   "costs up to %llu\n",
                   static_cast<unsigned long long>(flags.judge_budget),
                   static_cast<unsigned long long>(allowance),
                   static_cast<unsigned long long>(cost));
    }
  }

  if (flags.policy.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(flags.out, ec);
    Status written = WriteFileAtomic(policy_path, kDefaultPolicy);
    if (!written.ok()) return Fail("serve", written);
    policy = LoadSamplePolicy(policy_path);  // as a given --policy is read
    if (!policy.ok()) return Fail("serve", policy.status());
  }
  Result<std::unique_ptr<Receiver>> receiver =
      Receiver::Start(options, *policy, triage, redactor.get(), stderr);
  if (!receiver.ok()) return Fail("serve", receiver.status());
  // After the receiver, whose metrics it counts in, and destroyed before it.
  std::unique_ptr<WindowScorer> scorer;
  if (suite) {
    WindowScoring scoring{flags.no_cache ? "" : flags.cache, flags.judge_budget};
    scorer = std::make_unique<WindowScorer>(*suite, flags.out, std::move(scoring),
                                            &(*receiver)->metrics(), stderr);
    scorer->Start();
  }
  HttpOptions http;
  http.host = flags.host;
  http.port = flags.port;
  http.max_body_bytes = flags.max_body_bytes;
  http.threads = flags.threads;
  OtlpHttpServer server(**receiver, http);
  Status bound = server.Bind();
  if (!bound.ok()) return Fail("serve", bound);
  OtlpGrpcServer grpc_server(**receiver, {flags.host, flags.grpc_port, flags.max_body_bytes});
  if (flags.grpc_port >= 0) {
    Status started = grpc_server.Start();
    if (!started.ok()) return Fail("serve", started);
    std::fprintf(stderr, "arbiter serve: OTLP/gRPC on %s:%d\n", flags.host.c_str(),
                 grpc_server.port());
  }
  std::fprintf(stderr,
               "arbiter serve: OTLP/HTTP on http://%s:%d/v1/traces, writing %s (window %s)\n",
               flags.host.c_str(), server.port(), flags.out.c_str(),
               flags.window.empty() ? "from the policy, or 1h" : flags.window.c_str());
  std::fflush(stderr);

  Status stopped;
  std::thread waiter([&] {
    int signal_number = 0;
    if (stop_after > 0) {
      timespec timeout{static_cast<time_t>(stop_after / 1000),
                       static_cast<long>(stop_after % 1000) * 1000000L};
      sigtimedwait(&signals, nullptr, &timeout);
    } else {
      sigwait(&signals, &signal_number);
    }
    std::fprintf(stderr, "arbiter serve: stopping: closing the open window\n");
    std::fflush(stderr);
    // The gRPC calls in progress finish first; later ones, like HTTP requests, get UNAVAILABLE
    // from the stopping receiver.
    grpc_server.Stop();
    stopped = (*receiver)->Shutdown();
    server.Stop();
  });
  server.Run();
  waiter.join();
  if (!stopped.ok()) return Fail("serve", stopped);
  if (scorer) scorer->Stop();  // the partial window the shutdown wrote too
  std::fprintf(stderr, "arbiter serve: stopped\n");
  return kExitOk;
}

}  // namespace

Command ServeCommand() {
  return {"serve",
          "Receive OTLP traces live; sample each window and queue its anomalies",
          {{"arbiter serve --policy datasets/demo/sample-policy.yaml --out out/serve --port 0 "
            "--stop-after 1s",
            "arbiter serve --suite evaluators/suites/demo.yaml --out out/serve-scored --window 1m "
            "--quiet-period 5s --port 0 --grpc 0 --stop-after 1s"},
           kCommonExitCodes},
          [](CLI::App& app) -> std::function<int()> {
            auto flags = std::make_shared<ServeFlags>();
            app.add_option("-o,--out", flags->out, "Output folder: samples/, triage/, the journal")
                ->required()
                ->check(OutputFolder());
            app.add_option("--policy", flags->policy,
                           "Sampling policy YAML (its triage: and redact: too; default: one "
                           "stratum, written to OUT/sample-policy.yaml)");
            app.add_option("--port,--http", flags->port, "OTLP/HTTP port (0: any free port)")
                ->capture_default_str()
                ->check(CLI::Range(0, 65535));
            app.add_option("--grpc", flags->grpc_port,
                           "OTLP/gRPC port (0: any free port; -1: no gRPC)")
                ->capture_default_str()
                ->check(CLI::Range(-1, 65535));
            app.add_option("--host", flags->host, "Address to listen on")->capture_default_str();
            app.add_option("--window", flags->window,
                           "Window length, e.g. 1h, 10m (default: the policy's window, else 1h)");
            app.add_option("--quiet-period", flags->quiet_period,
                           "A trace is complete when its root has ended and no span came for "
                           "this long")
                ->capture_default_str();
            app.add_option("--late-window", flags->late_window,
                           "Spans up to this long after their trace completed amend it; a "
                           "window is written this long after its end (and a trace without a "
                           "root completes after this long)")
                ->capture_default_str();
            app.add_option("--late-ids", flags->late_ids,
                           "Trace ids remembered after their late window, so that later spans "
                           "are refused as late (about 50 bytes each; 0: none, they start a new "
                           "trace)")
                ->capture_default_str()
                ->check(WholeNumber());
            app.add_option("--max-inflight-traces", flags->max_inflight_traces,
                           "Traces assembled at once; past it requests get 503 + Retry-After")
                ->capture_default_str()
                ->check(WholeNumber(1));
            app.add_option("--max-body", flags->max_body_bytes,
                           "Largest request body in bytes, after decompression (413 above)")
                ->capture_default_str()
                ->check(WholeNumber(1));
            app.add_option("--top", flags->top, "Triage queue length per window")
                ->capture_default_str()
                ->check(WholeNumber(1));
            app.add_option("--seed", flags->seed, "Sampling seed")
                ->capture_default_str()
                ->check(WholeNumber());
            app.add_option("--threads", flags->threads,
                           "HTTP connections served at once (one thread each)")
                ->capture_default_str()
                ->check(CLI::Range(1, 256));
            app.add_flag("--no-redact", flags->no_redact,
                         "Write triage queues as received (PII is redacted by default)");
            app.add_option("-s,--suite", flags->suite,
                           "Suite YAML: score each window's sample into OUT/scores/WINDOW");
            app.add_option("--judge-budget", flags->judge_budget,
                           "With --suite: at most N judge calls per hour; what a window's share "
                           "does not cover is carried to the next window (0: no budget)")
                ->capture_default_str();
            AddPluginPathOption(app, flags->plugin_paths);
            AddCacheOptions(app, flags->cache, flags->no_cache);
            app.add_option("--stop-after", flags->stop_after,
                           "Stop as SIGTERM does after this long (smoke tests, benchmarks)");
            return [flags] { return Serve(*flags); };
          }};
}

}  // namespace arbiter
