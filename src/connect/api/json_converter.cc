// JsonConverter: Connect data <-> JSON as Kafka's JsonConverter converts it (envelope, schemas, logical
// types, Kafka's error messages). The JSON text itself (Jackson's writer, the number-keeping parser,
// Decimal text) is json_text.h. See json_converter.h.
#include "connect/api/json_converter.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "connect/api/base64.h"
#include "connect/api/json_schema_reader.h"
#include "connect/api/json_text.h"
#include "connect/api/json_value_writer.h"

namespace sluice::connect {
namespace {

using json_text::Dump;
using json_text::IsNumber;
using json_text::IsRaw;
using json_text::JavaNumber;
using json_text::Json;
using json_text::NumberAs;
using json_text::NumberText;
using json_text::RawNumber;
using json_text::TypeName;
using json_text::Write;
using json_write::At;
using json_write::Child;
using json_write::Index;
using json_write::ToJson;

constexpr std::string_view kEnvelopeError =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain "
    "additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your "
    "converter configuration.";

std::string_view JsonTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8:
      return "int8";
    case SchemaType::kInt16:
      return "int16";
    case SchemaType::kInt32:
      return "int32";
    case SchemaType::kInt64:
      return "int64";
    case SchemaType::kFloat32:
      return "float";
    case SchemaType::kFloat64:
      return "double";
    case SchemaType::kBoolean:
      return "boolean";
    case SchemaType::kString:
      return "string";
    case SchemaType::kBytes:
      return "bytes";
    case SchemaType::kArray:
      return "array";
    case SchemaType::kMap:
      return "map";
    case SchemaType::kStruct:
      return "struct";
  }
  return "";
}

Result<Json> SchemaToJson(const JsonConverterConfig& cfg, const Schema& schema) {
  Json j = Json::object();
  j["type"] = JsonTypeName(schema.type());
  switch (schema.type()) {
    case SchemaType::kStruct: {
      Json fields = Json::array();
      for (const Field& f : schema.fields()) {
        ASSIGN_OR_RETURN(Json fj, SchemaToJson(cfg, *f.schema));
        fj["field"] = f.name;
        fields.push_back(std::move(fj));
      }
      j["fields"] = std::move(fields);
      break;
    }
    case SchemaType::kArray: {
      ASSIGN_OR_RETURN(j["items"], SchemaToJson(cfg, *schema.value_schema()));
      break;
    }
    case SchemaType::kMap: {
      ASSIGN_OR_RETURN(j["keys"], SchemaToJson(cfg, *schema.key_schema()));
      ASSIGN_OR_RETURN(j["values"], SchemaToJson(cfg, *schema.value_schema()));
      break;
    }
    default:
      break;
  }
  j["optional"] = schema.optional();
  if (schema.name()) j["name"] = *schema.name();
  if (schema.version()) j["version"] = *schema.version();
  if (schema.doc()) j["doc"] = *schema.doc();
  if (!schema.parameters().empty()) {
    Json params = Json::object();
    for (const auto& [k, v] : schema.parameters()) params[k] = v;
    j["parameters"] = std::move(params);
  }
  if (schema.default_value() != nullptr) {
    ASSIGN_OR_RETURN(j["default"], ToJson(cfg, &schema, *schema.default_value(), "default"));
  }
  return j;
}

// ---- JSON -> Connect ----

Result<Value> SchemalessFromJson(const Json& j) {
  if (j.is_null()) return Value();
  if (const auto* b = j.get_ptr<const Json::boolean_t*>()) return Value(*b);
  if (const auto* i = j.get_ptr<const Json::number_integer_t*>()) return Value(int64_t{*i});
  if (const auto* u = j.get_ptr<const Json::number_unsigned_t*>()) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("Integer " + std::to_string(*u) + " does not fit in INT64");
    }
    return Value(static_cast<int64_t>(*u));
  }
  if (IsRaw(j)) return Value(NumberAs<double>(j));
  if (const auto* s = j.get_ptr<const Json::string_t*>()) return Value(*s);
  if (j.is_array()) {
    Array out;
    for (const Json& item : j) {
      ASSIGN_OR_RETURN(Value v, SchemalessFromJson(item));
      out.push_back(std::move(v));
    }
    return Value(std::move(out));
  }
  if (j.is_object()) {
    Map out;
    for (auto it = j.begin(); it != j.end(); ++it) {
      ASSIGN_OR_RETURN(Value v, SchemalessFromJson(it.value()));
      out.push_back(MapEntry{Value(it.key()), std::move(v)});
    }
    return Value(std::move(out));
  }
  return Status::InvalidArgument("Unsupported JSON value: " + TypeName(j));
}

