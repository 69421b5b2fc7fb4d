#include "runner/plugin_host/plugin_library.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include <re2/re2.h>

#include "plugins/sdk/arbiter_plugin.h"
#include "runner/plugin_host/external_evaluator.h"

namespace arbiter {
namespace {

constexpr uint32_t kHostAbi = ARBITER_PLUGIN_ABI_VERSION;

Status Refuse(const std::string& library, const std::string& reason) {
  return Status::InvalidArgument("plugin library " + library + ": " + reason);
}

std::string_view View(arbiter_str s) {
  return s.data == nullptr ? std::string_view() : std::string_view(s.data, s.size);
}

extern "C" void DiscardMessage(void*, const char*, size_t) {}
extern "C" int AcceptRegistration(void*, const arbiter_evaluator_type*, size_t) {
  return ARBITER_OK;
}

// The ABI check shared by the probe and the real load: the library's version word against
// the host's. OK or the refusal naming both ABIs.
Status CheckAbi(const std::string& library, uint32_t version) {
  uint32_t major = version >> 16, host_major = kHostAbi >> 16;
  if (major != host_major) {
    return Refuse(library, "built for plugin ABI " + AbiVersionText(version) +
                               ", this arbiter speaks ABI " + AbiVersionText(kHostAbi) +
                               " (the major versions must match; rebuild the plugin against " +
                               "this arbiter's plugins/sdk/arbiter_plugin.h)");
  }
  if ((version & 0xFFFF) > (kHostAbi & 0xFFFF)) {
    return Refuse(library, "built for plugin ABI " + AbiVersionText(version) +
                               ", newer than this arbiter's ABI " + AbiVersionText(kHostAbi) +
                               " (update arbiter, or rebuild the plugin against ABI " +
                               AbiVersionText(kHostAbi) + ")");
  }
  return Status::OK();
}

// dlopen + the two symbols + the ABI check. `symbols` receives the init function.
Result<void*> OpenLibrary(const std::string& library, arbiter_plugin_init_fn* init) {
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Refuse(library, std::string("cannot be loaded: ") + (why ? why : "dlopen failed"));
  }
  auto close = [&](Status status) {
    dlclose(handle);
    return status;
  };
  auto version_fn =
      reinterpret_cast<arbiter_plugin_abi_version_fn>(dlsym(handle, ARBITER_PLUGIN_VERSION_SYMBOL));
  *init = reinterpret_cast<arbiter_plugin_init_fn>(dlsym(handle, ARBITER_PLUGIN_INIT_SYMBOL));
  for (auto [found, name] :
       {std::pair<bool, const char*>{version_fn != nullptr, ARBITER_PLUGIN_VERSION_SYMBOL},
        std::pair<bool, const char*>{*init != nullptr, ARBITER_PLUGIN_INIT_SYMBOL}}) {
    if (!found) {
      return close(Refuse(library, std::string("missing symbol '") + name +
                                       "' (not an arbiter plugin, or the function is not "
                                       "extern \"C\" with default visibility)"));
    }
  }
  Status abi = CheckAbi(library, version_fn());
  if (!abi.ok()) return close(abi);
  return handle;
}

// Loads the library in a forked child and reports how the child ended: a library that
// crashes (or exits) in its constructors or its init is refused without touching the host.
Status ProbeInChild(const std::string& library) {
  std::fflush(nullptr);  // the child must not flush the parent's buffered output again
  pid_t child = fork();
  if (child < 0) return Status::OK();  // cannot probe: the real load still runs
  if (child == 0) {
    arbiter_plugin_init_fn init = nullptr;
    Result<void*> handle = OpenLibrary(library, &init);
    if (handle.ok()) {
      arbiter_registrar registrar{};
      registrar.struct_size = sizeof(registrar);
      registrar.host_abi_version = kHostAbi;
      registrar.register_evaluator = AcceptRegistration;
      arbiter_sink discard{nullptr, DiscardMessage};
      registrar.error = &discard;
      init(&registrar);
    }
    _exit(0);  // errors are reported by the real load; only a crash matters here
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return Status::OK();
  }
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    return Refuse(library, "crashed while loading (signal " + std::to_string(signal) + ", " +
                               strsignal(signal) + "); it was not loaded");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return Refuse(library, "exited with status " + std::to_string(WEXITSTATUS(status)) +
                               " while loading (a crash, or exit() in its init); it was not "
                               "loaded");
  }
  return Status::OK();
}

// What register_evaluator needs: the library and the registry. Errors are kept for the
// message; the first one wins.
struct Registration {
  std::string library;
  std::shared_ptr<void> handle;
  PluginRegistry* registry;
  std::string error;
  int registered = 0;

  void Fail(const std::string& reason) {
    if (error.empty()) error = reason;
  }
};

