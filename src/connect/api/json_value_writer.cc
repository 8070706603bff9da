// The JsonConverter's writing half: the JSON tree of a value (ToJson, the general path and Kafka's
// error messages) and the direct writer (WriteValue). See json_value_writer.h.
#include "connect/api/json_value_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "connect/api/base64.h"

namespace sluice::connect::json_write {
namespace {

using json_text::JavaNumber;
using json_text::Json;
using json_text::RawNumber;
using json_text::Write;

// ---- the tree ----

Result<Json> SchemalessToJson(const Value& v, std::string_view path) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return Json(nullptr);
    case ValueKind::kBool:
      return Json(v.get<bool>());
    case ValueKind::kInt8:
      return Json(v.get<int8_t>());
    case ValueKind::kInt16:
      return Json(v.get<int16_t>());
    case ValueKind::kInt32:
      return Json(v.get<int32_t>());
    case ValueKind::kInt64:
      return Json(v.get<int64_t>());
    case ValueKind::kFloat32:
      return JavaNumber(v.get<float>());
    case ValueKind::kFloat64:
      return JavaNumber(v.get<double>());
    case ValueKind::kString:
      return Json(v.get<std::string>());
    case ValueKind::kBytes:
      return Json(Base64Encode(v.get<Bytes>()));
    case ValueKind::kArray: {
      Json out = Json::array();
      const Array& items = v.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        ASSIGN_OR_RETURN(Json item, SchemalessToJson(items[i], Index(path, i)));
        out.push_back(std::move(item));
      }
      return out;
    }
    case ValueKind::kMap: {
      const Map& m = v.get<Map>();
      bool object_mode = true;
      for (const MapEntry& e : m) object_mode = object_mode && e.key.kind() == ValueKind::kString;
      Json out = object_mode ? Json::object() : Json::array();
      for (const MapEntry& e : m) {
        ASSIGN_OR_RETURN(Json value, SchemalessToJson(e.value, path));
        if (object_mode) {
          out[e.key.get<std::string>()] = std::move(value);
        } else {
          ASSIGN_OR_RETURN(Json key, SchemalessToJson(e.key, path));
          out.push_back(Json::array({std::move(key), std::move(value)}));
        }
      }
      return out;
    }
    case ValueKind::kStruct:
      return Status::InvalidArgument("Mismatching schema: a Struct needs a STRUCT schema" + At(path));
  }
  return Status::Internal("unknown value kind");
}

}  // namespace

Result<Json> ToJson(const JsonConverterConfig& cfg, const Schema* schema, const Value& v,
                    std::string_view path) {
  if (schema == nullptr) return SchemalessToJson(v, path);
  if (v.is_null()) {
    if (schema->default_value() != nullptr && cfg.replace_null_with_default) {
      return ToJson(cfg, schema, *schema->default_value(), path);
    }
    if (schema->optional()) return Json(nullptr);
    return Status::InvalidArgument(
        "Conversion error: null value for field that is required and has no default value" + At(path));
  }
  if (!KindMatches(schema->type(), v.kind())) {
    return Status::InvalidArgument("Invalid type for " + schema->DebugName() + ": " +
                                   std::string(ValueKindName(v.kind())) + At(path));
  }
  switch (schema->type()) {
    case SchemaType::kBytes:
      if (schema->name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(*schema);
        if (!scale.ok()) return Status::InvalidArgument(scale.status().message() + At(path));
        if (cfg.decimal_format == DecimalFormat::kNumeric) {
          Result<std::string> text = DecimalToString(v.get<Bytes>(), *scale);
          if (!text.ok()) return Status::InvalidArgument(text.status().message() + At(path));
          return RawNumber(*text);
        }
      }
      return Json(Base64Encode(v.get<Bytes>()));
    case SchemaType::kArray: {
      Json out = Json::array();
      const Array& items = v.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        ASSIGN_OR_RETURN(Json item, ToJson(cfg, schema->value_schema().get(), items[i], Index(path, i)));
        out.push_back(std::move(item));
      }
      return out;
    }
    case SchemaType::kMap: {
      bool object_mode = schema->key_schema()->type() == SchemaType::kString;
      Json out = object_mode ? Json::object() : Json::array();
      for (const MapEntry& e : v.get<Map>()) {
        ASSIGN_OR_RETURN(Json key, ToJson(cfg, schema->key_schema().get(), e.key, path));
        ASSIGN_OR_RETURN(Json value, ToJson(cfg, schema->value_schema().get(), e.value, path));
        if (object_mode) {
          if (!key.is_string())
            return Status::InvalidArgument("Map key must be a non-null string" + At(path));
          out[key.get_ref<const std::string&>()] = std::move(value);
        } else {
          out.push_back(Json::array({std::move(key), std::move(value)}));
        }
      }
      return out;
    }
    case SchemaType::kStruct: {
      const Struct& s = v.get<Struct>();
      if (s.schema().get() != schema && !(*s.schema() == *schema)) {
        return Status::InvalidArgument("Mismatching schema." + At(path));
      }
      Json out = Json::object();
      for (const Field& f : schema->fields()) {
        ASSIGN_OR_RETURN(
            Json fv, ToJson(cfg, f.schema.get(), s.GetAt(static_cast<size_t>(f.index)), Child(path, f.name)));
        out[f.name] = std::move(fv);
      }
      return out;
    }
    default:
      return SchemalessToJson(v, path);
  }
}

