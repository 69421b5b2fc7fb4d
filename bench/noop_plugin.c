/* bench_noop: the cheapest possible external evaluator (score 1, reason "ok"), so that
 * external_plugin_bench measures the ABI crossing itself against a built-in doing the same.
 * bench_noop_serial is the same, not thread-safe: the host's per-instance lock is added. */
#include "arbiter_plugin.h"

static int Create(void* type_data, const arbiter_create_args* args, void** instance,
                  arbiter_sink* error) {
  (void)type_data;
  (void)args;
  (void)error;
  *instance = 0;
  return ARBITER_OK;
}

static int Score(void* instance, const arbiter_trace_view* trace, double* score,
                 arbiter_sink* message) {
  (void)instance;
  (void)trace;
  *score = 1.0;
  message->append(message->context, "ok", 2);
  return ARBITER_OK;
}

static void Destroy(void* instance) { (void)instance; }

ARBITER_PLUGIN_EXPORT uint32_t arbiter_plugin_abi_version(void) {
  return ARBITER_PLUGIN_ABI_VERSION;
}

ARBITER_PLUGIN_EXPORT int arbiter_plugin_init(const arbiter_registrar* registrar) {
  arbiter_evaluator_type type = {0};
  type.name.data = "bench_noop";
  type.name.size = 10;
  type.version = 1;
  type.create = Create;
  type.score = Score;
  type.destroy = Destroy;
  type.flags = ARBITER_THREAD_SAFE;
  int code = registrar->register_evaluator(registrar->context, &type, sizeof(type));
  if (code != ARBITER_OK) return code;
  type.name.data = "bench_noop_serial";
  type.name.size = 17;
  type.flags = 0;
  return registrar->register_evaluator(registrar->context, &type, sizeof(type));
}
