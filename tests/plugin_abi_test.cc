// The external plugin ABI (plugins/sdk/arbiter_plugin.h), host side: version negotiation,
// registration and runtime safety, with the purpose-built libraries of tests/abi/ loaded through
// the real dlopen path.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/sdk/arbiter_plugin.h"
#include "runner/plugin_host/plugin_library.h"
#include "runner/plugin_host/plugin_loader.h"
#include "tests/abi/abi_plugins.h"
#include "tests/test_util.h"

extern "C" {
size_t arbiter_c_evaluator_type_size(void);
size_t arbiter_c_evaluator_type_min_size(void);
size_t arbiter_c_trace_view_size(void);
uint32_t arbiter_c_abi_version(void);
}

namespace arbiter {
namespace {

using testing::AbiPlugin;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using testing::ParsedTrace;
using testing::SpecFromYaml;
using testing::TempDir;

Status Load(PluginRegistry& registry, const std::string& variant) {
  return LoadPluginLibrary(AbiPlugin(variant), registry);
}

TEST(PluginAbiTest, HeaderIsCleanCWithTheSameLayout) {
  EXPECT_EQ(arbiter_c_evaluator_type_size(), sizeof(arbiter_evaluator_type));
  EXPECT_EQ(arbiter_c_evaluator_type_min_size(), ARBITER_EVALUATOR_TYPE_MIN_SIZE);
  EXPECT_EQ(arbiter_c_trace_view_size(), sizeof(arbiter_trace_view));
  EXPECT_EQ(arbiter_c_abi_version(), ARBITER_PLUGIN_ABI_VERSION);
  EXPECT_LT(ARBITER_EVALUATOR_TYPE_MIN_SIZE, sizeof(arbiter_evaluator_type));
}

TEST(PluginAbiTest, GoodLibraryRegistersEveryType) {
  PluginRegistry registry;
  ASSERT_TRUE(Load(registry, "good").ok());
  for (const char* name : {"abi_echo", "abi_serial", "abi_parallel"}) {
    const PluginInfo* info = registry.Find(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(info->origin, AbiPlugin("good"));
    EXPECT_EQ(info->version, 1);
    EXPECT_EQ(info->params_schema, R"({"type": "object"})");
  }
  EXPECT_EQ(registry.Find("abi_serial")->description, "not thread-safe");
}

TEST(PluginAbiTest, NewerMajorIsRefusedNamingBothAbis) {
  PluginRegistry registry;
  Status status = Load(registry, "newer_major");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), AllOf(HasSubstr(AbiPlugin("newer_major")), HasSubstr("ABI 2.0"),
                                      HasSubstr("ABI 1.1"), HasSubstr("major")));
  EXPECT_TRUE(registry.List().empty());
}

TEST(PluginAbiTest, NewerMinorIsRefusedNamingBothAbis) {
  PluginRegistry registry;
  Status status = Load(registry, "newer_minor");
  EXPECT_THAT(status.message(), AllOf(HasSubstr(AbiPlugin("newer_minor")), HasSubstr("ABI 1.2"),
                                      HasSubstr("newer than this arbiter's ABI 1.1")));
  EXPECT_TRUE(registry.List().empty());
}

TEST(PluginAbiTest, OlderShortStructIsAcceptedWithOptionalFieldsAbsent) {
  PluginRegistry registry;
  Status status = Load(registry, "short_struct");
  ASSERT_TRUE(status.ok()) << status.message();
  const PluginInfo* info = registry.Find("abi_short");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->version, 3);
  // The library put 0xFF bytes where 1.1's description and flags would be: read, they would
  // give a garbage description and ARBITER_REQUIRES_TARGET.
  EXPECT_EQ(info->description, "");
  EXPECT_FALSE(info->requires_target);
  EXPECT_EQ(info->params_schema, "{}");  // none declared: any params
  auto evaluator = info->create(SpecFromYaml("plugin: abi_short\nparams: {score: 0.5}\n"));
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().message();
  ParsedTrace trace(R"({"trace_id": "t-1"})");
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_TRUE(score.ok()) << score.status().message();
  EXPECT_EQ(score->value, 0.5);
  EXPECT_EQ(score->reason, "echo of no target");
}

TEST(PluginAbiTest, MissingSymbolIsNamed) {
  PluginRegistry registry;
  Status status = Load(registry, "no_init");
  EXPECT_THAT(status.message(), AllOf(HasSubstr(AbiPlugin("no_init")),
                                      HasSubstr("missing symbol 'arbiter_plugin_init'")));
}

TEST(PluginAbiTest, SecondRegistrationOfANameIsRefusedNamingBothLibraries) {
  PluginRegistry registry;
  ASSERT_TRUE(Load(registry, "good").ok());
  Status status = Load(registry, "duplicate");
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("plugin 'abi_echo' version 1 from " + AbiPlugin("duplicate")),
                    HasSubstr("already registered (version 1 from " + AbiPlugin("good") + ")")));
  EXPECT_EQ(registry.Find("abi_echo")->origin, AbiPlugin("good"));
}

