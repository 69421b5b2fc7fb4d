#include "runner/base/text_table.h"

#include <algorithm>

#include "runner/base/json_util.h"
#include "runner/base/report_text.h"

namespace arbiter {

void AppendVisibleControl(std::string& out, char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[static_cast<unsigned char>(c) >> 4];
  out += kHex[static_cast<unsigned char>(c) & 0xf];
}

std::string PlainCell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      AppendVisibleControl(out, c);
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

bool Right(const TextTable& table, size_t column) {
  return column < table.right.size() && table.right[column];
}

}  // namespace

std::string TextTable::Markdown() const {
  std::string md = "|", rule = "|";
  for (size_t c = 0; c < header.size(); ++c) {
    md += " " + MarkdownCell(header[c]) + " |";
    rule += Right(*this, c) ? "---:|" : "---|";
  }
  md += "\n" + rule + "\n";
  for (const std::vector<std::string>& row : rows) {
    md += "|";
    for (size_t c = 0; c < header.size(); ++c) {
      md += " " + (c < row.size() ? MarkdownCell(row[c]) : std::string()) + " |";
    }
    md += "\n";
  }
  return md;
}

std::string TextTable::Plain() const {
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size() + 1);
  cells.emplace_back();
  for (const std::string& text : header) cells.back().push_back(PlainCell(text));
  for (const std::vector<std::string>& row : rows) {
    cells.emplace_back();
    for (size_t c = 0; c < header.size(); ++c) {
      cells.back().push_back(c < row.size() ? PlainCell(row[c]) : "");
    }
  }
  std::vector<size_t> width(header.size(), 0);
  for (const std::vector<std::string>& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], CountCodePoints(row[c]));
  }
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - CountCodePoints(row[c]), ' ');
      text += (c ? "  " : "") + (Right(*this, c) ? pad + row[c] : row[c] + pad);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::string text = line(cells[0]);
  for (size_t c = 0; c < width.size(); ++c) {
    text += (c ? "  " : "") + std::string(width[c], '-');
  }
  text += "\n";
  for (size_t r = 1; r < cells.size(); ++r) text += line(cells[r]);
  return text;
}

}  // namespace arbiter
