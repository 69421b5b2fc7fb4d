// Typed access to an evaluator's `params`, for plugin factories. Collects errors with
// file:line:column, and rejects keys the plugin never asked for (a typo is an error, not a default).
//
//   ParamReader params(spec);
//   auto patterns = params.StringList("patterns", /*required=*/true);
//   bool fold = params.Bool("case_insensitive", false);
//   ARBITER_RETURN_IF_ERROR(params.Finish());
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runner/base/yaml_file.h"
#include "runner/plugin_api/evaluator.h"

namespace arbiter {

class ParamReader {
 public:
  explicit ParamReader(const EvaluatorSpec& spec);

  std::optional<std::string> String(const std::string& key, bool required = false);
  std::vector<std::string> StringList(const std::string& key, bool required = false);
  bool Bool(const std::string& key, bool default_value);
  std::optional<double> Number(const std::string& key, bool required = false);
  std::optional<long> Integer(const std::string& key, bool required = false);
  // One of `choices`; `default_value` when absent.
  std::string Choice(const std::string& key, const std::vector<std::string>& choices,
                     const std::string& default_value);
  // The raw node (a map, a list); an undefined node when absent.
  YAML::Node Node(const std::string& key, bool required = false);
  bool Has(const std::string& key) const;

  // Records an error at `at` (keeps only the first for the message, counts the rest).
  void Fail(const YAML::Node& at, const std::string& reason);
  bool ok() const { return error_.ok(); }

  // OK, or the first error; also fails on keys never read ("unknown param 'x'").
  Status Finish();

  const EvaluatorSpec& spec() const { return spec_; }

 private:
  YAML::Node Lookup(const std::string& key, bool required);

  const EvaluatorSpec& spec_;
  YAML::Node params_;
  std::set<std::string> used_;
  Status error_;
};

}  // namespace arbiter
