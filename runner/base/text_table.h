// A table of a report for people, written either as Markdown (a file, a pull-request comment)
// or as plain aligned columns (a terminal, where Markdown's escapes are noise). Cells are raw
// text: each writer escapes them for its medium.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace arbiter {

struct TextTable {
  std::vector<std::string> header;
  std::vector<bool> right;  // per column: right-aligned (a figure); left when missing
  std::vector<std::vector<std::string>> rows;

  // A Markdown table, each cell through MarkdownCell (report_text.h).
  std::string Markdown() const;
  // Columns padded to their widest cell (in code points) and separated by two spaces, a rule of
  // dashes under the header, each cell through PlainCell.
  std::string Plain() const;
};

// `text` safe for a terminal: line breaks and tabs as spaces, other control bytes (C0 and DEL) as
// a visible "\x1b", so untrusted text never drives the terminal; nothing else is escaped.
std::string PlainCell(std::string_view text);

// Appends the control byte `c` as a visible "\x1b" (for PlainCell and MarkdownCell).
void AppendVisibleControl(std::string& out, char c);

}  // namespace arbiter
