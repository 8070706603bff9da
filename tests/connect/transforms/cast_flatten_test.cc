// Tests for Cast and Flatten.
#include <gtest/gtest.h>

#include "connect/transforms/transforms.h"
#include "test_util.h"

namespace sluice::connect::transforms {
namespace {

Value CastWhole(const std::string& spec, Value v) {
  auto t = Configured(NewCast(Side::kValue), {{"spec", spec}});
  ConnectRecord r = ValueRecord(nullptr, std::move(v));
  Result<bool> res = t->Apply(r);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  return r.value;
}

std::string CastWholeError(const std::string& spec, Value v) {
  auto t = Configured(NewCast(Side::kValue), {{"spec", spec}});
  ConnectRecord r = ValueRecord(nullptr, std::move(v));
  return ApplyError(*t, r);
}

TEST(CastTest, SchemalessWholeValueJavaConversions) {
  EXPECT_EQ(CastWhole("int32", Value(int64_t{42})), Value(int32_t{42}));
  EXPECT_EQ(CastWhole("int8", Value(int32_t{300})), Value(int8_t{44}));  // wraps like Number.byteValue
  EXPECT_EQ(CastWhole("int32", Value(1.9)), Value(int32_t{1}));
  EXPECT_EQ(CastWhole("int32", Value(1e20)), Value(int32_t{2147483647}));  // saturates like (int) d
  EXPECT_EQ(CastWhole("int64", Value(true)), Value(int64_t{1}));
  EXPECT_EQ(CastWhole("int16", Value("-12")), Value(int16_t{-12}));
  EXPECT_EQ(CastWhole("float32", Value(int32_t{3})), Value(3.0f));
  EXPECT_EQ(CastWhole("float64", Value("2.5")), Value(2.5));
  EXPECT_EQ(CastWhole("boolean", Value(int32_t{0})), Value(false));
  EXPECT_EQ(CastWhole("boolean", Value(0.5)), Value(false));  // longValue() != 0
  EXPECT_EQ(CastWhole("boolean", Value("TRUE")), Value(true));
  EXPECT_EQ(CastWhole("boolean", Value("yes")), Value(false));
  EXPECT_EQ(CastWhole("string", Value(1.5)), Value("1.5"));
  EXPECT_EQ(CastWhole("string", Value(1e10)), Value("1.0E10"));
  EXPECT_EQ(CastWhole("string", Value(0.1f)), Value("0.1"));
  EXPECT_EQ(CastWhole("STRING", Value(int8_t{-3})), Value("-3"));
  EXPECT_EQ(CastWhole("string", Value(Bytes{'h', 'i'})), Value("aGk="));
  EXPECT_TRUE(CastWhole("int32", Value()).is_null());
  EXPECT_EQ(CastWholeError("int8", Value("300")), "Value (300) was out of range for requested data type");
  EXPECT_EQ(CastWholeError("int32", Value("1.5")), "Value (1.5) was out of range for requested data type");
  EXPECT_EQ(CastWholeError("int32", Value(Bytes{1})), "Unexpected type in Cast transformation: class [B");
  EXPECT_EQ(CastWholeError("string", M({})),
            "Cast transformation does not support casting from MAP; supported types are [INT8, INT16, INT32, "
            "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
}

TEST(CastTest, SchemalessFields) {
  auto t = Configured(NewCast(Side::kValue), {{"spec", "a:int16,b:string,absent:int32"}});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", int64_t{7}}, {"b", true}, {"c", "x"}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"a", int16_t{7}}, {"b", "true"}, {"c", "x"}, {"absent", Value()}}));
}

TEST(CastTest, WithSchemaFields) {
  SchemaPtr schema =
      SchemaBuilder::Struct()
          .Name("rec")
          .Field("a", Schema::Int8())
          .Field("b", SchemaBuilder::Int32().Optional().DefaultValue(Value(int32_t{12})).Build())
          .Field("c", Schema::String())
          .Field("d", Schema::Float64())
          .Field("e", Schema::OptionalBoolean())
          .Build();
  Struct s(schema);
  ASSERT_TRUE(s.Put("a", Value(int8_t{8})).ok());
  ASSERT_TRUE(s.Put("c", Value("42")).ok());
  ASSERT_TRUE(s.Put("d", Value(-2.75)).ok());
  auto t = Configured(NewCast(Side::kValue), {{"spec", "a:int64, b:string, c:int32, d:int16, e:string"}});
  ConnectRecord r = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*t->Apply(r));
  const Schema& out = *r.value_schema;
  EXPECT_EQ(*out.name(), "rec");
  EXPECT_EQ(out.field("a")->schema->type(), SchemaType::kInt64);
  EXPECT_FALSE(out.field("a")->schema->optional());
  EXPECT_EQ(out.field("b")->schema->type(), SchemaType::kString);
  EXPECT_TRUE(out.field("b")->schema->optional());
  ASSERT_NE(out.field("b")->schema->default_value(), nullptr);
  EXPECT_EQ(*out.field("b")->schema->default_value(), Value("12"));
  EXPECT_EQ(out.field("c")->schema->type(), SchemaType::kInt32);
  EXPECT_EQ(out.field("d")->schema->type(), SchemaType::kInt16);
  const Struct& v = r.value.get<Struct>();
  EXPECT_EQ(*v.Get("a"), Value(int64_t{8}));
  EXPECT_EQ(*v.Get("b"), Value("12"));  // null read as the field default, then cast
  EXPECT_EQ(*v.Get("c"), Value(int32_t{42}));
  EXPECT_EQ(*v.Get("d"), Value(int16_t{-2}));
  EXPECT_TRUE(v.Get("e")->is_null());
  EXPECT_TRUE(v.Validate().ok());
  SchemaPtr first = r.value_schema;
  ConnectRecord again = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*t->Apply(again));
  EXPECT_EQ(again.value_schema, first);
}

TEST(CastTest, WithSchemaWholeValueAndLogicalTypes) {
  auto t = Configured(NewCast(Side::kKey), {{"spec", "string"}});
  ConnectRecord r = KeyRecord(SchemaBuilder::Int64().Optional().Build(), Value(int64_t{9}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(*r.key_schema, *Schema::OptionalString());
  EXPECT_EQ(r.key, Value("9"));

  ConnectRecord ts = KeyRecord(TimestampSchema(), Value(int64_t{86'400'001}));
  ASSERT_TRUE(*t->Apply(ts));
  EXPECT_EQ(ts.key, Value("1970-01-02T00:00:00.001Z"));
  EXPECT_FALSE(ts.key_schema->name().has_value());
  ConnectRecord date = KeyRecord(DateSchema(), Value(int32_t{1}));
  ASSERT_TRUE(*t->Apply(date));
  EXPECT_EQ(date.key, Value("1970-01-02"));
  ConnectRecord dec = KeyRecord(DecimalSchema(3), Value(EncodeDecimalUnscaled(-12345)));
  ASSERT_TRUE(*t->Apply(dec));
  EXPECT_EQ(dec.key, Value("-12.345"));

  auto f = Configured(NewCast(Side::kKey), {{"spec", "float64"}});
  ConnectRecord dec2 = KeyRecord(DecimalSchema(2), Value(EncodeDecimalUnscaled(150)));
  ASSERT_TRUE(*f->Apply(dec2));
  EXPECT_EQ(dec2.key, Value(1.5));

  SchemaPtr st = SchemaBuilder::Struct().Field("a", Schema::Int32()).Build();
  Struct s(st);
  ASSERT_TRUE(s.Put("a", Value(int32_t{1})).ok());
  ConnectRecord whole_struct = KeyRecord(st, Value(s));
  EXPECT_EQ(
      ApplyError(*t, whole_struct),
      "Cast transformation does not support casting from STRUCT; supported types are [INT8, INT16, INT32, "
      "INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
}

TEST(CastTest, SpecErrors) {
  auto t = NewCast(Side::kValue);
  EXPECT_EQ(ConfigureError(*t, {{"spec", "a:bytes"}}),
            "Invalid value [a:bytes] for configuration spec: Cast transformation does not support casting to "
            "BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]");
  EXPECT_EQ(ConfigureError(*t, {{"spec", "a:foo"}}),
            "Invalid value [a:foo] for configuration spec: Invalid type found in casting spec: foo");
  EXPECT_NE(ConfigureError(*t, {{"spec", "int32,a:int8"}}).find("may ony specify a single cast"),
            std::string::npos);
  EXPECT_EQ(ConfigureError(*t, {{"spec", ""}}),
            "Invalid value [] for configuration spec: Must specify at least one field to cast.");
  EXPECT_EQ(ConfigureError(*t, {{"spec", "a:b:c"}}),
            "Invalid value [a:b:c] for configuration spec: Invalid cast mapping: a:b:c");
}

// ---- Flatten ----

TEST(FlattenTest, Schemaless) {
  auto t = Configured(NewFlatten(Side::kValue), {});
  ConnectRecord r = ValueRecord(nullptr, M({{"a", M({{"b", int32_t{1}}, {"c", M({{"d", "x"}})}})},
                                            {"e", Value(Array{Value(int32_t{1}), Value(int32_t{2})})},
                                            {"f", Value()},
                                            {"g", true}}));
  ASSERT_TRUE(*t->Apply(r));
  EXPECT_EQ(r.value, M({{"a.b", int32_t{1}},
                        {"a.c.d", "x"},
                        {"e", Value(Array{Value(int32_t{1}), Value(int32_t{2})})},
                        {"f", Value()},
                        {"g", true}}));
  auto u = Configured(NewFlatten(Side::kValue), {{"delimiter", "_"}});
  ConnectRecord r2 = ValueRecord(nullptr, M({{"a", M({{"b", int32_t{1}}})}}));
  ASSERT_TRUE(*u->Apply(r2));
  EXPECT_EQ(r2.value, M({{"a_b", int32_t{1}}}));
  ConnectRecord tombstone = ValueRecord(nullptr, Value());
  ASSERT_TRUE(*u->Apply(tombstone));
  EXPECT_TRUE(tombstone.value.is_null());
}

TEST(FlattenTest, WithSchemaOptionalityAndDefaults) {
  SchemaPtr inner = SchemaBuilder::Struct()
                        .Field("street", Schema::String())
                        .Field("zip", SchemaBuilder::Int32().DefaultValue(Value(int32_t{1000})).Build())
                        .Optional()
                        .Build();
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Name("person")
                         .Field("name", Schema::String())
                         .Field("address", inner)
                         .Field("tags", SchemaBuilder::Array(Schema::String()).Build())
                         .Build();
  Struct addr(inner);
  ASSERT_TRUE(addr.Put("street", Value("Main")).ok());
  ASSERT_TRUE(addr.Put("zip", Value(int32_t{12345})).ok());
  Struct s(schema);
  ASSERT_TRUE(s.Put("name", Value("ann")).ok());
  ASSERT_TRUE(s.Put("address", Value(addr)).ok());
  ASSERT_TRUE(s.Put("tags", Value(Array{Value("a")})).ok());
  auto t = Configured(NewFlatten(Side::kValue), {});
  ConnectRecord r = ValueRecord(schema, Value(s));
  ASSERT_TRUE(*t->Apply(r));
  const Schema& out = *r.value_schema;
  EXPECT_EQ(*out.name(), "person");
  ASSERT_EQ(out.fields().size(), 4u);
  EXPECT_EQ(out.fields()[1].name, "address.street");
  EXPECT_TRUE(out.field("address.street")->schema->optional());  // the parent struct is optional
  EXPECT_FALSE(out.field("name")->schema->optional());
  ASSERT_NE(out.field("address.zip")->schema->default_value(), nullptr);
  EXPECT_EQ(*out.field("address.zip")->schema->default_value(), Value(int32_t{1000}));
  EXPECT_EQ(out.field("tags")->schema->type(), SchemaType::kArray);
  const Struct& v = r.value.get<Struct>();
  EXPECT_EQ(*v.Get("address.street"), Value("Main"));
  EXPECT_EQ(*v.Get("address.zip"), Value(int32_t{12345}));
  EXPECT_EQ(*v.Get("tags"), Value(Array{Value("a")}));

  Struct no_addr(schema);
  ASSERT_TRUE(no_addr.Put("name", Value("bob")).ok());
  ASSERT_TRUE(no_addr.Put("tags", Value(Array{})).ok());
  ConnectRecord r2 = ValueRecord(schema, Value(no_addr));
  ASSERT_TRUE(*t->Apply(r2));
  EXPECT_EQ(r2.value_schema, r.value_schema);  // cached
  EXPECT_TRUE(r2.value.get<Struct>().Get("address.street")->is_null());
}

TEST(FlattenTest, MapWithSchemaIsRejected) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("m", SchemaBuilder::Map(Schema::String(), Schema::Int32()).Build())
                         .Build();
  Struct s(schema);
  ASSERT_TRUE(s.Put("m", Value(Map{})).ok());
  auto t = Configured(NewFlatten(Side::kValue), {});
  ConnectRecord r = ValueRecord(schema, Value(s));
  EXPECT_EQ(ApplyError(*t, r),
            "Flatten transformation does not support MAP for record with schemas (for field m).");
}

}  // namespace
}  // namespace sluice::connect::transforms
