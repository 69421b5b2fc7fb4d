// The `length` plugin (SPEC "Plugin params"): size bounds on a text target.
//
//   plugin: length
//   target: output                  # default `output`; non-string values are measured as JSON text
//   params: { max_chars: 1200, min_words: 3 }
//
// Params, at least one required, each a non-negative integer, all inclusive bounds:
//   min_chars, max_chars  characters = Unicode code points (bytes that are not UTF-8
//                         continuation bytes), so "é" is one character, not two bytes;
//   min_words, max_words  words = maximal runs of non-whitespace, whitespace being any Unicode
//                         White_Space code point (see WhitespaceLength in text_target.h);
//   max_tokens            estimated tokens = ceil(code points / 4), a tokenizer-free estimate
//                         close to BPE tokenizers on English text.
// Score 1.0 when the text is within every bound, else 0.0. The reason states each measured
// value against the bound it broke ("1850 chars > max 1200"), or the measured values on a pass.
#pragma once

#include "runner/plugin_api/evaluator.h"

namespace arbiter {

PluginInfo LengthPlugin();

}  // namespace arbiter
