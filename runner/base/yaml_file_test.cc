// Loading YAML configuration: alias expansion is bounded, and walking aliases stays linear.
#include "runner/base/yaml_file.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace arbiter {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// "Billion laughs": `levels` anchors, each a list of `width` aliases of the one before, so a few
// hundred bytes stand for width^levels nodes.
std::string NestedAliases(int levels, int width) {
  std::string text = "id: laughs\nl0: &l0 \"${HOME:-lol}\"\n";
  for (int level = 1; level <= levels; ++level) {
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < width; ++i) text += (i ? ", *l" : "*l") + std::to_string(level - 1);
    text += "]\n";
  }
  return text;
}

TEST(YamlFileTest, BillionLaughsIsRefused) {
  // 9^9 = 387 million nodes: refused at the first anchor past the cap, before expanding the rest.
  TempDir dir;
  auto path = dir.Write("suite.yaml", NestedAliases(9, 9));
  Result<YAML::Node> loaded = LoadYamlFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kInvalidArgument);
  // The first anchor whose expansion passes the cap: level 7 (9^7 = 4.8 million) on line 9.
  EXPECT_THAT(loaded.status().message(),
              HasSubstr(path.string() + ":9:5: this value expands to more than 1000000 nodes "
                                        "through YAML aliases (the cap on alias expansion)"));
}

TEST(YamlFileTest, BytesThatAreNotUtf8AreRefusedWithTheirPlace) {
  // Latin-1 text saved by an old editor: the JSON written from it could not hold it.
  TempDir dir;
  Result<YAML::Node> node = LoadYamlFile(dir.Write("e.yaml", "id: e\ndescription: caf\xe9\n"));
  ASSERT_FALSE(node.ok());
  EXPECT_THAT(node.status().message(), HasSubstr("e.yaml:2:17: not UTF-8 (byte 0xE9)"));
}

// A valid UTF-8 file whose escapes make a string that is not: yaml-cpp reads "\_" (no-break
// space) and "\N" (next line) as the single bytes 0xA0 and 0x85. Such a `when:` once aborted
// `validate` and `run` (the evaluator's fingerprint could not write it as JSON; found by the
// config_yaml fuzzer).
TEST(YamlFileTest, EscapesThatYamlCppReadsAsBytesAreRefusedWithTheirPlace) {
  TempDir dir;
  Result<YAML::Node> value =
      LoadYamlFile(dir.Write("e.yaml", "id: e\nwhen: \"metadata.x == '\\_'\"\n"));
  ASSERT_FALSE(value.ok());
  EXPECT_THAT(value.status().message(),
              HasSubstr("e.yaml:2:7: this string is not UTF-8 once its escapes are read"));
  Result<YAML::Node> key = LoadYamlFile(dir.Write("k.yaml", "id: e\nparams: {\"a\\N\": 1}\n"));
  ASSERT_FALSE(key.ok());
  EXPECT_THAT(key.status().message(), HasSubstr("k.yaml:2:10: this string is not UTF-8"));
  // The same characters written as themselves, or as \u escapes, are UTF-8 and load.
  Result<YAML::Node> fine =
      LoadYamlFile(dir.Write("f.yaml", "id: e\na: \"\\u00a0 \\u0085 \xc2\xa0\"\n"));
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_EQ((*fine)["a"].Scalar(), "\xc2\xa0 \xc2\x85 \xc2\xa0");
}

TEST(YamlFileTest, AliasesBelowTheCapLoad) {
  TempDir dir;
  Result<YAML::Node> loaded = LoadYamlFile(dir.Write("suite.yaml", NestedAliases(5, 9)));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)["l5"][8][8][8][8][8].Scalar(), (*loaded)["l0"].Scalar());
  EXPECT_TRUE(CheckYamlDocument(*loaded, "suite.yaml", 9 * 9 * 9 * 9 * 9 * 2).ok());
  EXPECT_FALSE(CheckYamlDocument(*loaded, "suite.yaml", 9 * 9 * 9 * 9 * 9).ok());
}

TEST(YamlFileTest, AnAliasInsideItsOwnAnchorIsRefused) {
  TempDir dir;
  auto path = dir.Write("suite.yaml", "id: loop\nx: &a [1, *a]\n");
  Result<YAML::Node> loaded = LoadYamlFile(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(),
              HasSubstr(":2:4: an alias refers to the value that contains it"));
}

TEST(YamlFileTest, ManyDistinctReferencesAreEachSubstituted) {
  // Each `${HOME}N` scalar was once compared with every earlier one (30,000 took 4.6 s); the time
  // at growing sizes is bench/linear_bench.cc (BM_YamlDistinctReferences).
  std::string text = "id: many\nvalues:\n";
  for (int i = 0; i < 6000; ++i) text += "  - ${HOME:-h}" + std::to_string(i) + "\n";
  TempDir dir;
  auto path = dir.Write("suite.yaml", text);
  Result<YAML::Node> loaded = LoadYamlFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_EQ((*loaded)["values"].size(), 6000u);
  EXPECT_EQ((*loaded)["values"][5999].Scalar(),
            (std::getenv("HOME") ? std::string(std::getenv("HOME")) : "h") + "5999");
}

}  // namespace
}  // namespace arbiter
