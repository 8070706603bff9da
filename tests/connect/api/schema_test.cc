// Tests for Schema, SchemaBuilder, Value/Struct validation and Decimal encoding.
#include <gtest/gtest.h>

#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect {
namespace {

TEST(SchemaTest, BuilderMakesStruct) {
  SchemaPtr s = SchemaBuilder::Struct().Name("x").Version(3).Doc("d").Field("id", Schema::Int64()).Build();
  EXPECT_EQ(s->type(), SchemaType::kStruct);
  EXPECT_EQ(*s->name(), "x");
  EXPECT_EQ(*s->version(), 3);
  ASSERT_EQ(s->fields().size(), 1u);
  EXPECT_EQ(s->field("id")->index, 0);
  EXPECT_EQ(s->field("nope"), nullptr);
  EXPECT_EQ(*s, *SchemaBuilder::Struct().Name("x").Version(3).Doc("d").Field("id", Schema::Int64()).Build());
  EXPECT_FALSE(*s == *SchemaBuilder::Struct().Name("y").Field("id", Schema::Int64()).Build());
}

TEST(SchemaTest, BuilderErrors) {
  auto dup = SchemaBuilder::Struct().Field("a", Schema::Int8()).Field("a", Schema::Int8()).TryBuild();
  EXPECT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplication a"), std::string::npos);
  EXPECT_FALSE(SchemaBuilder::Int32().Field("a", Schema::Int8()).TryBuild().ok());
  auto bad_default = SchemaBuilder::Int32().DefaultValue(Value("x")).TryBuild();
  EXPECT_FALSE(bad_default.ok());
  auto good_default = SchemaBuilder::Int32().DefaultValue(Value(int32_t{7})).TryBuild();
  ASSERT_TRUE(good_default.ok());
  EXPECT_EQ(*(*good_default)->default_value(), Value(int32_t{7}));
}

TEST(SchemaTest, LogicalTypes) {
  SchemaPtr d = DecimalSchema(2);
  EXPECT_EQ(d->type(), SchemaType::kBytes);
  EXPECT_EQ(*d->name(), kDecimalLogicalName);
  EXPECT_EQ(*d->parameter("scale"), "2");
  EXPECT_EQ(*DecimalScale(*d), 2);
  EXPECT_FALSE(DecimalScale(*Schema::Bytes()).ok());
  EXPECT_EQ(DateSchema()->type(), SchemaType::kInt32);
  EXPECT_EQ(TimeSchema()->type(), SchemaType::kInt32);
  EXPECT_EQ(TimestampSchema()->type(), SchemaType::kInt64);
  EXPECT_EQ(*TimestampSchema()->name(), kTimestampLogicalName);
}

TEST(SchemaTest, DecimalUnscaledEncoding) {
  EXPECT_EQ(EncodeDecimalUnscaled(12345), (Bytes{0x30, 0x39}));
  EXPECT_EQ(EncodeDecimalUnscaled(0), (Bytes{0x00}));
  EXPECT_EQ(EncodeDecimalUnscaled(-1), (Bytes{0xff}));
  EXPECT_EQ(EncodeDecimalUnscaled(128), (Bytes{0x00, 0x80}));
  EXPECT_EQ(EncodeDecimalUnscaled(-129), (Bytes{0xff, 0x7f}));
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{255}, int64_t{-256}, INT64_MAX, INT64_MIN}) {
    EXPECT_EQ(*DecodeDecimalUnscaled(EncodeDecimalUnscaled(v)), v);
  }
  EXPECT_FALSE(DecodeDecimalUnscaled(Bytes{}).ok());
  EXPECT_FALSE(DecodeDecimalUnscaled(Bytes(9, 1)).ok());
}

TEST(StructTest, PutGetValidate) {
  SchemaPtr s = SchemaBuilder::Struct()
                    .Field("id", Schema::Int32())
                    .Field("name", Schema::OptionalString())
                    .Field("tags", SchemaBuilder::Array(Schema::String()).Build())
                    .Build();
  Struct st(s);
  ASSERT_TRUE(st.Put("id", int32_t{5}).ok());
  EXPECT_EQ(*st.Get("id"), Value(int32_t{5}));
  EXPECT_TRUE(st.Get("name")->is_null());
  EXPECT_EQ(st.Get("zzz"), nullptr);
  Status wrong = st.Put("id", Value("five"));
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("\"id\""), std::string::npos) << wrong.message();
  Status unknown = st.Put("zzz", Value(int32_t{1}));
  EXPECT_EQ(unknown.message(), "zzz is not a valid field name");
  Status missing = st.Validate();
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("required field: \"tags\""), std::string::npos) << missing.message();
  Status bad_item = st.Put("tags", Array{Value("a"), Value(int32_t{1})});
  EXPECT_NE(bad_item.message().find("\"tags[1]\""), std::string::npos) << bad_item.message();
  ASSERT_TRUE(st.Put("tags", Array{Value("a")}).ok());
  EXPECT_TRUE(st.Validate().ok());
}

TEST(StructTest, NestedValidationNamesPath) {
  SchemaPtr inner = SchemaBuilder::Struct().Field("amount", DecimalSchema(2)).Build();
  SchemaPtr outer = SchemaBuilder::Struct().Field("order", inner).Build();
  Struct o(outer);
  ASSERT_FALSE(o.Put("order", Struct(inner)).ok());  // inner.amount is required
  Status st = ValidateValue(*outer, Value(o));
  EXPECT_NE(st.message().find("\"order\""), std::string::npos) << st.message();
  Struct in(inner);
  Status nested = ValidateValue(*inner, Value(in), "order");
  EXPECT_NE(nested.message().find("\"order.amount\""), std::string::npos) << nested.message();
}

}  // namespace
}  // namespace sluice::connect