Status Mismatch(const Schema& schema, const Json& j, std::string_view path) {
  return Status::InvalidArgument("Invalid JSON " + TypeName(j) + " for schema type " + schema.DebugName() +
                                 At(path));
}

Result<int64_t> JsonInteger(const Schema& schema, const Json& j, int64_t min, int64_t max,
                            std::string_view path) {
  int64_t n = 0;
  if (const auto* i = j.get_ptr<const Json::number_integer_t*>()) {
    n = *i;
  } else if (const auto* u = j.get_ptr<const Json::number_unsigned_t*>()) {
    if (*u > static_cast<uint64_t>(max))
      return Status::OutOfRange("Integer out of range for " + schema.DebugName() + At(path));
    n = static_cast<int64_t>(*u);
  } else {
    return Mismatch(schema, j, path);
  }
  if (n < min || n > max)
    return Status::OutOfRange("Integer out of range for " + schema.DebugName() + At(path));
  return n;
}

Result<Value> FromJson(const JsonConverterConfig& cfg, const SchemaPtr& schema, const Json& j,
                       std::string_view path) {
  if (!schema) return SchemalessFromJson(j);
  if (j.is_null()) {
    if (schema->default_value() != nullptr && cfg.replace_null_with_default) return *schema->default_value();
    if (schema->optional()) return Value();
    return Status::InvalidArgument("Invalid null value for required " +
                                   std::string(SchemaTypeName(schema->type())) + " field" + At(path));
  }
  switch (schema->type()) {
    case SchemaType::kInt8: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT8_MIN, INT8_MAX, path));
      return Value(static_cast<int8_t>(n));
    }
    case SchemaType::kInt16: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT16_MIN, INT16_MAX, path));
      return Value(static_cast<int16_t>(n));
    }
    case SchemaType::kInt32: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT32_MIN, INT32_MAX, path));
      return Value(static_cast<int32_t>(n));
    }
    case SchemaType::kInt64: {
      ASSIGN_OR_RETURN(int64_t n, JsonInteger(*schema, j, INT64_MIN, INT64_MAX, path));
      return Value(n);
    }
    case SchemaType::kFloat32:
    case SchemaType::kFloat64: {
      bool is_float = schema->type() == SchemaType::kFloat32;
      if (IsNumber(j)) return is_float ? Value(NumberAs<float>(j)) : Value(NumberAs<double>(j));
      // Jackson writes NaN and the infinities as strings.
      const auto* s = j.get_ptr<const Json::string_t*>();
      if (s == nullptr || (*s != "NaN" && *s != "Infinity" && *s != "-Infinity")) {
        return Mismatch(*schema, j, path);
      }
      double d = *s == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                             : (*s == "Infinity" ? 1 : -1) * std::numeric_limits<double>::infinity();
      return is_float ? Value(static_cast<float>(d)) : Value(d);
    }
    case SchemaType::kBoolean:
      if (!j.is_boolean()) return Mismatch(*schema, j, path);
      return Value(j.get_ref<const Json::boolean_t&>());
    case SchemaType::kString:
      if (!j.is_string()) return Mismatch(*schema, j, path);
      return Value(j.get_ref<const std::string&>());
    case SchemaType::kBytes: {
      if (schema->name() == kDecimalLogicalName) {
        Result<int32_t> scale = DecimalScale(*schema);
        if (!scale.ok()) return Status::InvalidArgument(scale.status().message() + At(path));
        if (IsNumber(j)) {  // decimal.format=NUMERIC; read whatever the config
          Result<Bytes> unscaled = DecimalFromString(NumberText(j), *scale);
          if (!unscaled.ok()) return Status::InvalidArgument(unscaled.status().message() + At(path));
          return Value(std::move(*unscaled));
        }
      }
      if (!j.is_string()) return Mismatch(*schema, j, path);
      std::optional<Bytes> bytes = Base64Decode(j.get_ref<const std::string&>());
      if (!bytes) return Status::InvalidArgument("Invalid bytes field (not base64)" + At(path));
      return Value(std::move(*bytes));
    }
    case SchemaType::kArray: {
      if (!j.is_array()) return Mismatch(*schema, j, path);
      Array out;
      for (size_t i = 0; i < j.size(); ++i) {
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), j[i], Index(path, i)));
        out.push_back(std::move(v));
      }
      return Value(std::move(out));
    }
    case SchemaType::kMap: {
      Map out;
      if (schema->key_schema()->type() == SchemaType::kString) {
        if (!j.is_object()) return Mismatch(*schema, j, path);
        for (auto it = j.begin(); it != j.end(); ++it) {
          ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), it.value(), Child(path, it.key())));
          out.push_back(MapEntry{Value(it.key()), std::move(v)});
        }
        return Value(std::move(out));
      }
      if (!j.is_array()) {
        return Status::InvalidArgument(
            "Maps with non-string fields should be encoded as JSON array of tuples, but found " +
            TypeName(j) + At(path));
      }
      for (const Json& entry : j) {
        if (!entry.is_array() || entry.size() != 2) {
          return Status::InvalidArgument("Found invalid map entry, expected an array of length 2" + At(path));
        }
        ASSIGN_OR_RETURN(Value k, FromJson(cfg, schema->key_schema(), entry[0], path));
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, schema->value_schema(), entry[1], path));
        out.push_back(MapEntry{std::move(k), std::move(v)});
      }
      return Value(std::move(out));
    }
    case SchemaType::kStruct: {
      if (!j.is_object()) {
        return Status::InvalidArgument("Structs should be encoded as JSON objects, found " + TypeName(j) +
                                       At(path));
      }
      Struct s(schema);
      for (const Field& f : schema->fields()) {
        auto it = j.find(f.name);
        static const Json kNull;
        ASSIGN_OR_RETURN(Value v, FromJson(cfg, f.schema, it == j.end() ? kNull : *it, Child(path, f.name)));
        RETURN_IF_ERROR(s.Put(f.name, std::move(v)).WithContext(Child(path, f.name)));
      }
      return Value(std::move(s));
    }
  }
  return Status::Internal("unknown schema type");
}

