// The S3 sink end to end: a Sluice broker, a standalone Sluice worker and s3rver. The seed's
// connector (two topics, JsonFormat, flush.size=3) gives exactly the seed's object names and
// contents; the partitioners, gzip, rotation by time (idle files and the schedule) and the
// credentials order.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "broker_process.h"
#include "connect_test_util.h"
#include "s3_sink_fixture.h"

namespace sluice::testing {
namespace {

const char* kEcSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"seq"},)"
    R"({"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"sales_time"},)"
    R"({"type":"string","optional":true,"field":"sales_id"},{"type":"string","optional":true,"field":"item_id"},)"
    R"({"type":"int32","optional":true,"field":"amount"},{"type":"int32","optional":true,"field":"unit_price"}],)"
    R"("optional":false,"name":"ec_uriage"})";
const char* kPosSchema =
    R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"seq"},)"
    R"({"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"sales_time"},)"
    R"({"type":"string","optional":true,"field":"sales_id"},{"type":"string","optional":true,"field":"shop_id"},)"
    R"({"type":"string","optional":true,"field":"item_id"},{"type":"int32","optional":true,"field":"amount"},)"
    R"({"type":"int32","optional":true,"field":"unit_price"}],"optional":false,"name":"pos_uriage"})";

// {"seq":"1","sales_time":...} as the JDBC source writes it (JsonConverter envelope).
std::string Envelope(const char* schema, const std::string& payload) {
  return std::string(R"({"schema":)") + schema + R"(,"payload":)" + payload + "}";
}

std::string Ec(int seq, int64_t t, const std::string& id, const std::string& item, int amount, int price) {
  return R"({"seq":")" + std::to_string(seq) + R"(","sales_time":)" + std::to_string(t) + R"(,"sales_id":")" +
         id + R"(","item_id":")" + item + R"(","amount":)" + std::to_string(amount) + R"(,"unit_price":)" +
         std::to_string(price) + "}";
}

std::string Pos(int seq, int64_t t, const std::string& id, const std::string& item, int amount, int price) {
  return R"({"seq":")" + std::to_string(seq) + R"(","sales_time":)" + std::to_string(t) + R"(,"sales_id":")" +
         id + R"(","shop_id":"SHOP001","item_id":")" + item + R"(","amount":)" + std::to_string(amount) +
         R"(,"unit_price":)" + std::to_string(price) + "}";
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "<bad gzip>";
}

