// The labeling page: one HTML document with its script and style, embedded in the binary
// (page.cc). Every string from a trace is set with textContent, never as markup; the server
// sends it under a Content-Security-Policy that runs only the script carrying `nonce`.
#pragma once

#include <string>

namespace arbiter {

// The page with NONCE replaced by `nonce`.
std::string AnnotatePage(const std::string& nonce);

}  // namespace arbiter