Result<SchemaPtr> SchemaFromJson(const JsonConverterConfig& cfg, const Json& j, std::string_view path) {
  if (!j.is_object()) return Status::InvalidArgument("Schema must be a JSON object" + At(path));
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) {
    return Status::InvalidArgument("Schema must contain 'type' field" + At(path));
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  auto child = [&](const char* key, const char* missing) -> Result<SchemaPtr> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::InvalidArgument(std::string(missing) + At(path));
    return SchemaFromJson(cfg, *it, path);
  };
  std::optional<SchemaBuilder> b;
  static const std::pair<const char*, SchemaType> kPrimitives[] = {
      {"int8", SchemaType::kInt8},       {"int16", SchemaType::kInt16},   {"int32", SchemaType::kInt32},
      {"int64", SchemaType::kInt64},     {"float", SchemaType::kFloat32}, {"double", SchemaType::kFloat64},
      {"boolean", SchemaType::kBoolean}, {"string", SchemaType::kString}, {"bytes", SchemaType::kBytes}};
  for (const auto& [n, t] : kPrimitives) {
    if (type == n) b.emplace(t);
  }
  if (type == "array") {
    ASSIGN_OR_RETURN(SchemaPtr items, child("items", "Array schema did not specify the element type"));
    b.emplace(SchemaBuilder::Array(std::move(items)));
  } else if (type == "map") {
    ASSIGN_OR_RETURN(SchemaPtr keys, child("keys", "Map schema did not specify the key type"));
    ASSIGN_OR_RETURN(SchemaPtr values, child("values", "Map schema did not specify the value type"));
    b.emplace(SchemaBuilder::Map(std::move(keys), std::move(values)));
  } else if (type == "struct") {
    b.emplace(SchemaBuilder::Struct());
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array()) {
      return Status::InvalidArgument("Struct schema's \"fields\" argument is not an array." + At(path));
    }
    for (const Json& f : *fields) {
      auto name = f.is_object() ? f.find("field") : f.end();
      if (!f.is_object() || name == f.end() || !name->is_string()) {
        return Status::InvalidArgument("Struct schema's field name not specified properly" + At(path));
      }
      const std::string& fname = name->get_ref<const std::string&>();
      ASSIGN_OR_RETURN(SchemaPtr fs, SchemaFromJson(cfg, f, Child(path, fname)));
      b->Field(fname, std::move(fs));
    }
  }
  if (!b) return Status::InvalidArgument("Unknown schema type: " + type + At(path));
  if (auto it = j.find("optional"); it != j.end() && it->is_boolean() && it->get<bool>()) b->Optional();
  if (auto it = j.find("name"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::InvalidArgument("Schema name must be a string" + At(path));
    b->Name(it->get<std::string>());
  }
  if (auto it = j.find("version"); it != j.end() && !it->is_null()) {
    const auto* v = it->get_ptr<const Json::number_integer_t*>();
    const auto* u = it->get_ptr<const Json::number_unsigned_t*>();
    if (v != nullptr && *v >= INT32_MIN && *v <= INT32_MAX) {
      b->Version(static_cast<int32_t>(*v));
    } else if (u != nullptr && *u <= INT32_MAX) {
      b->Version(static_cast<int32_t>(*u));
    } else {
      return Status::InvalidArgument("Schema version must be an integer" + At(path));
    }
  }
  if (auto it = j.find("doc"); it != j.end() && it->is_string()) b->Doc(it->get<std::string>());
  if (auto it = j.find("parameters"); it != j.end() && !it->is_null()) {
    if (!it->is_object())
      return Status::InvalidArgument("Schema parameters must be a JSON object" + At(path));
    for (auto p = it->begin(); p != it->end(); ++p) {
      if (!p.value().is_string())
        return Status::InvalidArgument("Schema parameter values must be strings" + At(path));
      b->Parameter(p.key(), p.value().get<std::string>());
    }
  }
  if (auto it = j.find("default"); it != j.end() && !it->is_null()) {
    ASSIGN_OR_RETURN(SchemaPtr without_default, b->TryBuild());
    ASSIGN_OR_RETURN(Value def, FromJson(cfg, without_default, *it, Child(path, "default")));
    b->DefaultValue(def);
  }
  return b->TryBuild();
}

