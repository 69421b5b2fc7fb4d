#include "runner/redact/options.h"

#include <set>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "runner/base/ascii.h"
#include "runner/base/yaml_file.h"
#include "runner/plugin_api/param_reader.h"
#include "runner/redact/redactor.h"

namespace arbiter {
namespace {

Result<RedactOptions> ReadSection(const YAML::Node& section, const std::string& file) {
  RedactOptions options;
  if (!section.IsDefined() || section.IsNull()) return options;
  if (!section.IsMap()) {
    return ConfigErrorAt(file, section.Mark(), "redact must be a mapping, e.g. {patterns: {...}}");
  }
  ARBITER_RETURN_IF_ERROR(CheckKeys(section, file, {"patterns"}));
  const YAML::Node patterns = section["patterns"];
  if (!patterns.IsDefined() || patterns.IsNull()) return options;
  if (!patterns.IsMap()) {
    return ConfigErrorAt(file, patterns.Mark(),
                         "redact.patterns must be a mapping of NAME: 'regex'");
  }
  std::set<std::string> seen;
  for (const auto& item : patterns) {
    const std::string& name = item.first.Scalar();
    std::string where = "redact.patterns." + name + ": ";
    Status name_ok = CheckRedactName(name);
    if (!name_ok.ok()) return ConfigErrorAt(file, item.first.Mark(), where + name_ok.message());
    // yaml-cpp keeps both entries of a repeated key; the second would silently be a no-op.
    if (!seen.insert(name).second) {
      return ConfigErrorAt(file, item.first.Mark(), where + "defined twice");
    }
    ARBITER_ASSIGN_OR_RETURN(
        std::string pattern,
        ReadScalar<std::string>(item.second, file, where + "the pattern must be a string"));
    Result<std::shared_ptr<const RE2>> compiled = CompileRedactPattern(pattern);
    if (!compiled.ok()) {
      return ConfigErrorAt(file, item.second.Mark(), where + compiled.status().message());
    }
    options.patterns.push_back({name, pattern});
  }
  return options;
}

}  // namespace

Status CheckRedactName(std::string_view name) {
  bool shaped = !name.empty() && IsAsciiUpper(name[0]);
  for (char c : name) shaped = shaped && (IsAsciiUpper(c) || IsAsciiDigit(c) || c == '_');
  if (!shaped) {
    return Status::InvalidArgument("a type name must match [A-Z][A-Z0-9_]* (it becomes <" +
                                   std::string(name) + ">)");
  }
  for (size_t i = 0; i < kPiiTypeCount; ++i) {
    if (name == PiiTypeName(static_cast<PiiType>(i))) {
      return Status::InvalidArgument("'" + std::string(name) +
                                     "' is a built-in type; give the pattern a name of its own");
    }
  }
  return Status::OK();
}

Result<std::shared_ptr<const RE2>> CompileRedactPattern(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);    // errors are reported as values, not on stderr
  options.set_never_capture(true);  // the whole match is replaced; groups are never read
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) return Status::InvalidArgument("bad regex '" + pattern + "': " + re->error());
  if (RE2::FullMatch("", *re)) {
    return Status::InvalidArgument("the regex '" + pattern + "' matches the empty text");
  }
  return std::shared_ptr<const RE2>(std::move(re));
}

Result<RedactOptions> ReadRedactOptions(const YAML::Node& redact_section, const std::string& file) {
  try {
    return ReadSection(redact_section, file);
  } catch (const YAML::Exception& e) {
    return ConfigErrorAt(file, e.mark, e.msg);
  }
}

Status CheckPolicyKeys(const YAML::Node& root, const std::string& file) {
  return CheckKeys(root, file,
                   std::vector<std::string_view>(std::begin(kPolicyKeys), std::end(kPolicyKeys)));
}

Result<RedactOptions> LoadRedactOptions(const std::filesystem::path& policy) {
  ARBITER_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(policy));
  ARBITER_RETURN_IF_ERROR(CheckPolicyKeys(root, policy.string()));
  const YAML::Node& node = root;  // const: a lookup must not add the key
  return ReadRedactOptions(node["redact"], policy.string());
}

}  // namespace arbiter
