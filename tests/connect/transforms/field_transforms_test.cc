// Tests for ValueToKey, ExtractField, HoistField, InsertField, ReplaceField and MaskField.
#include <gtest/gtest.h>

#include "connect/transforms/transforms.h"
#include "test_util.h"

namespace sluice::connect::transforms {
namespace {

SchemaPtr OrderSchema() {
  return SchemaBuilder::Struct()
      .Name("shop.Order")
      .Version(2)
      .Field("id", Schema::Int64())
      .Field("name", Schema::OptionalString())
      .Field("qty", SchemaBuilder::Int32().Optional().DefaultValue(Value(int32_t{1})).Build())
      .Build();
}

Struct Order(const SchemaPtr& schema, int64_t id, const char* name) {
  Struct s(schema);
  EXPECT_TRUE(s.Put("id", Value(id)).ok());
  EXPECT_TRUE(s.Put("name", name == nullptr ? Value() : Value(name)).ok());
  return s;
}

// ---- ValueToKey ----

TEST(ValueToKeyTest, Schemaless) {
  auto t = Configured(NewValueToKey(), {{"fields", "a, b"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_EQ(r.key, M({{"a", int32_t{1}}, {"b", "x"}}));
  EXPECT_EQ(r.value, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}}));  // value untouched
}

TEST(ValueToKeyTest, WithSchemaBuildsKeySchemaOnceAndUsesDefaults) {
  auto t = Configured(NewValueToKey(), {{"fields", "id,qty"}});
  SchemaPtr schema = OrderSchema();
  ConnectRecord r = ValueRecord(schema, Value(Order(schema, 7, "pen")));
  ASSERT_TRUE(*t->Apply(r));
  ASSERT_NE(r.key_schema, nullptr);
  ASSERT_EQ(r.key_schema->fields().size(), 2u);
  EXPECT_EQ(r.key_schema->fields()[0].name, "id");
  EXPECT_EQ(*r.key_schema->fields()[1].schema, *schema->field("qty")->schema);
  const Struct& key = r.key.get<Struct>();
  EXPECT_EQ(*key.Get("id"), Value(int64_t{7}));
  EXPECT_EQ(*key.Get("qty"), Value(int32_t{1}));  // the field default, as Struct.get gives it
  SchemaPtr first = r.key_schema;
  ConnectRecord r2 = ValueRecord(schema, Value(Order(schema, 8, nullptr)));
  ASSERT_TRUE(*t->Apply(r2));
  EXPECT_EQ(r2.key_schema, first);  // cached
  // An equal schema built separately reuses the cached translation too.
  SchemaPtr equal = OrderSchema();
  ConnectRecord r3 = ValueRecord(equal, Value(Order(equal, 9, nullptr)));
  ASSERT_TRUE(*t->Apply(r3));
  EXPECT_EQ(r3.key_schema, first);
}

TEST(ValueToKeyTest, Errors) {
  auto t = Configured(NewValueToKey(), {{"fields", "nope"}});
  SchemaPtr schema = OrderSchema();
  ConnectRecord r = ValueRecord(schema, Value(Order(schema, 1, "x")));
  EXPECT_EQ(ApplyError(*t, r), "Field does not exist: nope");
  ConnectRecord s = ValueRecord(nullptr, Value("text"));
  EXPECT_EQ(ApplyError(*t, s),
            "Only Map objects supported in absence of schema for [copying fields from value to key], found: "
            "java.lang.String");
  auto u = NewValueToKey();
  EXPECT_EQ(ConfigureError(*u, {{"fields", ""}}), "Invalid value [] for configuration fields: Empty list");
  EXPECT_EQ(ConfigureError(*u, {}), "Missing required configuration \"fields\" which has no default value.");
}

// ---- ExtractField ----

TEST(ExtractFieldTest, SchemalessValue) {
  auto t = Configured(NewExtractField(Side::kValue), {{"field", "magic"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"magic", int32_t{42}}, {"other", "x"}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, Value(int32_t{42}));
  ConnectRecord missing = ValueRecord(nullptr, M({{"other", "x"}}));
  ASSERT_TRUE(*t->Apply(missing));
  EXPECT_TRUE(missing.value.is_null());
  ConnectRecord tombstone = ValueRecord(nullptr, Value());
  ASSERT_TRUE(*t->Apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
  ConnectRecord bad = ValueRecord(nullptr, Value(int32_t{1}));
  EXPECT_EQ(
      ApplyError(*t, bad),
      "Only Map objects supported in absence of schema for [field extraction], found: java.lang.Integer");
}

TEST(ExtractFieldTest, WithSchemaKey) {
  auto t = Configured(NewExtractField(Side::kKey), {{"field", "id"}});
  SchemaPtr schema = OrderSchema();
  ConnectRecord r = KeyRecord(schema, Value(Order(schema, 5, "a")));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(*r.key_schema, *Schema::Int64());
  EXPECT_EQ(r.key, Value(int64_t{5}));
  EXPECT_EQ(r.value, Value("v"));  // value side untouched

  ConnectRecord null_key = KeyRecord(schema, Value());
  ASSERT_TRUE(*t->Apply(null_key));
  EXPECT_EQ(*null_key.key_schema, *Schema::Int64());
  EXPECT_TRUE(null_key.key.is_null());

  auto q = Configured(NewExtractField(Side::kKey), {{"field", "qty"}});
  ConnectRecord with_default = KeyRecord(schema, Value(Order(schema, 5, "a")));
  ASSERT_TRUE(*q->Apply(with_default));
  EXPECT_EQ(with_default.key, Value(int32_t{1}));

  auto u = Configured(NewExtractField(Side::kKey), {{"field", "nope"}});
  ConnectRecord unknown = KeyRecord(schema, Value(Order(schema, 5, "a")));
  EXPECT_EQ(ApplyError(*u, unknown), "Unknown field: nope");
  EXPECT_EQ(ConfigureError(*u, {}), "Missing required configuration \"field\" which has no default value.");
}

// ---- HoistField ----

TEST(HoistFieldTest, SchemalessAndWithSchema) {
  auto t = Configured(NewHoistField(Side::kValue), {{"field", "line"}});
  ConnectRecord r = ValueRecord(nullptr, Value(int32_t{42}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"line", int32_t{42}}}));

  ConnectRecord s = ValueRecord(Schema::Int32(), Value(int32_t{42}));
  ASSERT_TRUE(*t->Apply(s));
  ASSERT_EQ(s.value_schema->type(), SchemaType::kStruct);
  ASSERT_EQ(s.value_schema->fields().size(), 1u);
  EXPECT_EQ(s.value_schema->fields()[0].schema, Schema::Int32());
  EXPECT_EQ(*s.value.get<Struct>().Get("line"), Value(int32_t{42}));

  ConnectRecord null_required = ValueRecord(Schema::Int32(), Value());
  EXPECT_FALSE(t->Apply(null_required).ok());
}

// ---- InsertField ----

TEST(InsertFieldTest, Schemaless) {
  auto t = Configured(NewInsertField(Side::kValue), {{"topic.field", "topic"},
                                                     {"partition.field", "part"},
                                                     {"timestamp.field", "ts"},
                                                     {"static.field", "instance_id"},
                                                     {"static.value", "my-instance"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", int32_t{1}}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"a", int32_t{1}},
                        {"topic", "orders"},
                        {"part", int32_t{3}},
                        {"ts", int64_t{1700000000123}},
                        {"instance_id", "my-instance"}}));
  ConnectRecord tombstone = ValueRecord(nullptr, Value());
  ASSERT_TRUE(*t->Apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
  ConnectRecord no_partition = ValueRecord(nullptr, M({}));
  no_partition.kafka_partition.reset();
  ASSERT_TRUE(*t->Apply(no_partition));
  EXPECT_EQ(MapGet(no_partition.value, "part"), nullptr);
}

TEST(InsertFieldTest, WithSchemaAndSuffixes) {
  auto t = Configured(NewInsertField(Side::kValue),
                      {{"topic.field", "topic!"}, {"partition.field", "part?"}, {"timestamp.field", "ts"}});
  SchemaPtr schema = OrderSchema();
  ConnectRecord r = ValueRecord(schema, Value(Order(schema, 1, "x")));
  ASSERT_TRUE(*t->Apply(r));
  const Schema& out = *r.value_schema;
  EXPECT_EQ(*out.name(), "shop.Order");
  EXPECT_EQ(*out.version(), 2);
  ASSERT_EQ(out.fields().size(), 6u);
  EXPECT_EQ(*out.field("topic")->schema, *Schema::String());
  EXPECT_EQ(*out.field("part")->schema, *Schema::OptionalInt32());
  EXPECT_EQ(out.field("ts")->schema->name(), kTimestampLogicalName);
  EXPECT_TRUE(out.field("ts")->schema->optional());
  const Struct& v = r.value.get<Struct>();
  EXPECT_EQ(*v.Get("id"), Value(int64_t{1}));
  EXPECT_EQ(*v.Get("topic"), Value("orders"));
  EXPECT_EQ(*v.Get("part"), Value(int32_t{3}));
  EXPECT_EQ(*v.Get("ts"), Value(int64_t{1700000000123}));
  EXPECT_TRUE(v.Validate().ok());
}

TEST(InsertFieldTest, OffsetNeedsSinkRecord) {
  auto t = Configured(NewInsertField(Side::kValue), {{"offset.field", "off"}});
  ConnectRecord source = ValueRecord(nullptr, M({}));
  EXPECT_EQ(ApplyError(*t, source),
            "Only SinkRecord supported for [field insertion], found: a source record");
  SinkRecord sink;
  sink.topic = "t";
  sink.value = M({});
  sink.kafka_offset = 99;
  auto* sink_aware = dynamic_cast<SinkAwareTransformation*>(t.get());
  ASSERT_NE(sink_aware, nullptr);
  ASSERT_TRUE(*sink_aware->ApplyToSink(sink));
  EXPECT_EQ(sink.value, M({{"off", int64_t{99}}}));
}

// ---- ReplaceField ----

TEST(ReplaceFieldTest, SchemalessExcludeAndRename) {
  auto t = Configured(NewReplaceField(Side::kValue), {{"exclude", "c"}, {"renames", "a:alpha,b:beta"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}, {"d", 1.5}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"alpha", int32_t{1}}, {"beta", "x"}, {"d", 1.5}}));
  ConnectRecord tombstone = ValueRecord(nullptr, Value());
  ASSERT_TRUE(*t->Apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
}

TEST(ReplaceFieldTest, IncludeAndDeprecatedNames) {
  auto t = Configured(NewReplaceField(Side::kValue), {{"include", "a,c"}, {"exclude", "c"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"a", int32_t{1}}}));  // exclude wins over include

