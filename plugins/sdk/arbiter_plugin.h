/* The external plugin ABI: the whole contract between arbiter and an evaluator plugin shipped as
 * a shared library. Plain C (C99), so a plugin may be written in any language with a C FFI, and
 * built with another compiler or standard library than the host: no C++ type and no exception
 * crosses this boundary. C++ authors can use arbiter_plugin.hpp, which wraps it.
 *
 * A library exports two functions (extern "C", default visibility):
 *
 *   uint32_t arbiter_plugin_abi_version(void);          returns ARBITER_PLUGIN_ABI_VERSION
 *   int arbiter_plugin_init(const arbiter_registrar*);  registers its evaluator types
 *
 * Loading (the host): dlopen(RTLD_NOW | RTLD_LOCAL), then the version check, then init, before
 * the first trace is read. A library is refused when its ABI major differs from the host's, or
 * when its minor is newer than the host's (it may rely on fields the host does not know). An
 * older minor is accepted: structs only ever grow at their end, and every field past a struct's
 * 1.0 core is optional, so a shorter struct from an older library reads as "absent" for the
 * fields it lacks. Each struct passed across carries its size for that reason.
 *
 * Ownership: each side frees only what it allocated, and nothing is retained past a call.
 *   - Strings the host passes in (trace text, params, names) are valid only during the call.
 *   - Strings the plugin passes out (registration fields, reasons, error messages) are copied by
 *     the host before the call returns: through arbiter_registrar.register_evaluator, or through
 *     an arbiter_sink, which the host owns. The plugin may free or reuse its buffers afterwards.
 *   - An instance made by create() belongs to the plugin; the host gives it back to destroy()
 *     exactly once, after its last score() call.
 *
 * Threads: init, create and destroy are called from one thread at a time. score() on one
 * instance is called from several host threads at once ONLY when the type sets
 * ARBITER_THREAD_SAFE; otherwise the host serializes the calls on each instance (a mutex per
 * instance: distinct instances may still run concurrently, so shared mutable state across
 * instances needs the plugin's own lock). A type registered without `flags` (a 1.0 struct) is
 * treated as not thread-safe.
 *
 * Errors: functions return ARBITER_OK (0) or an arbiter_status code, with a message appended to
 * the arbiter_sink they were given. A score() error becomes an error row naming the plugin (never
 * a pass or a fail) and the run goes on; a create() error rejects the declaration before any
 * trace is read. Scores must lie in [0, 1] (1 = good): the host turns NaN or anything outside
 * into an error row too.
 */
#ifndef ARBITER_PLUGIN_H_
#define ARBITER_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1.1 added arbiter_evaluator_type.description and .flags. */
#define ARBITER_PLUGIN_ABI_MAJOR 1
#define ARBITER_PLUGIN_ABI_MINOR 1
#define ARBITER_PLUGIN_ABI_VERSION \
  (((uint32_t)ARBITER_PLUGIN_ABI_MAJOR << 16) | (uint32_t)ARBITER_PLUGIN_ABI_MINOR)

/* The names the host looks up with dlsym. */
#define ARBITER_PLUGIN_VERSION_SYMBOL "arbiter_plugin_abi_version"
#define ARBITER_PLUGIN_INIT_SYMBOL "arbiter_plugin_init"

#if defined(_WIN32)
#define ARBITER_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ARBITER_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

typedef enum arbiter_status {
  ARBITER_OK = 0,
  ARBITER_INVALID_PARAMS = 1, /* create(): the declaration's params are wrong */
  ARBITER_CANNOT_JUDGE = 2,   /* score(): this trace cannot be judged (an error row) */
  ARBITER_INTERNAL = 3        /* anything else: a bug, out of memory, an exception */
} arbiter_status;

/* Text as pointer and length: not NUL-terminated, UTF-8. {NULL, 0} is the empty/absent string. */
typedef struct arbiter_str {
  const char* data;
  size_t size;
} arbiter_str;

/* Where the plugin writes a message: append() copies `size` bytes into a host buffer and may be
 * called several times (the pieces are concatenated). Owned by the host; valid during the call
 * it was passed to. */
typedef struct arbiter_sink {
  void* context;
  void (*append)(void* context, const char* data, size_t size);
} arbiter_sink;

