/* Compiled as strict C99 (tests/CMakeLists.txt): proves arbiter_plugin.h is C-clean, and lets
 * the test compare the struct layout a C compiler sees with the one the C++ host sees. */
#include "arbiter_plugin.h"

size_t arbiter_c_evaluator_type_size(void) { return sizeof(arbiter_evaluator_type); }
size_t arbiter_c_evaluator_type_min_size(void) { return ARBITER_EVALUATOR_TYPE_MIN_SIZE; }
size_t arbiter_c_trace_view_size(void) { return sizeof(arbiter_trace_view); }
uint32_t arbiter_c_abi_version(void) { return ARBITER_PLUGIN_ABI_VERSION; }
