#include "runner/base/html.h"

#include <cstdint>

#include "runner/base/sha256.h"

namespace arbiter {
namespace {

// The script's CSP source ('sha256-BASE64'): the page runs this script and nothing else.
std::string ScriptHashSource(const std::string& script) {
  const std::string hex = Sha256Hex(script);
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return "'sha256-" + out + "'";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

const char kHtmlBaseStyle[] = R"css(
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2433;max-width:1100px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d5d9e0;padding:3px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere}
th{background:#f3f5f8}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.small-n{background:#eceff1;color:#90a4ae}
.n{display:block;font-size:11px;color:#607d8b}
.muted{color:#607d8b}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
@media (max-width:640px){body{margin:10px}}
)css";

std::string HtmlPage(const std::string& title, const std::string& style, const std::string& body,
                     const std::string& script) {
  const std::string script_src = script.empty() ? "'none'" : ScriptHashSource(script);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src " +
      script_src +
      "; img-src data:\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      XmlEscape(title) + "</title><style>" + kHtmlBaseStyle + style + "</style></head><body>" +
      body;
  if (!script.empty()) html += "<script>" + script + "</script>";
  return html + "</body></html>\n";
}

}  // namespace arbiter
