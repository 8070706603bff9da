// Helpers for the transformation tests: configured instances, schemaless maps and records.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "connect/api/record.h"
#include "connect/api/transformation.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {

// Configures `t` with `props`; fails the test if that fails.
template <typename T>
std::unique_ptr<T> Configured(std::unique_ptr<T> t, const ConfigMap& props) {
  Status st = t->Configure(props);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return t;
}

// A schemaless MAP value with string keys, in the given order.
inline Value M(std::initializer_list<std::pair<std::string, Value>> entries) {
  Map m;
  for (const auto& [k, v] : entries) m.push_back(MapEntry{Value(k), v});
  return Value(std::move(m));
}

inline ConnectRecord ValueRecord(SchemaPtr schema, Value value, std::string topic = "orders") {
  ConnectRecord r;
  r.topic = std::move(topic);
  r.kafka_partition = 3;
  r.timestamp = 1700000000123;
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

inline ConnectRecord KeyRecord(SchemaPtr schema, Value key) {
  ConnectRecord r = ValueRecord(nullptr, Value("v"));
  r.key_schema = std::move(schema);
  r.key = std::move(key);
  return r;
}

// The message of a failed Configure / Apply.
inline std::string ConfigureError(Transformation& t, const ConfigMap& props) {
  Status st = t.Configure(props);
  return st.ok() ? "OK" : st.message();
}
inline std::string ApplyError(Transformation& t, ConnectRecord& r) {
  Result<bool> res = t.Apply(r);
  return res.ok() ? "OK" : res.status().message();
}

}  // namespace sluice::connect::transforms
