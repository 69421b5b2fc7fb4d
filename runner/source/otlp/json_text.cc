#include "runner/source/otlp/json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "runner/base/json_util.h"

namespace arbiter {

void AppendJson(std::string& out, const OrderedJson& value) {
  switch (value.type()) {
    case OrderedJson::value_t::string:
      AppendJsonString(out, value.get_ref<const std::string&>());
      return;
    case OrderedJson::value_t::number_integer:
    case OrderedJson::value_t::number_unsigned: {
      char buffer[24];
      // is_number_integer() is true for unsigned values too: ask for unsigned.
      auto [end, ec] = value.is_number_unsigned()
                           ? std::to_chars(buffer, buffer + sizeof(buffer), value.get<uint64_t>())
                           : std::to_chars(buffer, buffer + sizeof(buffer), value.get<int64_t>());
      out.append(buffer, end);
      return;
    }
    case OrderedJson::value_t::number_float:
      AppendJsonNumber(out, value.get<double>());
      return;
    case OrderedJson::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case OrderedJson::value_t::array: {
      out += '[';
      bool first = true;
      for (const OrderedJson& item : value) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, item);
      }
      out += ']';
      return;
    }
    case OrderedJson::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, it.key());
        out += ':';
        AppendJson(out, it.value());
      }
      out += '}';
      return;
    }
    default:
      out += "null";
      return;
  }
}

}  // namespace arbiter
