// A valijson adapter over the simdjson DOM, so a schema validates a trace's values where they
// already are (tool-call arguments, an object `output`) and text parses with simdjson rather
// than into an nlohmann::json tree: 0.25 us instead of 5 us for a 500-byte document.
//
// Modelled on valijson/adapters/nlohmann_json_adapter.hpp. The adapter holds simdjson handles
// (a pointer into the parser's tape), so it is valid while the parsed document is. simdjson's
// iterators only go forward; valijson also steps arrays backwards (uniqueItems) and jumps
// (items by position), which this adapter does by counting from the start: O(n), rarely used.
//
// Validating with this adapter also changes how `pattern` matches: RE2 instead of std::regex
// (see pattern_match.h), by specialising that one visit of ValidationVisitor<SimdjsonAdapter>.
// Every file that validates with the adapter includes this header, so all see the
// specialisation before the visitor is instantiated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <utility>

#include <simdjson.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/internal/basic_adapter.hpp>
#include <valijson/internal/frozen_value.hpp>
#include <valijson/validation_visitor.hpp>

namespace arbiter {

// The element as an nlohmann::json value (an owned copy).
nlohmann::json SimdjsonToNlohmann(simdjson::dom::element element);

class SimdjsonAdapter;
class SimdjsonArrayIterator;
class SimdjsonObjectIterator;
using SimdjsonObjectMember = std::pair<std::string, SimdjsonAdapter>;

class SimdjsonArray {
 public:
  using const_iterator = SimdjsonArrayIterator;
  using iterator = SimdjsonArrayIterator;
  SimdjsonArray() = default;  // an empty array, as valijson's default-constructed adapters expect
  explicit SimdjsonArray(simdjson::dom::array array) : array_(array), empty_(false) {}
  SimdjsonArrayIterator begin() const;
  SimdjsonArrayIterator end() const;
  size_t size() const { return empty_ ? 0 : array_.size(); }

 private:
  simdjson::dom::array array_;
  bool empty_ = true;
};

class SimdjsonObject {
 public:
  using const_iterator = SimdjsonObjectIterator;
  using iterator = SimdjsonObjectIterator;
  SimdjsonObject() = default;
  explicit SimdjsonObject(simdjson::dom::object object) : object_(object), empty_(false) {}
  SimdjsonObjectIterator begin() const;
  SimdjsonObjectIterator end() const;
  SimdjsonObjectIterator find(const std::string& name) const;
  size_t size() const { return empty_ ? 0 : object_.size(); }

 private:
  simdjson::dom::object object_;
  bool empty_ = true;
};

// Schemas freeze their own (nlohmann) values; a frozen trace value is an nlohmann copy too.
using SimdjsonFrozenValue = valijson::adapters::NlohmannJsonFrozenValue;

class SimdjsonValue {
 public:
  SimdjsonValue() = default;  // valijson's "empty object" placeholder
  explicit SimdjsonValue(simdjson::dom::element element) : element_(element), empty_(false) {}

  valijson::adapters::FrozenValue* freeze() const {
    return new SimdjsonFrozenValue(empty_ ? nlohmann::json::object()
                                          : SimdjsonToNlohmann(element_));
  }
  ::opt::optional<SimdjsonArray> getArrayOptional() const {
    if (!isArray()) return {};
    return ::opt::make_optional(SimdjsonArray(element_.get_array().value_unsafe()));
  }
  bool getArraySize(size_t& result) const {
    if (!isArray()) return false;
    result = element_.get_array().value_unsafe().size();
    return true;
  }
  bool getBool(bool& result) const { return !empty_ && !element_.get_bool().get(result); }
  // Like the nlohmann adapter: doubles only; integers answer getInteger. A uint64 past
  // INT64_MAX has no int64 form and is read as a double.
  bool getDouble(double& result) const {
    if (!isDouble()) return false;
    if (type() == simdjson::dom::element_type::UINT64) {
      result = static_cast<double>(element_.get_uint64().value_unsafe());
    } else {
      result = element_.get_double().value_unsafe();
    }
    return true;
  }
  bool getInteger(int64_t& result) const {
    return isInteger() && !element_.get_int64().get(result);
  }
  ::opt::optional<SimdjsonObject> getObjectOptional() const {
    if (!isObject()) return {};
    return ::opt::make_optional(SimdjsonObject(element_.get_object().value_unsafe()));
  }
  bool getObjectSize(size_t& result) const {
    if (empty_) {
      result = 0;
      return true;
    }
    if (!isObject()) return false;
    result = element_.get_object().value_unsafe().size();
    return true;
  }
  bool getString(std::string& result) const {
    std::string_view text;
    if (empty_ || element_.get_string().get(text)) return false;
    result.assign(text);
    return true;
  }
  static bool hasStrictTypes() { return true; }
  bool isArray() const { return type() == simdjson::dom::element_type::ARRAY; }
  bool isBool() const { return type() == simdjson::dom::element_type::BOOL; }
  bool isDouble() const {
    return type() == simdjson::dom::element_type::DOUBLE ||
           type() == simdjson::dom::element_type::UINT64;
  }
  bool isInteger() const { return type() == simdjson::dom::element_type::INT64; }
  bool isNull() const { return type() == simdjson::dom::element_type::NULL_VALUE; }
  bool isNumber() const { return isInteger() || isDouble(); }
  bool isObject() const { return type() == simdjson::dom::element_type::OBJECT; }
  bool isString() const { return type() == simdjson::dom::element_type::STRING; }