TEST_F(S3SinkTest, SeedTopicsGiveTheSeedsObjects) {
  const int64_t t = 1538737871000;
  std::vector<std::string> ec = {
      Ec(1, t, "ECSALES00001", "ITEM001", 2, 300), Ec(2, t, "ECSALES00001", "ITEM002", 1, 5900),
      Ec(3, t, "ECSALES00002", "ITEM001", 4, 298), Ec(4, t, "ECSALES00002", "ITEM003", 1, 1200),
      Ec(5, t, "ECSALES00003", "ITEM001", 1, 300), Ec(6, t, "ECSALES00003", "ITEM002", 2, 5900)};
  std::vector<std::string> pos = {
      Pos(1, t, "POSSALES00001", "ITEM001", 1, 300), Pos(2, t, "POSSALES00001", "ITEM002", 1, 5900),
      Pos(3, t, "POSSALES00002", "ITEM001", 3, 298), Pos(4, t, "POSSALES00002", "ITEM003", 2, 1200),
      Pos(5, t, "POSSALES00003", "ITEM001", 1, 300), Pos(6, t, "POSSALES00003", "ITEM002", 1, 5900)};
  std::vector<std::string> ec_env, pos_env;
  for (const auto& p : ec) ec_env.push_back(Envelope(kEcSchema, p));
  for (const auto& p : pos) pos_env.push_back(Envelope(kPosSchema, p));
  ASSERT_TRUE(Produce(broker_.bootstrap(), "ecsales_ec_uriage", ec_env));
  ASSERT_TRUE(Produce(broker_.bootstrap(), "possales_pos_uriage", pos_env));

  auto w = StartWorker();
  ASSERT_TRUE(w->Start()) << w->Output();
  // The seed's connector JSON, plus the endpoint of the local S3 (credentials come from
  // ~/.aws/credentials [default], as in the seed).
  nlohmann::json config = {{"connector.class", "io.confluent.connect.s3.S3SinkConnector"},
                           {"s3.bucket.name", "datahub-sales"},
                           {"s3.region", "ap-northeast-1"},
                           {"storage.class", "io.confluent.connect.s3.storage.S3Storage"},
                           {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
                           {"flush.size", 3},
                           {"topics", "possales_pos_uriage,ecsales_ec_uriage"},
                           {"tasks.max", "3"},
                           {"store.url", s3_.endpoint()}};
  Create(*w, "sink-sales-data", config);
  auto objs = WaitObjects("topics/", 4, *w);
  std::vector<std::string> expected_keys = {
      "topics/ecsales_ec_uriage/partition=0/ecsales_ec_uriage+0+0000000000.json",
      "topics/ecsales_ec_uriage/partition=0/ecsales_ec_uriage+0+0000000003.json",
      "topics/possales_pos_uriage/partition=0/possales_pos_uriage+0+0000000000.json",
      "topics/possales_pos_uriage/partition=0/possales_pos_uriage+0+0000000003.json"};
  ASSERT_EQ(Keys(objs), expected_keys);
  // The seed's listing of ecsales_ec_uriage+0+0000000000.json, byte for byte.
  EXPECT_EQ(objs[expected_keys[0]],
            "{\"seq\":\"1\",\"sales_time\":1538737871000,\"sales_id\":\"ECSALES00001\",\"item_id\":"
            "\"ITEM001\",\"amount\":2,\"unit_price\":300}\n"
            "{\"seq\":\"2\",\"sales_time\":1538737871000,\"sales_id\":\"ECSALES00001\",\"item_id\":"
            "\"ITEM002\",\"amount\":1,\"unit_price\":5900}\n"
            "{\"seq\":\"3\",\"sales_time\":1538737871000,\"sales_id\":\"ECSALES00002\",\"item_id\":"
            "\"ITEM001\",\"amount\":4,\"unit_price\":298}\n");
  EXPECT_EQ(objs[expected_keys[1]], ec[3] + "\n" + ec[4] + "\n" + ec[5] + "\n");
  EXPECT_EQ(objs[expected_keys[2]], pos[0] + "\n" + pos[1] + "\n" + pos[2] + "\n");
  EXPECT_EQ(objs[expected_keys[3]], pos[3] + "\n" + pos[4] + "\n" + pos[5] + "\n");

  // One more sale: no new object until three have come (flush.size), then exactly one.
  const int64_t t7 = 1538485993000;
  std::vector<std::string> more = {Ec(7, t7, "ECSALES00003", "ITEM001", 1, 300),
                                   Ec(8, t7 + 3661000, "ECSALES00004", "ITEM001", 1, 300),
                                   Ec(9, t7 + 3661000, "ECSALES00004", "ITEM002", 1, 5800)};
  ASSERT_TRUE(Produce(broker_.bootstrap(), "ecsales_ec_uriage", {Envelope(kEcSchema, more[0])}));
  ASSERT_TRUE(Produce(broker_.bootstrap(), "ecsales_ec_uriage",
                      {Envelope(kEcSchema, more[1]), Envelope(kEcSchema, more[2])}));
  objs = WaitObjects("topics/ecsales_ec_uriage/", 3, *w);
  const std::string k6 = "topics/ecsales_ec_uriage/partition=0/ecsales_ec_uriage+0+0000000006.json";
  ASSERT_EQ(objs.size(), 3u);
  EXPECT_EQ(objs[k6], more[0] + "\n" + more[1] + "\n" + more[2] + "\n");
  nlohmann::json status = GetJson(w->port(), "/connectors/sink-sales-data/status");
  EXPECT_TRUE(AllRunning(status, 3)) << status.dump();
}

TEST_F(S3SinkTest, PartitionersAndGzip) {
  const int64_t t1 = 1538485993000;  // 2018-10-02T13:13:13Z, 22:13 in Tokyo
  const int64_t t2 = t1 + 3600000, t3 = t1 + 7200000;
  std::vector<std::string> p = {Ec(1, t1, "S1", "ITEM001", 1, 1), Ec(2, t1, "S1", "ITEM002", 1, 1),
                                Ec(3, t2, "S2", "ITEM001", 1, 1), Ec(4, t2, "S2", "ITEM001", 1, 1),
                                Ec(5, t3, "S3", "ITEM002", 1, 1), Ec(6, t3, "S3", "ITEM002", 1, 1)};
  std::vector<std::string> env;
  for (const auto& x : p) env.push_back(Envelope(kEcSchema, x));
  ASSERT_TRUE(Produce(broker_.bootstrap(), "sales", env));
  auto w = StartWorker();
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json field = Base("sales");
  field["topics.dir"] = "field";
  field["partitioner.class"] = "io.confluent.connect.storage.partitioner.FieldPartitioner";
  field["partition.field.name"] = "item_id";
  Create(*w, "field", field);
  nlohmann::json hourly = Base("sales");
  hourly["topics.dir"] = "hourly";
  hourly["partitioner.class"] = "io.confluent.connect.storage.partitioner.HourlyPartitioner";
  hourly["timestamp.extractor"] = "RecordField";
  hourly["timestamp.field"] = "sales_time";
  hourly["timezone"] = "Asia/Tokyo";
  hourly["locale"] = "ja_JP";
  Create(*w, "hourly", hourly);
  nlohmann::json daily = Base("sales");
  daily["topics.dir"] = "daily";
  daily["partitioner.class"] = "io.confluent.connect.storage.partitioner.TimeBasedPartitioner";
  daily["path.format"] = "'dt'=YYYY-MM-dd";
  daily["partition.duration.ms"] = "86400000";
  daily["timestamp.extractor"] = "RecordField";
  daily["timestamp.field"] = "sales_time";
  daily["timezone"] = "UTC";
  daily["locale"] = "en_US";
  Create(*w, "daily", daily);
  nlohmann::json gz = Base("sales");
  gz["topics.dir"] = "gz";
  gz["s3.compression.type"] = "gzip";
  Create(*w, "gz", gz);

  auto f = WaitObjects("field/", 4, *w);
  EXPECT_EQ(Keys(f), (std::vector<std::string>{"field/sales/item_id=ITEM001/sales+0+0000000000.json",
                                               "field/sales/item_id=ITEM001/sales+0+0000000003.json",
                                               "field/sales/item_id=ITEM002/sales+0+0000000001.json",
                                               "field/sales/item_id=ITEM002/sales+0+0000000004.json"}));
  EXPECT_EQ(f["field/sales/item_id=ITEM001/sales+0+0000000000.json"], p[0] + "\n" + p[2] + "\n");
  EXPECT_EQ(f["field/sales/item_id=ITEM002/sales+0+0000000004.json"], p[4] + "\n" + p[5] + "\n");
  auto h = WaitObjects("hourly/", 4, *w);
  EXPECT_EQ(Keys(h), (std::vector<std::string>{
                         "hourly/sales/year=2018/month=10/day=02/hour=22/sales+0+0000000000.json",
                         "hourly/sales/year=2018/month=10/day=02/hour=23/sales+0+0000000002.json",
                         "hourly/sales/year=2018/month=10/day=02/hour=23/sales+0+0000000003.json",
                         "hourly/sales/year=2018/month=10/day=03/hour=00/sales+0+0000000004.json"}));
  EXPECT_EQ(h["hourly/sales/year=2018/month=10/day=02/hour=22/sales+0+0000000000.json"],
            p[0] + "\n" + p[1] + "\n");
  auto d = WaitObjects("daily/", 2, *w);
  EXPECT_EQ(Keys(d), (std::vector<std::string>{"daily/sales/dt=2018-10-02/sales+0+0000000000.json",
                                               "daily/sales/dt=2018-10-02/sales+0+0000000003.json"}));
  auto g = WaitObjects("gz/", 2, *w);
  ASSERT_EQ(Keys(g), (std::vector<std::string>{"gz/sales/partition=0/sales+0+0000000000.json.gz",
                                               "gz/sales/partition=0/sales+0+0000000003.json.gz"}));
  EXPECT_EQ(Gunzip(g["gz/sales/partition=0/sales+0+0000000000.json.gz"]),
            p[0] + "\n" + p[1] + "\n" + p[2] + "\n");
  EXPECT_EQ(Gunzip(g["gz/sales/partition=0/sales+0+0000000003.json.gz"]),
            p[3] + "\n" + p[4] + "\n" + p[5] + "\n");
}

TEST_F(S3SinkTest, RotationByTimeClosesIdleFiles) {
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json idle = Base("ticks");
  idle["topics.dir"] = "idle";
  idle["flush.size"] = 1000;
  idle["rotate.interval.ms"] = 1500;
  Create(*w, "idle", idle);
  nlohmann::json sched = Base("ticks");
  sched["topics.dir"] = "sched";
  sched["flush.size"] = 1000;
  sched["rotate.schedule.interval.ms"] = 2000;
  sched["timezone"] = "UTC";
  Create(*w, "sched", sched);
  ASSERT_TRUE(Produce(broker_.bootstrap(), "ticks",
                      {R"({"n":0})", R"({"n":1})", R"({"n":2})", R"({"n":3})", R"({"n":4})"}));
  // Far fewer than flush.size records, and no more coming: the files still close.
  auto a = WaitObjects("idle/", 1, *w);
  EXPECT_EQ(Keys(a), std::vector<std::string>{"idle/ticks/partition=0/ticks+0+0000000000.json"});
  EXPECT_EQ(a.begin()->second, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
  auto s = WaitObjects("sched/", 1, *w);
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.begin()->first, "sched/ticks/partition=0/ticks+0+0000000000.json");
  ASSERT_TRUE(Produce(broker_.bootstrap(), "ticks", {R"({"n":5})", R"({"n":6})"}));
  a = WaitObjects("idle/", 2, *w);
  EXPECT_EQ(a["idle/ticks/partition=0/ticks+0+0000000005.json"], "{\"n\":5}\n{\"n\":6}\n");
}

TEST_F(S3SinkTest, CredentialsOrder) {
  // ~/.aws/credentials: [default] is wrong, [sales] is right.
  WriteCredentials(
      "[default]\naws_access_key_id = WRONGFILE\naws_secret_access_key = x\n"
      "[sales]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
  ASSERT_TRUE(Produce(broker_.bootstrap(), "cred", {R"({"n":0})", R"({"n":1})", R"({"n":2})"}));
  {
    auto w = StartWorker(false);
    w->SetEnv("AWS_ACCESS_KEY_ID", "S3RVER");  // the environment is right
    w->SetEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
    ASSERT_TRUE(w->Start()) << w->Output();
    nlohmann::json cfg = Base("cred");
    cfg["topics.dir"] = "from-config";
    cfg["aws.access.key.id"] = "WRONGCONFIG";  // ... but the connector config comes first
    cfg["aws.secret.access.key"] = "TOPSECRET";
    Create(*w, "from-config", cfg);
    nlohmann::json env = Base("cred");
    env["topics.dir"] = "from-env";
    Create(*w, "from-env", env);
    WaitObjects("from-env/", 1, *w);
    nlohmann::json st;
    ASSERT_TRUE(WaitUntil(
        [&] {
          st = GetJson(w->port(), "/connectors/from-config/status");
          return st.contains("tasks") && !st["tasks"].empty() &&
                 st["tasks"][0].value("state", "") == "FAILED";
        },
        std::chrono::seconds(20)))
        << st.dump();
    std::string trace = st["tasks"][0].value("trace", "");
    EXPECT_NE(trace.find("InvalidAccessKeyId"), std::string::npos) << st.dump();
    EXPECT_EQ(trace.find("TOPSECRET"), std::string::npos);
    EXPECT_EQ(w->Output().find("TOPSECRET"), std::string::npos);
  }
  {
    auto w = StartWorker(false);
    w->SetEnv("AWS_PROFILE", "sales");  // no config, no environment: the file's profile
    ASSERT_TRUE(w->Start()) << w->Output();
    nlohmann::json cfg = Base("cred");
    cfg["topics.dir"] = "from-profile";
    Create(*w, "from-profile", cfg);
    auto objs = WaitObjects("from-profile/", 1, *w);
    EXPECT_EQ(objs.begin()->second, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  }
}

}  // namespace
}  // namespace sluice::testing
