#include "runner/base/env_subst.h"

#include <cstdlib>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace arbiter {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup kEnv = FakeEnv({{"HOST", "judge.local"},
                                {"PORT", "8080"},
                                {"EMPTY", ""},
                                {"REF", "${HOST}"},
                                {"DOLLARS", "a$$b"},
                                {"TRUE", "true"},
                                {"_under_1", "u"}});

// The substituted text, or "error: <message>".
std::string Sub(std::string_view text) {
  Result<std::string> out = SubstituteEnv(text, kEnv);
  return out.ok() ? *out : "error: " + out.status().message();
}

TEST(SubstituteEnvTest, ReplacesReferences) {
  EXPECT_EQ(Sub("${HOST}"), "judge.local");
  EXPECT_EQ(Sub("http://${HOST}:${PORT}/v1"), "http://judge.local:8080/v1");
  EXPECT_EQ(Sub("${_under_1}"), "u");
  EXPECT_EQ(Sub("${EMPTY}"), "");
  EXPECT_EQ(Sub("no references"), "no references");
  EXPECT_EQ(Sub(""), "");
}

TEST(SubstituteEnvTest, Defaults) {
  EXPECT_EQ(Sub("${MISSING:-fallback}"), "fallback");
  EXPECT_EQ(Sub("${MISSING:-}"), "");
  EXPECT_EQ(Sub("${JUDGE_BASE_URL:-https://api.openai.com/v1}"), "https://api.openai.com/v1");
  EXPECT_EQ(Sub("${MISSING:-a:b:-c}"), "a:b:-c");
  EXPECT_EQ(Sub("${MISSING:-$5 $$}"), "$5 $$");  // a default is taken as written
  EXPECT_EQ(Sub("${HOST:-other}"), "judge.local");
  EXPECT_EQ(Sub("${EMPTY:-used when empty}"), "used when empty");
}

TEST(SubstituteEnvTest, DollarSigns) {
  EXPECT_EQ(Sub("$$"), "$");
  EXPECT_EQ(Sub("price: $$5"), "price: $5");
  EXPECT_EQ(Sub("$${HOST}"), "${HOST}");
  EXPECT_EQ(Sub("$$${HOST}"), "$judge.local");
  EXPECT_EQ(Sub("costs $5"), "costs $5");
  EXPECT_EQ(Sub("$HOST"), "$HOST");
  EXPECT_EQ(Sub("ends with $"), "ends with $");
  EXPECT_EQ(Sub("^\\d+$"), "^\\d+$");
}

TEST(SubstituteEnvTest, ValuesAreNotExpandedAgain) {
  EXPECT_EQ(Sub("${REF}"), "${HOST}");
  EXPECT_EQ(Sub("${DOLLARS}"), "a$$b");
}