 private:
  simdjson::dom::element_type type() const {
    return empty_ ? simdjson::dom::element_type::OBJECT : element_.type();
  }
  simdjson::dom::element element_;
  bool empty_ = true;  // the placeholder: an empty object
};

class SimdjsonAdapter
    : public valijson::adapters::BasicAdapter<SimdjsonAdapter, SimdjsonArray, SimdjsonObjectMember,
                                              SimdjsonObject, SimdjsonValue> {
 public:
  explicit SimdjsonAdapter(simdjson::dom::element element)
      : BasicAdapter(SimdjsonValue(element)), element_(element), empty_(false) {}

  // The string value without a copy (valijson's getString copies), or false.
  bool StringView(std::string_view& text) const {
    return !empty_ && !element_.get_string().get(text);
  }

 private:
  simdjson::dom::element element_;
  bool empty_ = true;
};

class SimdjsonArrayIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = SimdjsonAdapter;
  using difference_type = std::ptrdiff_t;
  using pointer = SimdjsonAdapter*;
  using reference = SimdjsonAdapter&;

  SimdjsonArrayIterator(simdjson::dom::array array, simdjson::dom::array::iterator it, size_t index)
      : array_(array), it_(it), index_(index) {}

  SimdjsonAdapter operator*() const { return SimdjsonAdapter(*it_); }
  valijson::adapters::DerefProxy<SimdjsonAdapter> operator->() const {
    return valijson::adapters::DerefProxy<SimdjsonAdapter>(**this);
  }
  bool operator==(const SimdjsonArrayIterator& other) const { return index_ == other.index_; }
  bool operator!=(const SimdjsonArrayIterator& other) const { return index_ != other.index_; }
  const SimdjsonArrayIterator& operator++() {
    ++it_;
    ++index_;
    return *this;
  }
  SimdjsonArrayIterator operator++(int) {
    SimdjsonArrayIterator before = *this;
    ++*this;
    return before;
  }
  const SimdjsonArrayIterator& operator--() {
    size_t target = index_ - 1;
    it_ = array_.begin();
    for (index_ = 0; index_ < target; ++index_) ++it_;
    return *this;
  }
  void advance(std::ptrdiff_t n) {
    if (n < 0) {
      for (; n < 0; ++n) --*this;
    } else {
      for (; n > 0; --n) ++*this;
    }
  }

 private:
  simdjson::dom::array array_;
  simdjson::dom::array::iterator it_;
  size_t index_;
};

class SimdjsonObjectIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = SimdjsonObjectMember;
  using difference_type = std::ptrdiff_t;
  using pointer = SimdjsonObjectMember*;
  using reference = SimdjsonObjectMember&;

  explicit SimdjsonObjectIterator(simdjson::dom::object::iterator it) : it_(it) {}

  SimdjsonObjectMember operator*() const {
    return SimdjsonObjectMember(std::string(it_.key()), SimdjsonAdapter(it_.value()));
  }
  valijson::adapters::DerefProxy<SimdjsonObjectMember> operator->() const {
    return valijson::adapters::DerefProxy<SimdjsonObjectMember>(**this);
  }
  bool operator==(const SimdjsonObjectIterator& other) const { return it_ == other.it_; }
  bool operator!=(const SimdjsonObjectIterator& other) const { return it_ != other.it_; }
  const SimdjsonObjectIterator& operator++() {
    ++it_;
    return *this;
  }
  SimdjsonObjectIterator operator++(int) {
    SimdjsonObjectIterator before = *this;
    ++it_;
    return before;
  }

 private:
  simdjson::dom::object::iterator it_;
};

inline SimdjsonArrayIterator SimdjsonArray::begin() const {
  if (empty_) return SimdjsonArrayIterator(array_, {}, 0);
  return SimdjsonArrayIterator(array_, array_.begin(), 0);
}
inline SimdjsonArrayIterator SimdjsonArray::end() const {
  if (empty_) return SimdjsonArrayIterator(array_, {}, 0);
  return SimdjsonArrayIterator(array_, array_.end(), array_.size());
}
inline SimdjsonObjectIterator SimdjsonObject::begin() const {
  return SimdjsonObjectIterator(empty_ ? simdjson::dom::object::iterator() : object_.begin());
}
inline SimdjsonObjectIterator SimdjsonObject::end() const {
  return SimdjsonObjectIterator(empty_ ? simdjson::dom::object::iterator() : object_.end());
}
inline SimdjsonObjectIterator SimdjsonObject::find(const std::string& name) const {
  if (empty_) return end();
  simdjson::dom::object::iterator it = object_.begin(), last = object_.end();
  while (it != last && it.key() != name) ++it;
  return SimdjsonObjectIterator(it);
}

}  // namespace arbiter

template <>
struct valijson::adapters::AdapterTraits<arbiter::SimdjsonAdapter> {
  using DocumentType = simdjson::dom::element;
  static std::string adapterName() { return "SimdjsonAdapter"; }
};

// `pattern` on RE2 (defined in simdjson_adapter.cc).
template <>
bool valijson::ValidationVisitor<arbiter::SimdjsonAdapter>::visit(
    const valijson::constraints::PatternConstraint& constraint);