Result<Json> ParseJson(std::string_view text) {
  Result<Json> j = json_text::Parse(text);
  if (j.ok()) return j;
  return Status::InvalidArgument("Converting byte[] to Kafka Connect data failed due to " +
                                 j.status().message());
}

}  // namespace

struct JsonConverter::SchemaCache {
  std::mutex mu;
  const Schema* ptr = nullptr;
  std::weak_ptr<const Schema> alive;  // expired: the cached schema is gone, ptr may be reused
  std::string text;
  // Reading: the text of the last schema parsed and the schema.
  std::string in_text;
  SchemaPtr in_schema;
};

JsonConverter::JsonConverter(JsonConverterConfig config)
    : config_(config), cache_(std::make_shared<SchemaCache>()) {}

Result<std::string> JsonConverter::FromConnectData(const Schema* schema, const Value& value) const {
  std::string out;
  out.reserve(128);
  RETURN_IF_ERROR(AppendConnectData(schema, value, out));
  return out;
}

Status JsonConverter::AppendConnectData(const Schema* schema, const Value& value, std::string& out) const {
  // A null record with no schema is the literal null, also with schemas.enable (see the header).
  if (!config_.schemas_enable || (schema == nullptr && value.is_null()))
    return AppendPayload(schema, value, out);
  const size_t old_size = out.size();
  out += "{\"schema\":";
  if (schema != nullptr) {
    // Records of one source share their schema object: its JSON text is built once.
    std::lock_guard<std::mutex> lock(cache_->mu);
    if (cache_->ptr != schema || cache_->alive.expired()) {
      Result<Json> schema_json = SchemaToJson(config_, *schema);
      if (!schema_json.ok()) {
        out.resize(old_size);
        return schema_json.status();
      }
      cache_->text.clear();
      Write(*schema_json, cache_->text);
      cache_->ptr = schema;
      cache_->alive = schema->weak_from_this();
    }
    out += cache_->text;
  } else {
    out += "null";
  }
  out += ",\"payload\":";
  Status s = json_write::WriteValue(config_, schema, value, out);
  if (!s.ok()) {
    out.resize(old_size);
    return s;
  }
  out += '}';
  return Status::OK();
}

