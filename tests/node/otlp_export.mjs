// Sends agent-shaped traces to `arbiter serve` through the OpenTelemetry JS SDK's own OTLP
// exporters: the real clients the receiver must accept.
//   node otlp_export.mjs PROTOCOL ENDPOINT COUNT PREFIX
// PROTOCOL: http/json (exporter-trace-otlp-http), http/protobuf (exporter-trace-otlp-proto) or
// grpc (exporter-trace-otlp-grpc). ENDPOINT: http://127.0.0.1:PORT/v1/traces for HTTP,
// http://127.0.0.1:PORT for gRPC. Each trace is a root `agent` span with input.value and
// output.value, a child LLM span (gen_ai.*) and a tool span; each span is exported as it ends
// (SimpleSpanProcessor), so one trace arrives in several requests. Prints one JSON line per trace:
// {"trace_id", "input", "output", "model", "input_tokens", "output_tokens"}, what arbiter must
// assemble.
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [protocol, endpoint, countText, prefix] = process.argv.slice(2);
const count = Number(countText);
if (!protocol || !endpoint || !(count > 0) || prefix === undefined) {
  console.error('usage: node otlp_export.mjs PROTOCOL ENDPOINT COUNT PREFIX');
  process.exit(2);
}

const modules = {
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};
if (!modules[protocol]) {
  console.error(`unknown protocol ${protocol}`);
  process.exit(2);
}
const { OTLPTraceExporter } = await import(modules[protocol]);
const otlpExporter = new OTLPTraceExporter({ url: endpoint, timeoutMillis: 20000 });
// The SDK only logs a failed export; count them, so that a refused request fails the test.
const failures = [];
const exporter = {
  export(spans, done) {
    otlpExporter.export(spans, (result) => {
      if (result.code !== 0) failures.push(String(result.error ?? result.code));
      done(result);
    });
  },
  shutdown: () => otlpExporter.shutdown(),
  forceFlush: () => otlpExporter.forceFlush(),
};
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': `checkout-${protocol}` }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer('arbiter-serve-test');

const expected = [];
for (let i = 0; i < count; i++) {
  const input = `${prefix} question ${i}: where is my order?`;
  const output = `${prefix} answer ${i}: it ships tomorrow.`;
  const root = tracer.startSpan('agent', {
    attributes: { 'input.value': input, 'output.value': output, 'session.id': `s-${i % 3}` },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const llm = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 100 + i,
        'gen_ai.usage.output_tokens': 20 + i,
      },
    },
    inRoot,
  );
  llm.end();
  const tool = tracer.startSpan(
    'execute_tool lookup_order',
    {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_order',
        'gen_ai.tool.call.arguments': JSON.stringify({ order: i }),
      },
    },
    inRoot,
  );
  if (i % 4 === 3) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
  tool.end();
  root.end();
  expected.push({
    trace_id: root.spanContext().traceId,
    input,
    output,
    model: 'gpt-4o-mini',
    input_tokens: 100 + i,
    output_tokens: 20 + i,
  });
}
await provider.forceFlush();
await provider.shutdown();
if (failures.length > 0) {
  console.error(`${failures.length} export(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
for (const e of expected) console.log(JSON.stringify(e));