Status ReadType(const arbiter_evaluator_type* c_type, size_t size, const std::string& library,
                ExternalType& type) {
  if (c_type == nullptr || size < ARBITER_EVALUATOR_TYPE_MIN_SIZE) {
    return Refuse(library, "registered an evaluator type of " + std::to_string(size) +
                               " bytes, shorter than the ABI 1.0 core (" +
                               std::to_string(ARBITER_EVALUATOR_TYPE_MIN_SIZE) + " bytes)");
  }
  // Zero-extend a shorter struct; ignore the tail of a longer one (a newer minor was refused).
  std::memcpy(&type.c_type, c_type, std::min(size, sizeof(type.c_type)));
  static const RE2 kName("[a-z0-9_]+");
  type.name = View(type.c_type.name);
  if (!RE2::FullMatch(type.name, kName)) {
    return Refuse(library,
                  "registered an evaluator type named '" + type.name + "': names are [a-z0-9_]+");
  }
  std::string what = "evaluator type '" + type.name + "'";
  if (type.c_type.version < 1) return Refuse(library, what + " has version 0; versions start at 1");
  if (!type.c_type.create || !type.c_type.score || !type.c_type.destroy) {
    return Refuse(library, what + " lacks a create, score or destroy callback");
  }
  type.description = View(type.c_type.description);
  type.params_schema = View(type.c_type.params_schema);
  if (!type.params_schema.empty()) {
    nlohmann::json schema = nlohmann::json::parse(type.params_schema, nullptr, false);
    if (schema.is_discarded()) return Refuse(library, what + ": params schema is not JSON");
    std::string where;
    Result<CompiledSchema> compiled = CompiledSchema::Compile(std::move(schema), &where);
    if (!compiled.ok()) {
      return Refuse(library, what + ": params schema does not compile" +
                                 (where.empty() ? "" : " at " + where) + ": " +
                                 compiled.status().message());
    }
    type.schema = std::move(*compiled);
  }
  type.library_path = library;
  // The arbiter_str fields now point at the host's copies, not at the library's memory.
  type.c_type.name = {type.name.data(), type.name.size()};
  type.c_type.description = {type.description.data(), type.description.size()};
  type.c_type.params_schema = {type.params_schema.data(), type.params_schema.size()};
  return Status::OK();
}

extern "C" int RegisterEvaluator(void* context, const arbiter_evaluator_type* c_type, size_t size) {
  auto& registration = *static_cast<Registration*>(context);
  try {
    auto type = std::make_shared<ExternalType>();
    Status read = ReadType(c_type, size, registration.library, *type);
    if (!read.ok()) {
      registration.Fail(read.message());
      return ARBITER_INVALID_PARAMS;
    }
    type->library = registration.handle;
    Status registered = registration.registry->Register(ExternalPluginInfo(std::move(type)));
    if (!registered.ok()) {
      registration.Fail(registered.message());
      return ARBITER_INVALID_PARAMS;
    }
    ++registration.registered;
    return ARBITER_OK;
  } catch (const std::exception& e) {
    registration.Fail(Refuse(registration.library, e.what()).message());
    return ARBITER_INTERNAL;
  }
}

}  // namespace

std::string AbiVersionText(uint32_t version) {
  return std::to_string(version >> 16) + "." + std::to_string(version & 0xFFFF);
}

Status LoadPluginLibrary(const std::filesystem::path& path, PluginRegistry& registry,
                         const PluginLoadOptions& options) {
  const std::string library = path.string();
  if (options.probe_in_child) ARBITER_RETURN_IF_ERROR(ProbeInChild(library));
  arbiter_plugin_init_fn init = nullptr;
  ARBITER_ASSIGN_OR_RETURN(void* handle, OpenLibrary(library, &init));

  Registration registration;
  registration.library = library;
  registration.handle = std::shared_ptr<void>(handle, [](void* h) { dlclose(h); });
  registration.registry = &registry;
  std::string init_error;
  arbiter_registrar registrar{};
  registrar.struct_size = sizeof(registrar);
  registrar.host_abi_version = kHostAbi;
  registrar.context = &registration;
  registrar.register_evaluator = RegisterEvaluator;
  arbiter_sink init_sink = StringSink(init_error);
  registrar.error = &init_sink;
  int code = init(&registrar);
  if (!registration.error.empty()) return Status::InvalidArgument(registration.error);
  if (code != ARBITER_OK) {
    return Refuse(library, "init failed (error " + std::to_string(code) + ")" +
                               (init_error.empty() ? "" : ": " + init_error));
  }
  if (registration.registered == 0) return Refuse(library, "registered no evaluator type");
  return Status::OK();
}

}  // namespace arbiter