  auto w = Configured(NewReplaceField(Side::kValue), {{"whitelist", "b"}, {"blacklist", "a"}});
  ConnectRecord r2 = ValueRecord(nullptr, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}}));
  ASSERT_TRUE(*w->Apply(r2));
  EXPECT_EQ(r2.value, M({{"b", "x"}}));

  auto both = Configured(NewReplaceField(Side::kValue), {{"include", "c"}, {"whitelist", "b"}});
  ConnectRecord r3 = ValueRecord(nullptr, M({{"a", int32_t{1}}, {"b", "x"}, {"c", true}}));
  ASSERT_TRUE(*both->Apply(r3));
  EXPECT_EQ(r3.value, M({{"c", true}}));  // the new name wins
}

TEST(ReplaceFieldTest, WithSchema) {
  auto t = Configured(NewReplaceField(Side::kKey), {{"exclude", "name"}, {"renames", "id:order_id"}});
  SchemaPtr schema = OrderSchema();
  ConnectRecord r = KeyRecord(schema, Value(Order(schema, 4, "x")));
  ASSERT_TRUE(*t->Apply(r));
  ASSERT_EQ(r.key_schema->fields().size(), 2u);
  EXPECT_EQ(r.key_schema->fields()[0].name, "order_id");
  EXPECT_EQ(r.key_schema->fields()[1].name, "qty");
  EXPECT_EQ(*r.key_schema->name(), "shop.Order");
  EXPECT_EQ(*r.key.get<Struct>().Get("order_id"), Value(int64_t{4}));
  EXPECT_EQ(*r.key.get<Struct>().Get("qty"), Value(int32_t{1}));
}

