/* Purpose-built plugin libraries for the ABI tests, written in C against arbiter_plugin.h only.
 * One source, one library per variant (tests/CMakeLists.txt):
 *   VARIANT_GOOD          types abi_echo (score and errors on demand), abi_serial (not
 *                         thread-safe) and abi_parallel (thread-safe): both report overlapping
 *                         calls as an error
 *   VARIANT_NEWER_MAJOR   declares ABI 2.0
 *   VARIANT_NEWER_MINOR   declares the host's minor + 1
 *   VARIANT_SHORT_STRUCT  registers abi_short with a 1.0 struct (followed by junk bytes)
 *   VARIANT_NO_INIT       lacks arbiter_plugin_init
 *   VARIANT_DUPLICATE     registers abi_echo again
 *   VARIANT_CRASH         dereferences NULL in its init
 *   VARIANT_INIT_ERROR    init fails with a message */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arbiter_plugin.h"

/* Each variant uses some of the helpers below. */
#define HELPER static __attribute__((unused))

HELPER arbiter_str Str(const char* text) {
  arbiter_str s = {text, strlen(text)};
  return s;
}

/* The value of "key": NUMBER in `json`, or `fallback`. Enough for these tests' params. */
HELPER double NumberParam(arbiter_str json, const char* key, double fallback) {
  char buffer[256];
  size_t n = json.size < sizeof(buffer) - 1 ? json.size : sizeof(buffer) - 1;
  memcpy(buffer, json.data, n);
  buffer[n] = '\0';
  const char* at = strstr(buffer, key);
  if (at == NULL) return fallback;
  at = strchr(at, ':');
  if (at == NULL) return fallback;
  do ++at;
  while (*at == ' ' || *at == '"'); /* "nan" arrives as a JSON string */
  return strtod(at, NULL);
}

HELPER int StartsWith(arbiter_str s, const char* prefix) {
  size_t n = strlen(prefix);
  return s.size >= n && memcmp(s.data, prefix, n) == 0;
}

/* ---- abi_echo: scores params.score; errors on traces whose id starts with "fail" ---- */

typedef struct Echo {
  double score;
} Echo;

HELPER int EchoCreate(void* type_data, const arbiter_create_args* args, void** instance,
                      arbiter_sink* error) {
  (void)type_data;
  if (NumberParam(args->params_json, "\"reject\"", 0) != 0) {
    arbiter_sink_write(error, "reject was set");
    return ARBITER_INVALID_PARAMS;
  }
  Echo* echo = (Echo*)malloc(sizeof(Echo));
  echo->score = NumberParam(args->params_json, "\"score\"", 1.0);
  *instance = echo;
  return ARBITER_OK;
}

HELPER int EchoScore(void* instance, const arbiter_trace_view* trace, double* score,
                     arbiter_sink* message) {
  if (StartsWith(trace->trace_id, "fail")) {
    arbiter_sink_write(message, "asked to fail by ");
    message->append(message->context, trace->trace_id.data, trace->trace_id.size);
    return ARBITER_CANNOT_JUDGE;
  }
  *score = ((const Echo*)instance)->score;
  arbiter_sink_write(message, "echo of ");
  if (trace->has_target) {
    message->append(message->context, trace->target.data, trace->target.size);
  } else {
    arbiter_sink_write(message, "no target");
  }
  return ARBITER_OK;
}

HELPER void FreeInstance(void* instance) { free(instance); }

/* ---- abi_serial / abi_parallel: report a call that overlaps another on the instance ---- */

typedef struct Overlap {
  atomic_int in_flight;
} Overlap;

HELPER int OverlapCreate(void* type_data, const arbiter_create_args* args, void** instance,
                         arbiter_sink* error) {
  (void)type_data;
  (void)args;
  (void)error;
  Overlap* overlap = (Overlap*)malloc(sizeof(Overlap));
  atomic_init(&overlap->in_flight, 0);
  *instance = overlap;
  return ARBITER_OK;
}

