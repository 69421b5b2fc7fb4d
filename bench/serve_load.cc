// A load generator for `arbiter serve` (bench/serve.sh): THREADS connections each POST
// OTLP/HTTP protobuf requests of TRACES_PER_REQUEST traces x SPANS_PER_TRACE spans (an
// OpenInference agent: root, LLM, tools), fresh trace ids every request, for SECONDS.
// Prints requests, spans/s and the receive latency's median and 99th percentile. A 429 or 503
// (serve is full) is counted as refused and waited out for its Retry-After, as the exporters
// do; only spans of accepted requests are counted.
//   serve_load PORT SECONDS THREADS TRACES_PER_REQUEST SPANS_PER_TRACE
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runner/source/otlp/proto.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string Bytes(std::mt19937_64& random, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random() | 1);
  return out;
}

void Attribute(opentelemetry::proto::trace::v1::Span* span, const std::string& key,
               const std::string& value) {
  auto* entry = span->add_attributes();
  entry->set_key(key);
  entry->mutable_value()->set_string_value(value);
}

std::string Request(std::mt19937_64& random, int traces, int spans_per_trace) {
  arbiter::OtlpExportRequest request;
  auto* resource = request.add_resource_spans();
  auto* service = resource->mutable_resource()->add_attributes();
  service->set_key("service.name");
  service->mutable_value()->set_string_value("bench-agent");
  auto* scope = resource->add_scope_spans();
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  static const char* kIntents[] = {"billing", "refund", "shipping", "account"};
  for (int t = 0; t < traces; ++t) {
    std::string trace_id = Bytes(random, 16);
    std::string root_id = Bytes(random, 8);
    for (int s = 0; s < spans_per_trace; ++s) {
      auto* span = scope->add_spans();
      span->set_trace_id(trace_id);
      span->set_span_id(s == 0 ? root_id : Bytes(random, 8));
      if (s > 0) span->set_parent_span_id(root_id);
      span->set_start_time_unix_nano(now + s * 1000000);
      span->set_end_time_unix_nano(now + 900000000);
      if (s == 0) {
        span->set_name("agent");
        Attribute(span, "openinference.span.kind", "AGENT");
        Attribute(span, "input.value", "Where is my order 12345? It was due last week.");
        Attribute(span, "output.value", "Your order ships tomorrow; tracking follows by mail.");
        Attribute(span, "metadata.intent", kIntents[random() % 4]);
        Attribute(span, "session.id", "s-" + std::to_string(random() % 1000));
      } else if (s == 1) {
        span->set_name("llm");
        Attribute(span, "openinference.span.kind", "LLM");
        Attribute(span, "llm.model_name", "small-model");
        Attribute(span, "llm.input_messages.0.message.role", "user");
        Attribute(span, "llm.input_messages.0.message.content", "Where is my order 12345?");
        Attribute(span, "llm.output_messages.0.message.role", "assistant");
        Attribute(span, "llm.output_messages.0.message.content", "Your order ships tomorrow.");
        auto* tokens = span->add_attributes();
        tokens->set_key("llm.token_count.prompt");
        tokens->mutable_value()->set_int_value(static_cast<int64_t>(200 + random() % 800));
      } else {
        span->set_name("tool");
        Attribute(span, "openinference.span.kind", "TOOL");
        Attribute(span, "tool.name", "lookup_order");
        Attribute(span, "tool.parameters", "{\"order\": \"12345\"}");
        Attribute(span, "output.value", "{\"status\": \"shipped\"}");
      }
    }
  }
  return request.SerializeAsString();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: serve_load PORT SECONDS THREADS TRACES_PER_REQUEST SPANS_PER_TRACE\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  double seconds = std::atof(argv[2]);
  int threads = std::atoi(argv[3]);
  int traces = std::atoi(argv[4]);
  int spans = std::atoi(argv[5]);
  std::atomic<uint64_t> requests{0}, refused{0}, failed{0};
  std::mutex mu;
  std::vector<double> latencies_ms;
  auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      std::mt19937_64 random(1234 + w);
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // as the OpenTelemetry SDKs' HTTP clients do
      client.set_read_timeout(60, 0);
      std::vector<double> mine;
      // Each body is built before its clock starts: the latency is the server's alone (the
      // building still takes CPU from the server on a small machine; see PERFORMANCE.md).
      while (Clock::now() < deadline) {
        std::string body = Request(random, traces, spans);
        auto sent = Clock::now();
        auto result = client.Post("/v1/traces", body, "application/x-protobuf");
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        if (result && (result->status == 429 || result->status == 503)) {
          ++refused;
          int wait_s = std::max(1, std::atoi(result->get_header_value("Retry-After").c_str()));
          auto resume = Clock::now() + std::chrono::seconds(wait_s);
          while (Clock::now() < resume && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
          continue;
        }
        if (!result || result->status != 200) {
          ++failed;
          continue;
        }
        ++requests;
        mine.push_back(ms);
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& worker : workers) worker.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(latencies_ms.size() - 1,
                                 static_cast<size_t>(p * latencies_ms.size()))];
  };
  uint64_t total_spans = requests.load() * static_cast<uint64_t>(traces * spans);
  std::printf(
      "requests %llu refused %llu failed %llu spans %llu seconds %.1f spans_per_s %.0f "
      "p50_ms %.2f p99_ms %.2f\n",
      static_cast<unsigned long long>(requests.load()),
      static_cast<unsigned long long>(refused.load()),
      static_cast<unsigned long long>(failed.load()), static_cast<unsigned long long>(total_spans),
      elapsed, total_spans / elapsed, pct(0.5), pct(0.99));
  return failed.load() > 0 ? 1 : 0;
}