TEST(ReplaceFieldTest, BadRenames) {
  auto t = NewReplaceField(Side::kValue);
  EXPECT_EQ(ConfigureError(*t, {{"renames", "a:b,c"}}),
            "Invalid value [a:b, c] for configuration renames: Invalid rename mapping: c");
  EXPECT_EQ(ConfigureError(*t, {{"renames", "a:b:c"}}),
            "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c");
}

// ---- MaskField ----

TEST(MaskFieldTest, SchemalessNullEquivalents) {
  auto t = Configured(NewMaskField(Side::kValue), {{"fields", "i,s,b,d,l,m,n,absent"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"i", int32_t{5}},
                                            {"s", "secret"},
                                            {"b", true},
                                            {"d", 2.5},
                                            {"l", Value(Array{Value(int32_t{1})})},
                                            {"m", M({{"k", "v"}})},
                                            {"n", Value()},
                                            {"keep", "x"}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"i", int32_t{0}},
                        {"s", ""},
                        {"b", false},
                        {"d", 0.0},
                        {"l", Value(Array{})},
                        {"m", Value(Map{})},
                        {"n", Value()},
                        {"keep", "x"},
                        {"absent", Value()}}));
  ConnectRecord bytes = ValueRecord(nullptr, M({{"i", Value(Bytes{1, 2})}}));
  EXPECT_EQ(ApplyError(*t, bytes), "Cannot mask value of type: class [B");
}