TEST(SubstituteEnvTest, Errors) {
  EXPECT_EQ(Sub("url: ${JUDGE_BASE_URL}"),
            "error: environment variable JUDGE_BASE_URL is not set (use "
            "${JUDGE_BASE_URL:-default} for a default)");
  EXPECT_EQ(Sub("${HOST"), "error: unterminated '${HOST': missing '}' (write $$ for a literal $)");
  EXPECT_EQ(Sub("x ${"), "error: unterminated '${': missing '}' (write $$ for a literal $)");
  EXPECT_EQ(Sub("${1ABC}"),
            "error: invalid variable name '1ABC' in '${1ABC}' (names are [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(Sub("${MY-VAR}"),
            "error: invalid variable name 'MY-VAR' in '${MY-VAR}' (names are "
            "[A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(Sub("${A:default}"),
            "error: invalid variable name 'A:default' in '${A:default}' "
            "(names are [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(Sub("${}"), "error: missing variable name in '${}' (names are [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(Sub("${:-x}"),
            "error: missing variable name in '${:-x}' (names are [A-Za-z_][A-Za-z0-9_]*)");
  EXPECT_EQ(Sub("${A:-${B}}"),
            "error: the default of 'A' in '${A:-${B}}' contains '${': defaults are not expanded");
}

TEST(SubstituteEnvTest, ProcessEnvReadsTheEnvironment) {
  ASSERT_EQ(setenv("ARBITER_ENV_SUBST_TEST", "from-process", 1), 0);
  ASSERT_EQ(unsetenv("ARBITER_ENV_SUBST_TEST_UNSET"), 0);
  EnvLookup env = ProcessEnv();
  EXPECT_EQ(env("ARBITER_ENV_SUBST_TEST"), std::optional<std::string>("from-process"));
  EXPECT_EQ(env("ARBITER_ENV_SUBST_TEST_UNSET"), std::nullopt);
  Result<std::string> out = SubstituteEnv("${ARBITER_ENV_SUBST_TEST}!", env);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "from-process!");
}

TEST(SubstituteEnvInYamlTest, SubstitutesValuesNotKeys) {
  YAML::Node root = YAML::Load(R"(id: judge
params:
  base_url: '${JUDGE_BASE_URL:-https://api.openai.com/v1}'
  host: ${HOST}
  list: [plain, "${PORT}", x$$y]
  nested: {deep: {deeper: "${HOST}:${PORT}"}}
  ${HOST}: key stays
  pattern: '^\d+$'
)");
  YAML::Mark host_mark = root["params"]["host"].Mark();
  ASSERT_TRUE(SubstituteEnvInYaml(root, "judge.yaml", kEnv).ok());
  YAML::Node params = root["params"];
  EXPECT_EQ(params["base_url"].as<std::string>(), "https://api.openai.com/v1");
  EXPECT_EQ(params["host"].as<std::string>(), "judge.local");
  EXPECT_EQ(params["list"][0].as<std::string>(), "plain");
  EXPECT_EQ(params["list"][1].as<std::string>(), "8080");
  EXPECT_EQ(params["list"][2].as<std::string>(), "x$y");
  EXPECT_EQ(params["nested"]["deep"]["deeper"].as<std::string>(), "judge.local:8080");
  EXPECT_EQ(params["${HOST}"].as<std::string>(), "key stays");
  EXPECT_EQ(params["pattern"].as<std::string>(), "^\\d+$");
  EXPECT_EQ(root["id"].as<std::string>(), "judge");
  // The mark of a substituted scalar still points at it (1-based line 4, column 9).
  EXPECT_EQ(params["host"].Mark().line, host_mark.line);
  EXPECT_EQ(params["host"].Mark().column, host_mark.column);
  EXPECT_EQ(host_mark.line + 1, 4);
  EXPECT_EQ(host_mark.column + 1, 9);
}

TEST(SubstituteEnvInYamlTest, QuotedScalarsStayStrings) {
  YAML::Node root = YAML::Load("quoted: '${TRUE}'\nplain: ${TRUE}\nnumber: \"${PORT}\"\n");
  ASSERT_TRUE(SubstituteEnvInYaml(root, "x.yaml", kEnv).ok());
  EXPECT_TRUE(root["quoted"].IsScalar());
  EXPECT_EQ(root["quoted"].Scalar(), "true");
  EXPECT_EQ(root["quoted"].Tag(), "!");  // non-specific tag of a quoted scalar: a string
  EXPECT_EQ(root["number"].Tag(), "!");
  EXPECT_EQ(root["plain"].Tag(), "?");  // plain: resolved by content, as if written there
  EXPECT_EQ(root["plain"].as<bool>(), true);
}

TEST(SubstituteEnvInYamlTest, AnAliasIsSubstitutedOnce) {
  YAML::Node root = YAML::Load("a: &x '${DOLLARS}'\nb: *x\nc: [*x]\n");
  ASSERT_TRUE(SubstituteEnvInYaml(root, "x.yaml", kEnv).ok());
  EXPECT_EQ(root["a"].Scalar(), "a$$b");
  EXPECT_EQ(root["b"].Scalar(), "a$$b");
  EXPECT_EQ(root["c"][0].Scalar(), "a$$b");
}

TEST(SubstituteEnvInYamlTest, ErrorsCarryFileLineColumn) {
  YAML::Node root = YAML::Load("id: judge\nparams:\n  model: gpt\n  base_url: ${JUDGE_BASE_URL}\n");
  Status status = SubstituteEnvInYaml(root, "evaluators/judge.yaml", kEnv);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "evaluators/judge.yaml:4:13: environment variable JUDGE_BASE_URL is not set (use "
            "${JUDGE_BASE_URL:-default} for a default)");

  root = YAML::Load("list:\n  - ok\n  - \"${BAD NAME}\"\n");
  status = SubstituteEnvInYaml(root, "s.yaml", kEnv);
  EXPECT_EQ(status.message(),
            "s.yaml:3:5: invalid variable name 'BAD NAME' in '${BAD NAME}' (names are "
            "[A-Za-z_][A-Za-z0-9_]*)");
}

TEST(SubstituteEnvInYamlTest, NonCollectionsAndEmptyDocuments) {
  YAML::Node scalar = YAML::Load("${HOST}");
  ASSERT_TRUE(SubstituteEnvInYaml(scalar, "x.yaml", kEnv).ok());
  EXPECT_EQ(scalar.Scalar(), "judge.local");
  YAML::Node empty = YAML::Load("");
  EXPECT_TRUE(SubstituteEnvInYaml(empty, "x.yaml", kEnv).ok());
  YAML::Node null_value = YAML::Load("a: ~\nb:\n");
  EXPECT_TRUE(SubstituteEnvInYaml(null_value, "x.yaml", kEnv).ok());
  EXPECT_TRUE(null_value["a"].IsNull());
}

}  // namespace
}  // namespace arbiter
