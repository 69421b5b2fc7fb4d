// What the self-contained HTML reports share (the gate's and the run's report.html): escaping of
// untrusted text, the page shell with a Content-Security-Policy that lets the page fetch nothing
// and run only its own script, and the base style of their tables.
#pragma once

#include <string>
#include <string_view>

namespace arbiter {

// Escapes text for XML and HTML attributes and content. Control characters other than tab and
// newline (not allowed in XML 1.0) become spaces.
std::string XmlEscape(std::string_view text);

// The style both reports start from: type, headings, tables (a wide one scrolls inside a
// `.scroll` box, never the page), right-aligned `.num` figures, `.muted` text and `td.small-n`
// cells (a count too small to read), `.n` counts under a figure.
extern const char kHtmlBaseStyle[];

// A whole page: `title` (escaped here), `style` inline, `body` as given (the caller escapes its
// data), then `script` when not empty. The policy forbids every fetch; the one script runs by its
// hash, and no script at all when `script` is empty.
std::string HtmlPage(const std::string& title, const std::string& style, const std::string& body,
                     const std::string& script = "");

}  // namespace arbiter
