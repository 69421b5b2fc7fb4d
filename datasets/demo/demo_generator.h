// The seeded generator of synthetic support-agent traces (SPEC "Trace format") with injected
// failure modes at documented per-intent rates (datasets/demo/README.md).
//
// Deterministic: the same seed gives the same bytes on every platform (std::mt19937_64 plus the
// hand-written mappings of demo_rng.h; floating point only in basic IEEE-754 operations, no
// libm). Traces come out in timestamp order; several traces share a session, sessions
// interleave, and users return with new sessions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/demo/demo_content.h"
#include "datasets/demo/demo_rng.h"

namespace arbiter::demo {

class DemoGenerator {
 public:
  explicit DemoGenerator(uint64_t seed);

  // Appends the next trace as one JSON line (with its '\n') to `traces`, and its ground truth
  // {"trace_id": ..., "injected": [failure tags]} as one line to `truth` when that is not null.
  void Next(std::string& traces, std::string* truth);

  // The failure modes injected into the trace that Next wrote last.
  const std::array<bool, kFailureCount>& last_injected() const { return injected_; }

 private:
  struct User {
    std::string id;
    std::string account;
    std::string email;
    std::string currency;
    std::string plan;
    Lang lang = kEn;
    int persona = 0;  // index into kPersonas
    int channel = 0;  // index into kChannels
    bool prefers_json = false;
  };
  struct Session {
    std::string id;
    User user;
    const Intent* intent = nullptr;
    int model = 0;
    int prompt_version = 0;
    int turns = 0;      // traces written so far
    int remaining = 0;  // traces still to come
    std::string last_input;
    std::string last_output;
  };

  Session& PickSession();
  User NewUser();

  DemoRng rng_;
  int64_t clock_;  // seconds since the epoch; advances with every trace
  uint64_t traces_ = 0;
  uint64_t sessions_ = 0;
  uint64_t users_ = 0;
  std::vector<Session> open_;    // sessions with traces still to come
  std::vector<User> returning_;  // recent users who may start another session
  std::array<bool, kFailureCount> injected_{};
};

}  // namespace arbiter::demo
