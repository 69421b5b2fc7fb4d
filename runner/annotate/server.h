// The HTTP side of `arbiter annotate` (issue 17, item 7): the page and the Annotation API over
// cpp-httplib. Every request needs the session token (Authorization: Bearer T or ?token=T),
// loopback included, since other local users and other pages in the reviewer's browser reach
// loopback too; a request that changes state also needs the CSRF token (X-CSRF-Token) and an
// Origin naming this server. Bodies are size-limited and no path from a client reaches the
// filesystem: the routes are fixed and a trace is named by its index in the queue.
#pragma once

#include <functional>
#include <string>

#include "runner/annotate/session.h"
#include "runner/base/status.h"

namespace arbiter {

struct ServerOptions {
  std::string host = "127.0.0.1";  // --host; another address exposes the page to the network
  int port = 8484;                 // --port; 0 picks a free port
  // The session and CSRF tokens; empty: 32 random hex digits each (the usual case; tests may
  // not set them either).
  std::string token, csrf;
  size_t max_body = 64 * 1024;  // bytes; a label with its note fits many times over
};

// Serves until SIGINT or SIGTERM. `ready` is called once listening, with the page's URL
// (token included). Fails when the address cannot be bound.
Status ServeAnnotation(AnnotateSession& session, ServerOptions options,
                       const std::function<void(const std::string& url)>& ready);

// 32 hex digits from the system's random source.
std::string RandomToken();

// `a == b` in time that does not depend on where they first differ.
bool SameToken(const std::string& a, const std::string& b);

}  // namespace arbiter