TEST(MaskFieldTest, Replacement) {
  auto t = Configured(NewMaskField(Side::kValue), {{"fields", "s,i,f"}, {"replacement", "123"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"s", "secret"}, {"i", int64_t{5}}, {"f", 1.0f}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"s", "123"}, {"i", int64_t{123}}, {"f", 123.0f}}));

  auto stars = Configured(NewMaskField(Side::kValue), {{"fields", "i,b"}, {"replacement", "****"}});
  ConnectRecord bad = ValueRecord(nullptr, M({{"i", int32_t{5}}}));
  EXPECT_EQ(ApplyError(*stars, bad), "Unable to convert **** (class java.lang.String) to number");
  ConnectRecord boolean = ValueRecord(nullptr, M({{"b", true}}));
  EXPECT_EQ(ApplyError(*stars, boolean),
            "Cannot mask value of type class java.lang.Boolean with custom replacement.");
  auto empty = NewMaskField(Side::kValue);
  EXPECT_EQ(ConfigureError(*empty, {{"fields", "a"}, {"replacement", ""}}),
            "Invalid value  for configuration replacement: String must be non-empty");
}

TEST(MaskFieldTest, WithSchemaKeepsSchema) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("ssn", Schema::String())
                         .Field("amount", DecimalSchema(2))
                         .Field("age", Schema::OptionalInt16())
                         .Field("ok", Schema::Boolean())
                         .Build();
  Struct s(schema);
  ASSERT_TRUE(s.Put("ssn", Value("123-45")).ok());
  ASSERT_TRUE(s.Put("amount", Value(EncodeDecimalUnscaled(1234))).ok());
  ASSERT_TRUE(s.Put("ok", Value(true)).ok());
  auto t = Configured(NewMaskField(Side::kValue), {{"fields", "ssn,amount,age"}});
  ConnectRecord r = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value_schema, schema);
  const Struct& out = r.value.get<Struct>();
  EXPECT_EQ(*out.Get("ssn"), Value(""));
  EXPECT_EQ(*out.Get("amount"), Value(EncodeDecimalUnscaled(0)));
  EXPECT_TRUE(out.Get("age")->is_null());
  EXPECT_EQ(*out.Get("ok"), Value(true));

  auto rep = Configured(NewMaskField(Side::kValue), {{"fields", "amount"}, {"replacement", "9.5"}});
  ConnectRecord r2 = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*rep->Apply(r2));
  EXPECT_EQ(*r2.value.get<Struct>().Get("amount"), Value(EncodeDecimalUnscaled(950)));
  ConnectRecord tombstone = ValueRecord(schema, Value());
  EXPECT_EQ(ApplyError(*t, tombstone), "Only Struct objects supported for [mask fields], found: null");
}

}  // namespace
}  // namespace sluice::connect::transforms
