// Tests of the __consumer_offsets record codec and the group -> partition mapping.
#include <gtest/gtest.h>

#include "broker/group/group_records.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::group {
namespace {

TEST(GroupRecordsTest, JavaHashCodeMatchesJava) {
  EXPECT_EQ(JavaStringHashCode(""), 0);
  EXPECT_EQ(JavaStringHashCode("a"), 97);
  EXPECT_EQ(JavaStringHashCode("abc"), 96354);
  EXPECT_EQ(JavaStringHashCode("\xC3\xA9"), 233);              // U+00E9: one UTF-16 unit
  EXPECT_EQ(JavaStringHashCode("\xF0\x9F\x98\x80"), 1772899);  // U+1F600: surrogate pair D83D DE00
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE in Java; Utils.abs maps it to 0.
  EXPECT_EQ(JavaStringHashCode("polygenelubricants"), INT32_MIN);
  EXPECT_EQ(PartitionForGroup("polygenelubricants", 50), 0);
}

TEST(GroupRecordsTest, PartitionForGroupMatchesKafka) {
  // kafka-cp my-group -> 12 with 50 partitions (Java: abs("my-group".hashCode()) % 50).
  EXPECT_EQ(PartitionForGroup("my-group", 50), 12);
  for (const char* g : {"a", "connect-cluster", "console-consumer-1234", "x\xC3\xA9y"}) {
    const int32_t p = PartitionForGroup(g, 50);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 50);
  }
}

TEST(GroupRecordsTest, OffsetKeyAndValueLayout) {
  std::vector<uint8_t> key = EncodeOffsetKey("g", "t", 7);
  const std::vector<uint8_t> want_key = {0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 7};
  EXPECT_EQ(key, want_key);
  Result<GroupRecordKey> k = DecodeGroupRecordKey(key);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->kind, GroupRecordKey::Kind::kOffset);
  EXPECT_EQ(k->group, "g");
  EXPECT_EQ(k->topic, "t");
  EXPECT_EQ(k->partition, 7);

  OffsetRecordValue v{42, 3, "md", 1700000000000, -1};
  std::vector<uint8_t> bytes = EncodeOffsetValue(v);
  ASSERT_EQ(bytes.size(), 2u + 8 + 4 + 2 + 2 + 8);
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[1], 3);
  Result<OffsetRecordValue> back = DecodeOffsetValue(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
}

TEST(GroupRecordsTest, DecodesOlderOffsetValueVersions) {
  // v1: offset, metadata, commit timestamp, expire timestamp.
  std::vector<uint8_t> v1;
  kafka::Writer w(&v1);
  w.WriteInt16(1);
  w.WriteInt64(99);
  w.WriteString(false, "m");
  w.WriteInt64(1000);
  w.WriteInt64(2000);
  Result<OffsetRecordValue> r = DecodeOffsetValue(v1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->offset, 99);
  EXPECT_EQ(r->leader_epoch, -1);
  EXPECT_EQ(r->metadata, "m");
  EXPECT_EQ(r->commit_timestamp, 1000);
  EXPECT_EQ(r->expire_timestamp, 2000);
  v1.pop_back();
  EXPECT_FALSE(DecodeOffsetValue(v1).ok());
}

TEST(GroupRecordsTest, GroupMetadataRoundTripAndKey) {
  std::vector<uint8_t> key = EncodeGroupMetadataKey("grp");
  const std::vector<uint8_t> want_key = {0, 2, 0, 3, 'g', 'r', 'p'};
  EXPECT_EQ(key, want_key);
  Result<GroupRecordKey> k = DecodeGroupRecordKey(key);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->kind, GroupRecordKey::Kind::kGroupMetadata);
  EXPECT_EQ(k->group, "grp");

  GroupMetadataRecordValue v;
  v.protocol_type = "consumer";
  v.generation = 5;
  v.protocol = "range";
  v.leader = "c-1";
  v.current_state_timestamp = 123;
  GroupMetadataRecordMember m;
  m.member_id = "c-1";
  m.group_instance_id = "i-1";
  m.client_id = "c";
  m.client_host = "/10.0.0.1";
  m.rebalance_timeout_ms = 300000;
  m.session_timeout_ms = 45000;
  m.subscription = {1, 2, 3};
  m.assignment = {4, 5};
  v.members.push_back(m);
  Result<GroupMetadataRecordValue> back = DecodeGroupMetadataValue(EncodeGroupMetadataValue(v));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, v);
}

TEST(GroupRecordsTest, DecodesGroupMetadataV0AndFlexibleV4) {
  std::vector<uint8_t> v0;
  kafka::Writer w(&v0);
  w.WriteInt16(0);
  w.WriteString(false, "consumer");
  w.WriteInt32(2);
  w.WriteNullableString(false, std::nullopt);
  w.WriteNullableString(false, std::nullopt);
  w.WriteArrayLength(false, 0);
  Result<GroupMetadataRecordValue> r0 = DecodeGroupMetadataValue(v0);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->generation, 2);
  EXPECT_FALSE(r0->protocol.has_value());
  EXPECT_TRUE(r0->members.empty());

  std::vector<uint8_t> v4;
  kafka::Writer f(&v4);
  f.WriteInt16(4);
  f.WriteString(true, "connect");
  f.WriteInt32(9);
  f.WriteNullableString(true, std::string("sessioned"));
  f.WriteNullableString(true, std::string("m1"));
  f.WriteInt64(77);
  f.WriteArrayLength(true, 1);
  f.WriteString(true, "m1");
  f.WriteNullableString(true, std::nullopt);
  f.WriteString(true, "cid");
  f.WriteString(true, "host");
  f.WriteInt32(1000);
  f.WriteInt32(2000);
  const std::vector<uint8_t> sub = {9};
  f.WriteBytes(true, sub);
  f.WriteBytes(true, sub);
  f.WriteUnsignedVarint(0);  // member tagged fields
  f.WriteUnsignedVarint(1);  // one unknown top-level tagged field
  f.WriteUnsignedVarint(5);
  f.WriteUnsignedVarint(2);
  f.WriteInt16(0);
  Result<GroupMetadataRecordValue> r4 = DecodeGroupMetadataValue(v4);
  ASSERT_TRUE(r4.ok()) << r4.status().ToString();
  EXPECT_EQ(r4->protocol_type, "connect");
  EXPECT_EQ(r4->generation, 9);
  ASSERT_EQ(r4->members.size(), 1u);
  EXPECT_EQ(r4->members[0].client_host, "host");
  EXPECT_EQ(r4->members[0].session_timeout_ms, 2000);
}

TEST(GroupRecordsTest, NewerKeyVersionsAreOtherAndGarbageIsCorruption) {
  const std::vector<uint8_t> newer = {0, 3, 0, 1, 'g'};
  Result<GroupRecordKey> k = DecodeGroupRecordKey(newer);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->kind, GroupRecordKey::Kind::kOther);
  const std::vector<uint8_t> bad = {0, 1, 0, 9, 'g'};
  EXPECT_FALSE(DecodeGroupRecordKey(bad).ok());
}

}  // namespace
}  // namespace sluice::broker::group
