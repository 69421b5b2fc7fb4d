// The `citations` plugin (SPEC "Plugin params"): every citation in the text names a retrieved
// document, and (optionally) every quotation appears verbatim in one.
//
//   plugin: citations
//   target: output                  # default `output`; non-string values are read as JSON text
//   params: { pattern: '\[(doc\d+)\]', verbatim_quotes: true, min_quote_words: 4 }
//
// `pattern` (default '\[(doc\d+)\]'): RE2; every match is a citation and its capture group 1
// the cited document id. A pattern without a capture group is a configuration error. A match
// where group 1 did not take part (`\[(doc\d+)\]|\[\d+\]` matching "[3]") cites the id "".
// Documents are the trace's `retrieved_documents`: the id of each is its `id` (a string, or a
// number as its JSON text: 7 is "7"), or `doc0`, `doc1`, ... by position when it has none.
// `retrieved_documents` absent or null means no documents (so any citation fails); another
// non-array value, a document that is not an object, or an id that is neither a string nor a
// number is an error row.
// `verbatim_quotes` (default false): every quoted span ("..." or “...”) of at least
// `min_quote_words` words (default 4, at least 1; shorter spans are usually terms, not
// quotations) must occur in some document's `content`, case-sensitively, with every run of
// whitespace (Unicode White_Space) folded to one space on both sides and the quote's own leading
// and trailing whitespace dropped. Words are runs of non-whitespace; a `content` that is not a
// string is searched as its JSON text. `min_quote_words` without `verbatim_quotes` is a
// configuration error (it would do nothing).
// Score 1.0 when every citation and quote checks out, else 0.0: one invented citation is the
// failure. Reasons: "cites [doc7], not among the 3 retrieved documents (doc0, doc1, doc2)" (the
// ids are listed up to 5 documents), "cites [doc7]; no documents retrieved", "quote '...' not
// found in the 3 retrieved documents"; on a pass "4 citations, all among 3 retrieved documents"
// or "no citations", followed with verbatim_quotes by "; 2 quotes found verbatim" (or "; no
// quotes of at least 4 words").
// Citations are checked before quotes, each in text order; the first bad one is named.
// A missing target is an error row, not a fail.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo CitationsPlugin();

}  // namespace arbiter