/* The evaluator declaration, given to create(). */
typedef struct arbiter_create_args {
  size_t struct_size;         /* sizeof as the host knows it */
  arbiter_str evaluator_id;   /* the YAML `id` */
  uint32_t evaluator_version; /* the YAML `version` */
  /* `params` as JSON text ("{}" when the declaration has none), already checked by the host
   * against the type's params_schema. */
  arbiter_str params_json;
  arbiter_str target_path; /* the YAML `target` ("output", "metadata.intent"); empty when none */
  arbiter_str base_dir;    /* the YAML file's folder: resolve relative paths in params here */
} arbiter_create_args;

/* One trace, given to score(). */
typedef struct arbiter_trace_view {
  size_t struct_size;
  arbiter_str json;     /* the whole trace as one JSON object (SPEC "Trace format") */
  arbiter_str trace_id; /* its `trace_id` */
  /* The value at the declaration's `target`: a JSON string's contents, the JSON text of any
   * other value, "" for null. has_target is 0 (and target empty) when the declaration names no
   * target. A declared target missing from a trace is an error row: score() is not called. */
  int has_target;
  arbiter_str target;
} arbiter_trace_view;

/* Type flags. */
#define ARBITER_THREAD_SAFE 1u      /* score() may run concurrently on one instance */
#define ARBITER_REQUIRES_TARGET 2u  /* declarations must name a `target` */

typedef int (*arbiter_create_fn)(void* type_data, const arbiter_create_args* args,
                                 void** instance, arbiter_sink* error);
/* On ARBITER_OK: *score in [0, 1], and `message` receives the reason (may be left empty).
 * Otherwise `message` receives the error. */
typedef int (*arbiter_score_fn)(void* instance, const arbiter_trace_view* trace, double* score,
                                arbiter_sink* message);
typedef void (*arbiter_destroy_fn)(void* instance);

/* One evaluator type (what `plugin:` names in YAML). */
typedef struct arbiter_evaluator_type {
  /* ---- 1.0 core: required ---- */
  arbiter_str name;        /* [a-z0-9_]+, unique among every plugin the host loads */
  uint32_t version;        /* >= 1; bump whenever a score can change */
  /* JSON Schema (draft 7) of `params` as JSON text. The host checks every declaration against
   * it before create(). Empty: any params are accepted unchecked. */
  arbiter_str params_schema;
  void* type_data;         /* passed back to create(); may be NULL */
  arbiter_create_fn create;
  arbiter_score_fn score;
  arbiter_destroy_fn destroy;
  /* ---- 1.1: optional (absent in a 1.0 struct) ---- */
  arbiter_str description; /* one line for `arbiter plugins` */
  uint32_t flags;          /* ARBITER_THREAD_SAFE | ARBITER_REQUIRES_TARGET; absent: 0 */
} arbiter_evaluator_type;

/* The size of the 1.0 core, the shortest struct the host accepts. */
#define ARBITER_EVALUATOR_TYPE_MIN_SIZE (offsetof(arbiter_evaluator_type, destroy) + \
                                         sizeof(arbiter_destroy_fn))

/* Given to init. register_evaluator copies the struct and its strings; it returns ARBITER_OK or
 * an error with the reason already recorded by the host (init should then return it). A
 * duplicate name (another library's, or a built-in's) is refused. */
typedef struct arbiter_registrar {
  size_t struct_size;
  uint32_t host_abi_version; /* ARBITER_PLUGIN_ABI_VERSION of the host */
  void* context;
  int (*register_evaluator)(void* context, const arbiter_evaluator_type* type, size_t type_size);
  arbiter_sink* error; /* init's own failure message, when it returns an error */
} arbiter_registrar;

typedef uint32_t (*arbiter_plugin_abi_version_fn)(void);
typedef int (*arbiter_plugin_init_fn)(const arbiter_registrar* registrar);

/* Convenience for plugin authors: append a NUL-terminated message to a sink. */
static inline void arbiter_sink_write(arbiter_sink* sink, const char* text) {
  size_t size = 0;
  while (text[size] != '\0') ++size;
  sink->append(sink->context, text, size);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ARBITER_PLUGIN_H_ */
