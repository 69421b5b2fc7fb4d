// Writes seed inputs for the otlp_body fuzz target (tests/fuzz/otlp_body_fuzz.cc): request bodies
// serialized by the OpenTelemetry JS SDK's own serializers (the bytes its OTLP/HTTP exporters
// send), each prefixed by the target's content-type byte (0: protobuf, 1: JSON).
//   node otlp_body_seeds.mjs DIR
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node otlp_body_seeds.mjs DIR');
  process.exit(2);
}
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'checkout', 'deployment.environment': 'prod' }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('arbiter-fuzz-seeds');
const root = tracer.startSpan('agent', {
  attributes: { 'input.value': 'where is my order?', 'metadata.intent': 'order_status' },
});
const inRoot = trace.setSpan(context.active(), root);
const llm = tracer.startSpan('chat gpt-4o-mini', {
  attributes: {
    'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 41, 'gen_ai.usage.output_tokens': 12,
  },
}, inRoot);
llm.addEvent('gen_ai.choice', { 'gen_ai.message.content': 'calling lookup_order' });
llm.end();
const tool = tracer.startSpan('execute_tool lookup_order', {
  attributes: { 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.id': 'call_1',
    'gen_ai.tool.call.arguments': '{"order_id": 7}' },
}, inRoot);
tool.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout, retried' });
tool.end();
root.setAttribute('output.value', 'it ships tomorrow');
root.end();
await provider.forceFlush();
const spans = memory.getFinishedSpans();
const write = (name, kind, bytes) =>
  writeFileSync(join(dir, name), Buffer.concat([Buffer.from([kind]), Buffer.from(bytes)]));
write('sdk_trace.pb', 0, ProtobufTraceSerializer.serializeRequest(spans));
write('sdk_trace.json', 1, JsonTraceSerializer.serializeRequest(spans));
write('sdk_one_span.pb', 0, ProtobufTraceSerializer.serializeRequest(spans.slice(0, 1)));
write('sdk_one_span.json', 1, JsonTraceSerializer.serializeRequest(spans.slice(0, 1)));