HELPER int OverlapScore(void* instance, const arbiter_trace_view* trace, double* score,
                        arbiter_sink* message) {
  (void)trace;
  Overlap* overlap = (Overlap*)instance;
  int others = atomic_fetch_add(&overlap->in_flight, 1);
  struct timespec pause = {0, 2000000}; /* 2 ms: long enough for other threads to arrive */
  nanosleep(&pause, NULL);
  atomic_fetch_sub(&overlap->in_flight, 1);
  if (others > 0) {
    arbiter_sink_write(message, "overlapping call");
    return ARBITER_CANNOT_JUDGE;
  }
  *score = 1.0;
  return ARBITER_OK;
}

#define ANY_SCHEMA "{\"type\": \"object\"}"

HELPER int RegisterType(const arbiter_registrar* registrar, const char* name,
                        const char* description, uint32_t flags, arbiter_create_fn create,
                        arbiter_score_fn score) {
  arbiter_evaluator_type type;
  memset(&type, 0, sizeof(type));
  type.name = Str(name);
  type.version = 1;
  type.params_schema = Str(ANY_SCHEMA);
  type.create = create;
  type.score = score;
  type.destroy = FreeInstance;
  type.description = Str(description);
  type.flags = flags;
  return registrar->register_evaluator(registrar->context, &type, sizeof(type));
}

ARBITER_PLUGIN_EXPORT uint32_t arbiter_plugin_abi_version(void) {
#if defined(VARIANT_NEWER_MAJOR)
  return 2u << 16;
#elif defined(VARIANT_NEWER_MINOR)
  return ARBITER_PLUGIN_ABI_VERSION + 1;
#elif defined(VARIANT_SHORT_STRUCT)
  return 1u << 16; /* 1.0: the struct had no description or flags yet */
#else
  return ARBITER_PLUGIN_ABI_VERSION;
#endif
}

#if !defined(VARIANT_NO_INIT)
ARBITER_PLUGIN_EXPORT int arbiter_plugin_init(const arbiter_registrar* registrar) {
#if defined(VARIANT_CRASH)
  volatile int* nowhere = NULL;
  *nowhere = 1;
  (void)registrar;
  return ARBITER_OK;
#elif defined(VARIANT_INIT_ERROR)
  arbiter_sink_write(registrar->error, "license file not found");
  return ARBITER_INTERNAL;
#elif defined(VARIANT_SHORT_STRUCT)
  /* A 1.0 struct: only the core is valid. The bytes after it are junk (all ones) that the host
   * must not read as description or flags. */
  static union {
    arbiter_evaluator_type type; /* for the alignment */
    unsigned char bytes[sizeof(arbiter_evaluator_type)];
  } buffer;
  memset(buffer.bytes, 0xFF, sizeof(buffer.bytes));
  arbiter_evaluator_type core;
  memset(&core, 0, sizeof(core));
  core.name = Str("abi_short");
  core.version = 3;
  core.create = EchoCreate;
  core.score = EchoScore;
  core.destroy = FreeInstance;
  memcpy(buffer.bytes, &core, ARBITER_EVALUATOR_TYPE_MIN_SIZE);
  return registrar->register_evaluator(registrar->context, &buffer.type,
                                       ARBITER_EVALUATOR_TYPE_MIN_SIZE);
#elif defined(VARIANT_DUPLICATE)
  return RegisterType(registrar, "abi_echo", "the same name again", 0, EchoCreate, EchoScore);
#else
  int code = RegisterType(registrar, "abi_echo", "scores params.score", ARBITER_THREAD_SAFE,
                          EchoCreate, EchoScore);
  if (code == ARBITER_OK) {
    code = RegisterType(registrar, "abi_serial", "not thread-safe", 0, OverlapCreate,
                        OverlapScore);
  }
  if (code == ARBITER_OK) {
    code = RegisterType(registrar, "abi_parallel", "thread-safe", ARBITER_THREAD_SAFE,
                        OverlapCreate, OverlapScore);
  }
  return code;
#endif
}
#endif
