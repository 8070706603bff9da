// The JsonConverter's writing half: Connect data -> JSON text as Kafka's JsonConverter (Jackson) writes
// it. WriteValue appends the text straight to a buffer for the common shapes (structs, arrays, strings,
// integers, floats, booleans, bytes, decimals, nulls) and builds a JSON tree (ToJson) only for the rest
// (maps, schemaless data, errors, which ToJson words). Struct field keys ("name": with Jackson's
// escapes) are built once per schema and kept in a small per-thread cache.
//
// Internal to connect/api (json_converter.cc); use JsonConverter.
//
// Thread-safety: pure functions; the key cache is per thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/json_converter.h"
#include "connect/api/json_text.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect::json_write {

// Field paths in error messages: " for field: \"a.b\"", "a.b", "a[2]".
inline std::string At(std::string_view path) {
  return path.empty() ? std::string() : " for field: \"" + std::string(path) + "\"";
}
inline std::string Child(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name) : std::string(path) + "." + std::string(name);
}
inline std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

// The JSON tree of `v` under `schema` (nullptr: schemaless); errors name the field at `path`.
Result<json_text::Json> ToJson(const JsonConverterConfig& cfg, const Schema* schema, const Value& v,
                               std::string_view path);

// Appends the JSON text of `v` to `out`, byte-identical to json_text::Write(ToJson(...)). On error part
// of the value may have been appended (callers restore the size).
Status WriteValue(const JsonConverterConfig& cfg, const Schema* schema, const Value& v, std::string& out);

}  // namespace sluice::connect::json_write
