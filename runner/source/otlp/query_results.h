// Retrieved documents carried in span events rather than attributes: OpenLLMetry's vector-store
// instrumentations (Chroma, Pinecone, Qdrant, ...) add one `db.query.result` event per match, with
// `db.query.result.{id, score, distance, document, metadata, vector}` attributes.
#pragma once

#include "runner/source/otlp/span.h"

namespace arbiter {

// True when `event` is a `db.query.result` event; `document` is then
// {"id", "content", "score", "distance", "metadata"}, each only when the event has it:
// `document` becomes `content`, `metadata` is parsed when it is the JSON text of an object (Chroma
// writes json.dumps) and kept as text otherwise (Pinecone writes Python's str()), and `vector`,
// the match's embedding, is left out: no evaluator reads it and it is the bulk of the event.
bool DocumentFromQueryResultEvent(const OtlpEvent& event, OrderedJson& document);

}  // namespace arbiter