TEST(PluginLoaderTest, FoldersExpandAndAFileNamedTwiceLoadsOnce) {
  auto libraries = ExpandPluginPath(ABI_PLUGIN_DIR);
  ASSERT_TRUE(libraries.ok());
  std::vector<std::string> names;
  for (const auto& path : *libraries) names.push_back(path.filename().string());
  EXPECT_THAT(names, ::testing::IsSupersetOf({"libabi_crash.so", "libabi_good.so"}));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));

  PluginRegistry registry;
  Status status =
      LoadExternalPlugins(registry, {AbiPlugin("good"), ABI_PLUGIN_DIR "/./libabi_good.so"});
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(registry.Find("regex"), nullptr);  // the built-ins are the command line's to add
  EXPECT_EQ(registry.Find("abi_echo")->origin, AbiPlugin("good"));

  PluginRegistry missing;
  EXPECT_THAT(LoadExternalPlugins(missing, {"/nonexistent/libx.so"}).message(),
              HasSubstr("/nonexistent/libx.so: no such plugin library or folder"));
}

TEST(PluginAbiTest, CrashAtLoadIsReportedAndTheHostLivesOn) {
  PluginRegistry registry;
  Status status = Load(registry, "crash");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  // A plain build sees the signal; under AddressSanitizer its SEGV handler exits instead.
  EXPECT_THAT(status.message(), AllOf(HasSubstr(AbiPlugin("crash")),
                                      AnyOf(HasSubstr("crashed while loading (signal 11"),
                                            HasSubstr("crashed while loading (signal 6"),
                                            HasSubstr("while loading (a crash"))));
  EXPECT_TRUE(registry.List().empty());
}

TEST(PluginAbiTest, InitErrorCarriesThePluginsMessage) {
  PluginRegistry registry;
  Status status = Load(registry, "init_error");
  EXPECT_THAT(status.message(), AllOf(HasSubstr(AbiPlugin("init_error")),
                                      HasSubstr("init failed (error 3): license file not found")));
}

TEST(PluginAbiTest, AFileThatIsNotALibraryIsRefused) {
  TempDir dir;
  std::string path = dir.Write("libnot.so", "not an ELF file").string();
  PluginRegistry registry;
  Status status = LoadPluginLibrary(path, registry);
  EXPECT_THAT(status.message(), AllOf(HasSubstr(path), HasSubstr("cannot be loaded")));
}

TEST(PluginAbiTest, ParamsAndTargetCrossAsJsonAndText) {
  PluginRegistry registry;
  ASSERT_TRUE(Load(registry, "good").ok());
  auto evaluator = registry.Find("abi_echo")
                       ->create(SpecFromYaml(
                           "plugin: abi_echo\ntarget: metadata.lang\nparams: {score: 0.75}\n"));
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().message();
  ParsedTrace trace(R"({"trace_id": "t-1", "metadata": {"lang": "de"}})");
  Result<Score> score = (*evaluator)->Evaluate(trace, EvalContext{});
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(score->value, 0.75);
  EXPECT_EQ(score->reason, "echo of de");

  ParsedTrace failing(R"({"trace_id": "fail-7", "metadata": {"lang": "de"}})");
  Result<Score> error = (*evaluator)->Evaluate(failing, EvalContext{});
  EXPECT_EQ(error.status().message(), "plugin 'abi_echo' error 2: asked to fail by fail-7");

  ParsedTrace no_target(R"({"trace_id": "t-2"})");
  EXPECT_THAT((*evaluator)->Evaluate(no_target, EvalContext{}).status().message(),
              HasSubstr("target path 'metadata.lang' is missing from the trace"));
}

TEST(PluginAbiTest, CreateErrorsAreConfigurationErrorsWithPosition) {
  PluginRegistry registry;
  ASSERT_TRUE(Load(registry, "good").ok());
  auto rejected =
      registry.Find("abi_echo")
          ->create(SpecFromYaml("plugin: abi_echo\nparams: {reject: 1}\n", "dir/echo.yaml"));
  EXPECT_THAT(rejected.status().message(),
              AllOf(HasSubstr("dir/echo.yaml:2:9: plugin 'abi_echo' (" + AbiPlugin("good") + ")"),
                    HasSubstr("rejected the declaration (error 1): reject was set")));
  auto not_object =
      registry.Find("abi_echo")
          ->create(SpecFromYaml("plugin: abi_echo\nparams: [1, 2]\n", "dir/echo.yaml"));
  EXPECT_THAT(
      not_object.status().message(),
      AllOf(HasSubstr("dir/echo.yaml:2:9: params do not match the schema"), HasSubstr("abi_echo")));
}

// Scores `evaluator` from 4 threads at once; returns how many calls the plugin saw overlap.
int OverlappingCalls(const Evaluator& evaluator) {
  std::atomic<int> overlaps{0};
  std::vector<std::thread> threads;
  for (int worker = 0; worker < 4; ++worker) {
    threads.emplace_back([&, worker] {
      ParsedTrace trace(R"({"trace_id": "t"})");
      for (int i = 0; i < 8; ++i) {
        Result<Score> score = evaluator.Evaluate(trace, EvalContext{worker});
        if (!score.ok()) {
          EXPECT_THAT(score.status().message(), HasSubstr("overlapping call"));
          ++overlaps;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return overlaps.load();
}

TEST(PluginAbiTest, NotThreadSafeTypesAreSerializedByTheHost) {
  PluginRegistry registry;
  ASSERT_TRUE(Load(registry, "good").ok());
  auto serial = registry.Find("abi_serial")->create(SpecFromYaml("plugin: abi_serial\n"));
  auto parallel = registry.Find("abi_parallel")->create(SpecFromYaml("plugin: abi_parallel\n"));
  ASSERT_TRUE(serial.ok() && parallel.ok());
  EXPECT_EQ(OverlappingCalls(**serial), 0);
  // The same detector on a thread-safe type does see overlaps: the check above can fail.
  EXPECT_GT(OverlappingCalls(**parallel), 0);
}

}  // namespace
}  // namespace arbiter
