// store.kafka.keys and store.kafka.headers end to end (broker, standalone worker, s3rver): the keys
// and headers objects beside the values with Confluent's names (<name>.keys.json, <name>.headers.json)
// and contents, rotated with them; a record without a key fails the task as Confluent's ("Key cannot
// be null for SinkRecord") and leaves the objects written so far aligned; a keys object left by a
// crash between a file's completions sets a rotation boundary of the rebuild, as values objects do.
#include <gtest/gtest.h>

#include "s3_sink_fixture.h"

namespace sluice::testing {
namespace {

nlohmann::json KeysAndHeaders(nlohmann::json config) {
  config["store.kafka.keys"] = "true";
  config["keys.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  config["store.kafka.headers"] = "true";
  config["headers.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  return config;
}

TEST_F(S3SinkTest, KeysAndHeadersBesideTheValues) {
  ASSERT_TRUE(Produce(broker_.bootstrap(), "kh",
                      {R"(ECSALES00001|{"n":0})", R"(ECSALES00001|{"n":1})", R"(ECSALES00002|{"n":2})",
                       R"(ECSALES00003|{"n":3})"},
                      -1, "|", {"src=pos", "n=42"}));
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json config = KeysAndHeaders(Base("kh"));
  config["flush.size"] = 2;
  Create(*w, "kh", config);
  auto objs = WaitObjects("topics/kh/", 6, *w);
  const std::string p = "topics/kh/partition=0/kh+0+";
  ASSERT_EQ(Keys(objs), (std::vector<std::string>{p + "0000000000.headers.json", p + "0000000000.json",
                                                  p + "0000000000.keys.json", p + "0000000002.headers.json",
                                                  p + "0000000002.json", p + "0000000002.keys.json"}));
  EXPECT_EQ(objs[p + "0000000000.json"], "{\"n\":0}\n{\"n\":1}\n");
  EXPECT_EQ(objs[p + "0000000000.keys.json"], "\"ECSALES00001\"\n\"ECSALES00001\"\n");
  EXPECT_EQ(objs[p + "0000000002.keys.json"], "\"ECSALES00002\"\n\"ECSALES00003\"\n");
  const std::string h = R"({"headers":[{"key":"src","value":"pos"},{"key":"n","value":"42"}]})"
                        "\n";
  EXPECT_EQ(objs[p + "0000000000.headers.json"], h + h);
  EXPECT_EQ(objs[p + "0000000002.headers.json"], h + h);
}

TEST_F(S3SinkTest, NullKeyFailsTheTaskAsConfluent) {
  // Offsets 0 and 1 have keys, 2 has none (kcat: no delimiter in the line).
  ASSERT_TRUE(
      Produce(broker_.bootstrap(), "nokey", {R"(k0|{"n":0})", R"(k1|{"n":1})", R"({"n":2})"}, -1, "|"));
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json config = Base("nokey");
  config["store.kafka.keys"] = "true";
  config["keys.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  config["flush.size"] = 2;
  Create(*w, "nokey", config);
  nlohmann::json st;
  ASSERT_TRUE(WaitUntil(
      [&] {
        st = GetJson(w->port(), "/connectors/nokey/status");
        return st.contains("tasks") && !st["tasks"].empty() && st["tasks"][0].value("state", "") == "FAILED";
      },
      std::chrono::seconds(30)))
      << st.dump();
  EXPECT_NE(st["tasks"][0]
                .value("trace", "")
                .find("Key cannot be null for SinkRecord: SinkRecord{kafkaOffset=2, topic='nokey', "
                      "kafkaPartition=0}"),
            std::string::npos)
      << st.dump();
  // The file before it is whole, values and keys alike; nothing of offset 2 was written.
  auto objs = WaitObjects("topics/nokey/", 2, *w);
  const std::string p = "topics/nokey/partition=0/nokey+0+";
  EXPECT_EQ(Keys(objs), (std::vector<std::string>{p + "0000000000.json", p + "0000000000.keys.json"}));
  EXPECT_EQ(objs[p + "0000000000.keys.json"], "\"k0\"\n\"k1\"\n");
}

TEST_F(S3SinkTest, KeysObjectLeftByACrashIsRebuiltOnItsBoundary) {
  // A previous run crashed after completing the keys object of the file at offset 2 but before its
  // values object (completions run one by one): the rebuild must rotate at 2 so that this name is
  // rewritten, rather than leave a stale keys object beside files of other boundaries.
  const std::string p = "topics/stale/partition=0/stale+0+";
  ASSERT_TRUE(client_->PutObject(p + "0000000002.keys.json", "\"stale\"\n").ok());
  ASSERT_TRUE(Produce(broker_.bootstrap(), "stale",
                      {R"(k0|{"n":0})", R"(k1|{"n":1})", R"(k2|{"n":2})", R"(k3|{"n":3})", R"(k4|{"n":4})"},
                      -1, "|"));
  auto w = StartWorker(/*schemas=*/false);
  ASSERT_TRUE(w->Start()) << w->Output();
  nlohmann::json config = Base("stale");
  config["store.kafka.keys"] = "true";
  config["keys.format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
  Create(*w, "stale", config);  // flush.size=3: without the listing, files would start at 0 and 3
  // (The stale object counts among the four until it is overwritten: wait for its new content.)
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto k = client_->GetObject(p + "0000000002.keys.json");
        return k.ok() && *k != "\"stale\"\n";
      },
      std::chrono::seconds(30)))
      << w->Output().substr(0, 20000);
  auto objs = WaitObjects("topics/stale/", 4, *w);
  ASSERT_EQ(Keys(objs), (std::vector<std::string>{p + "0000000000.json", p + "0000000000.keys.json",
                                                  p + "0000000002.json", p + "0000000002.keys.json"}));
  EXPECT_EQ(objs[p + "0000000000.keys.json"], "\"k0\"\n\"k1\"\n");
  EXPECT_EQ(objs[p + "0000000002.json"], "{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
  EXPECT_EQ(objs[p + "0000000002.keys.json"], "\"k2\"\n\"k3\"\n\"k4\"\n");
}

}  // namespace
}  // namespace sluice::testing