namespace {

// ---- the direct writer ----

// Where a value sits, for error messages: a chain on the stack, turned into text ("order.items[2]")
// only when an error or the general writer needs it.
struct Path {
  const Path* parent = nullptr;
  std::string_view field;                 // a struct field, or
  size_t index = std::string_view::npos;  // an array element
  std::string Text() const {
    if (parent == nullptr) return std::string(field);
    std::string base = parent->Text();
    return index != std::string_view::npos ? Index(base, index) : Child(base, field);
  }
};

template <typename T>
void AppendInteger(T v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// The text before each field's value in a struct of one schema, `"a":`, `,"b":`, ... (Jackson's
// escapes), in one string: field i's key ends at ends[i].
struct FieldKeys {
  const Schema* schema = nullptr;
  std::weak_ptr<const Schema> alive;  // expired: the schema is gone and its address may be reused
  std::string text;
  std::vector<size_t> ends;
};

// The keys of a struct schema from a small per-thread cache (records of one source share their schema).
// A schema not owned by a shared_ptr never hits and is rebuilt each time, which is still right.
const FieldKeys& KeysOf(const Schema& schema) {
  thread_local std::array<FieldKeys, 8> cache;
  thread_local size_t next = 0;
  for (const FieldKeys& k : cache) {
    if (k.schema == &schema && !k.alive.expired()) return k;
  }
  FieldKeys& k = cache[next];
  next = (next + 1) % cache.size();
  k.schema = &schema;
  k.alive = schema.weak_from_this();
  k.text.clear();
  k.ends.clear();
  for (const Field& f : schema.fields()) {
    if (!k.ends.empty()) k.text += ',';
    json_text::WriteString(f.name, k.text);
    k.text += ':';
    k.ends.push_back(k.text.size());
  }
  return k;
}

// Appends the JSON of `v` to `out`, byte-identical to Write(ToJson(...)) but without building a
// nlohmann tree for the common shapes (structs, arrays, strings, integers, booleans, bytes, nulls);
// other shapes go through ToJson.
Status WriteDirect(const JsonConverterConfig& cfg, const Schema* schema, const Value& v, const Path& path,
                   std::string& out) {
  auto generic = [&]() -> Status {
    ASSIGN_OR_RETURN(Json j, ToJson(cfg, schema, v, path.Text()));
    Write(j, out);
    return Status::OK();
  };
  if (schema == nullptr) return generic();
  if (v.is_null()) {
    if (schema->optional() && (schema->default_value() == nullptr || !cfg.replace_null_with_default)) {
      out += "null";
      return Status::OK();
    }
    return generic();
  }
  if (!KindMatches(schema->type(), v.kind())) return generic();
  switch (schema->type()) {
    case SchemaType::kInt8:
      AppendInteger(v.get<int8_t>(), out);
      return Status::OK();
    case SchemaType::kInt16:
      AppendInteger(v.get<int16_t>(), out);
      return Status::OK();
    case SchemaType::kInt32:
      AppendInteger(v.get<int32_t>(), out);
      return Status::OK();
    case SchemaType::kInt64:
      AppendInteger(v.get<int64_t>(), out);
      return Status::OK();
    case SchemaType::kBoolean:
      out += v.get<bool>() ? "true" : "false";
      return Status::OK();
    case SchemaType::kString:
      json_text::WriteString(v.get<std::string>(), out);
      return Status::OK();
    case SchemaType::kFloat32:
    case SchemaType::kFloat64: {
      // Java's text as a number; NaN and the infinities as strings (JavaNumber).
      double d = schema->type() == SchemaType::kFloat32 ? v.get<float>() : v.get<double>();
      std::string text = schema->type() == SchemaType::kFloat32 ? JavaFloatToString(v.get<float>())
                                                                : JavaDoubleToString(v.get<double>());
      if (std::isfinite(d)) {
        out += text;
      } else {
        json_text::WriteString(text, out);
      }
      return Status::OK();
    }
    case SchemaType::kBytes:
      if (schema->name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(*schema);
        if (!scale.ok() || cfg.decimal_format == DecimalFormat::kNumeric) {
          Result<std::string> text = scale.ok() ? DecimalToString(v.get<Bytes>(), *scale) : scale.status();
          if (!text.ok()) return generic();  // ToJson words the error
          out += *text;
          return Status::OK();
        }
      }
      out += '"';
      out += Base64Encode(v.get<Bytes>());
      out += '"';
      return Status::OK();
    case SchemaType::kArray: {
      out += '[';
      const Array& items = v.get<Array>();
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        RETURN_IF_ERROR(WriteDirect(cfg, schema->value_schema().get(), items[i], Path{&path, {}, i}, out));
      }
      out += ']';
      return Status::OK();
    }
    case SchemaType::kStruct: {
      const Struct& st = v.get<Struct>();
      if (st.schema().get() != schema && !(*st.schema() == *schema)) {
        return Status::InvalidArgument("Mismatching schema." + At(path.Text()));
      }
      // The keys of a top-level struct come from the per-thread cache; nested structs write theirs (a
      // nested lookup could evict the entry the outer loop reads).
      const FieldKeys* keys = path.parent == nullptr ? &KeysOf(*schema) : nullptr;
      out += '{';
      const std::vector<Field>& fields = schema->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        if (keys != nullptr) {
          size_t begin = i == 0 ? 0 : keys->ends[i - 1];
          out.append(keys->text, begin, keys->ends[i] - begin);
        } else {
          if (i > 0) out += ',';
          json_text::WriteString(f.name, out);
          out += ':';
        }
        // The usual column types inline; everything else (nulls, defaults, logical types' checks) below.
        const Value& fv = st.GetAt(static_cast<size_t>(f.index));
        const SchemaType ft = f.schema->type();
        if (fv.kind() == ValueKind::kInt64 && ft == SchemaType::kInt64) {
          AppendInteger(fv.get<int64_t>(), out);
        } else if (fv.kind() == ValueKind::kInt32 && ft == SchemaType::kInt32) {
          AppendInteger(fv.get<int32_t>(), out);
        } else if (fv.kind() == ValueKind::kString && ft == SchemaType::kString) {
          json_text::WriteString(fv.get<std::string>(), out);
        } else {
          RETURN_IF_ERROR(WriteDirect(cfg, f.schema.get(), fv, Path{&path, f.name}, out));
        }
      }
      out += '}';
      return Status::OK();
    }
    default:  // maps
      return generic();
  }
}
}  // namespace

Status WriteValue(const JsonConverterConfig& cfg, const Schema* schema, const Value& v, std::string& out) {
  return WriteDirect(cfg, schema, v, Path{}, out);
}

}  // namespace sluice::connect::json_write