Status JsonConverter::AppendPayload(const Schema* schema, const Value& value, std::string& out) const {
  const size_t old_size = out.size();
  Status s = schema == nullptr && value.is_null() ? (out += "null", Status::OK())
                                                  : json_write::WriteValue(config_, schema, value, out);
  if (!s.ok()) out.resize(old_size);
  return s;
}

Result<SchemaAndValue> JsonConverter::ToConnectData(std::string_view json) const {
  if (json.empty()) return SchemaAndValue{};
  constexpr std::string_view kSchemaKey = "{\"schema\":";
  constexpr std::string_view kPayloadKey = ",\"payload\":";
  if (config_.schemas_enable && json.starts_with(kSchemaKey) && json.ends_with("}")) {
    // Records of one topic repeat one schema, written compactly in Kafka's key order (as Kafka's
    // JsonConverter and ours write it): when the text matches the last schema read, only the payload
    // is parsed (Kafka caches parsed schemas too, schemas.cache.size).
    SchemaPtr cached;
    size_t payload_at = 0;
    {
      std::lock_guard<std::mutex> lock(cache_->mu);
      const std::string& text = cache_->in_text;
      if (!text.empty() && json.size() > kSchemaKey.size() + text.size() + kPayloadKey.size() &&
          json.compare(kSchemaKey.size(), text.size(), text) == 0 &&
          json.compare(kSchemaKey.size() + text.size(), kPayloadKey.size(), kPayloadKey) == 0) {
        cached = cache_->in_schema;
        payload_at = kSchemaKey.size() + text.size() + kPayloadKey.size();
      }
    }
    if (payload_at > 0) {
      std::string_view text = json.substr(payload_at, json.size() - payload_at - 1);
      // The common case straight from the text; anything unusual (and every error) takes the tree.
      if (std::optional<Value> v = json_text::ReadWithSchema(cached, text, config_.replace_null_with_default))
        return SchemaAndValue{std::move(cached), std::move(*v)};
      Result<Json> payload = json_text::Parse(text);
      if (payload.ok()) {
        ASSIGN_OR_RETURN(Value v, FromJson(config_, cached, *payload, ""));
        return SchemaAndValue{std::move(cached), std::move(v)};
      }
      // Malformed: the whole text is parsed below, so the error counts bytes from its start.
    }
  }
  ASSIGN_OR_RETURN(Json j, ParseJson(json));
  if (j.is_null()) return SchemaAndValue{};
  if (!config_.schemas_enable) {
    ASSIGN_OR_RETURN(Value v, SchemalessFromJson(j));
    return SchemaAndValue{nullptr, std::move(v)};
  }
  if (!j.is_object() || j.size() != 2 || !j.contains("schema") || !j.contains("payload")) {
    return Status::InvalidArgument(kEnvelopeError);
  }
  SchemaPtr schema;
  if (!j["schema"].is_null()) {
    ASSIGN_OR_RETURN(schema, SchemaFromJson(config_, j["schema"], ""));
  }
  ASSIGN_OR_RETURN(Value v, FromJson(config_, schema, j["payload"], ""));
  if (schema != nullptr) {
    std::string text;
    Write(j["schema"], text);
    std::lock_guard<std::mutex> lock(cache_->mu);
    cache_->in_text = std::move(text);
    cache_->in_schema = schema;
  }
  return SchemaAndValue{std::move(schema), std::move(v)};
}

Result<std::string> JsonConverter::SchemaToJsonText(const Schema& schema) {
  ASSIGN_OR_RETURN(Json j, SchemaToJson(JsonConverterConfig{}, schema));
  return Dump(j);
}

Result<SchemaPtr> JsonConverter::SchemaFromJsonText(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json));
  return SchemaFromJson(JsonConverterConfig{}, j, "");
}

}  // namespace sluice::connect
