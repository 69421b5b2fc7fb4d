// `arbiter annotate --queue FILE --labels NAME --reviewer R [--suite S] [--scores FILE]`: the
// labeling page and the Annotation API (SPEC "Annotation API", docs/ANNOTATE.md), served from
// this process on 127.0.0.1 until Ctrl-C. Labels go to the label set's draft journal;
// `arbiter labels commit NAME` (or the page's commit button) makes the next version.
#include <cstdio>
#include <memory>
#include <string>

#include "runner/annotate/server.h"
#include "runner/annotate/session.h"
#include "runner/cli/cli.h"
#include "runner/cli/suite_failure_modes.h"

namespace arbiter {
namespace {

struct AnnotateFlags {
  std::string queue, labels, reviewer, suite, scores, policy;
  std::string root = kDefaultLabelRoot;
  std::string host = "127.0.0.1";
  int port = 8484;
  bool no_redact = false, allow_new = false, check = false;
};

int Annotate(const AnnotateFlags& flags) {
  AnnotateOptions options;
  options.queue = flags.queue;
  options.read_only = flags.check;
  options.label_root = flags.root;
  options.label_set = flags.labels;
  options.reviewer = flags.reviewer;
  options.scores = flags.scores;
  options.allow_new_failure_mode = flags.allow_new;
  if (!flags.suite.empty()) {
    Result<std::vector<FailureModeInfo>> modes = SuiteFailureModes(flags.suite);
    if (!modes.ok()) return Fail("annotate", modes.status());
    options.suite_modes = std::move(*modes);
    options.have_suite = true;
  }
  if (!flags.no_redact) {
    Result<Redactor> redactor = PolicyRedactor(flags.policy);
    if (!redactor.ok()) return Fail("annotate", redactor.status());
    options.redactor = std::make_shared<const Redactor>(std::move(*redactor));
  }
  // The label set's name is checked as every label command checks it.
  Result<LabelSetRef> name = ParseLabelSetRef(flags.labels + "@v1");
  if (!name.ok()) return Fail("annotate", name.status());
  Result<std::unique_ptr<AnnotateSession>> session = AnnotateSession::Open(options);
  if (!session.ok()) return Fail("annotate", session.status());
  for (const std::string& message : (*session)->queue().skipped()) {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
  const nlohmann::ordered_json described = (*session)->Session(flags.reviewer);
  std::fprintf(stderr,
               "arbiter annotate: %zu traces from %s; label set %s; reviewer %s; %zu failure "
               "modes; %s\n",
               (*session)->queue().size(), flags.queue.c_str(), flags.labels.c_str(),
               flags.reviewer.c_str(), described["failure_modes"].size(),
               flags.no_redact ? "NOT redacted (--no-redact)" : "PII redacted");
  if (flags.check) return kExitOk;
  ServerOptions server;
  server.host = flags.host;
  server.port = flags.port;
  if (flags.host != "127.0.0.1" && flags.host != "::1" && flags.host != "localhost") {
    std::fprintf(stderr,
                 "arbiter annotate: listening on %s: anyone who can reach it and has the token "
                 "can read these traces\n",
                 flags.host.c_str());
  }
  Status served = ServeAnnotation(**session, server, [](const std::string& url) {
    std::printf("%s\n", url.c_str());
    std::fflush(stdout);
    std::fprintf(stderr,
                 "arbiter annotate: open the URL above; Ctrl-C stops (every label is "
                 "already on disk)\n");
  });
  if (!served.ok()) return Fail("annotate", served);
  return kExitOk;
}

}  // namespace

Command AnnotateCommand() {
  return {
      "annotate",
      "Serve a labeling page and the Annotation API for a queue of traces",
      {{"arbiter annotate --queue datasets/demo/traces.jsonl --labels demo-review --reviewer ana "
        "--suite evaluators/suites/demo.yaml --root out/labels --check",
        "arbiter annotate --queue datasets/demo/traces.jsonl --labels demo-review --reviewer ben "
        "--port 0 --root out/labels --check"},
       kCommonExitCodes},
      [](CLI::App& app) -> std::function<int()> {
        auto flags = std::make_shared<AnnotateFlags>();
        app.add_option("--queue", flags->queue,
                       "JSONL traces to label, in order: a triage queue, a sample, raw traces")
            ->required();
        app.add_option("--labels", flags->labels, "Label set name (datasets/labels/NAME)")
            ->required();
        app.add_option("--reviewer", flags->reviewer,
                       "Who labels (a request may name another "
                       "with ?reviewer=)")
            ->required();
        app.add_option("-s,--suite", flags->suite,
                       "Suite whose evaluators' failure modes are labeled");
        app.add_option("--scores", flags->scores, "A run's scores.jsonl, shown beside each trace");
        app.add_option("--port", flags->port, "Port (0 picks a free one)")
            ->check(CLI::Range(0, 65535))
            ->capture_default_str();
        app.add_option("--host", flags->host,
                       "Address to listen on; anything but loopback exposes the traces")
            ->capture_default_str();
        app.add_option("--root", flags->root, "Label set folder")->capture_default_str();
        app.add_option("--policy", flags->policy,
                       "Policy YAML whose redact.patterns add redaction types");
        app.add_flag("--no-redact", flags->no_redact, "Show the traces without redaction");
        app.add_flag("--allow-new-failure-mode", flags->allow_new,
                     "Accept labels on a failure mode the suite does not declare");
        app.add_flag("--check", flags->check,
                     "Load the queue, suite, scores and label set, then exit without serving");
        app.footer([] {
          return std::string(
              "Prints the page's URL (with its session token) on stdout and serves until\n"
              "Ctrl-C. Every label is on disk (datasets/labels/NAME/draft/journal.jsonl) before\n"
              "the page hears it was saved; `arbiter labels commit NAME` makes the next version.\n"
              "Keys on the page: j/k next/previous, 1-9 pick a failure mode, p pass, f fail,\n"
              "x not assessed, u undo, n note, ? help. The API: docs/ANNOTATE.md.\n");
        });
        return [flags] { return Annotate(*flags); };
      }};
}

}  // namespace arbiter
