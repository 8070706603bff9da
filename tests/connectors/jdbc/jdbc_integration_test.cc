// The JDBC source end to end: real PostgreSQL 15 and MariaDB (started once for the binary by
// JdbcEnv), a Sluice broker, a standalone worker driven over REST, records read back with kcat.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "jdbc_test_env.h"
#include "worker_process.h"

namespace sluice::testing {
namespace {

using json = nlohmann::ordered_json;

bool WaitUntil(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return cond();
}

json GetJson(int port, const std::string& path) {
  json j = json::parse(Http(port, "GET", path).body, nullptr, false);
  return j.is_discarded() ? json() : j;
}

// Whether the connector and exactly `tasks` tasks are RUNNING.
bool AllRunning(const json& status, size_t tasks) {
  if (!status.is_object() || status.value("/connector/state"_json_pointer, "") != "RUNNING") return false;
  if (!status.contains("tasks") || status["tasks"].size() != tasks) return false;
  for (const auto& t : status["tasks"]) {
    if (t.value("state", "") != "RUNNING") return false;
  }
  return true;
}

class JdbcEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_TRUE(JdbcEnv::Get().SetUp()) << "could not start the databases and the broker";
  }
  void TearDown() override { JdbcEnv::Get().TearDown(); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new JdbcEnvironment);

const char* kPgSeed = R"(
CREATE TABLE ec_uriage (
    seq        bigint PRIMARY KEY,
    sales_time timestamp,
    sales_id   varchar(80),
    item_id    varchar(80),
    amount     int,
    unit_price int
);
GRANT ALL ON ec_uriage TO connectuser;
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (1, '2018-10-05 11:11:11', 'ECSALES00001', 'ITEM001', 2, 300);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (2, '2018-10-01 11:11:11', 'ECSALES00001', 'ITEM002', 1, 5800);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (3, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM001', 4, 298);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (4, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM003', 1, 2500);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (5, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM004', 1, 198);
INSERT INTO ec_uriage(seq, sales_time, sales_id, item_id, amount, unit_price)
    VALUES (6, '2018-10-02 12:12:12', 'ECSALES00002', 'ITEM005', 1, 273);
)";

// The seed's MariaDB DDL and rows (its INSERTs name ec_uriage by mistake; pos_uriage is meant).
const char* kMySeed = R"(
USE pos;
CREATE TABLE pos_uriage (
    seq        bigint PRIMARY KEY,
    sales_time timestamp,
    sales_id   varchar(80),
    shop_id    varchar(80),
    item_id    varchar(80),
    amount     int,
    unit_price int
);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (1, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP001', 'ITEM001', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (2, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP001', 'ITEM001', 2, 198);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (3, '2018-10-05 11:11:11', 'POSSALES00001', 'SHOP002', 'ITEM002', 2, 327);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (4, '2018-10-05 11:11:11', 'POSSALES00002', 'SHOP002', 'ITEM002', 2, 300);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (5, '2018-10-05 11:11:11', 'POSSALES00003', 'SHOP003', 'ITEM003', 2, 512);
INSERT INTO pos_uriage(seq, sales_time, sales_id, shop_id, item_id, amount, unit_price)
    VALUES (6, '2018-10-05 11:11:11', 'POSSALES00002', 'SHOP003', 'ITEM001', 2, 512);
)";

class JdbcTest : public ::testing::Test {
 protected:
  JdbcEnv& env() { return JdbcEnv::Get(); }
  void SetUp() override {
    offsets_ =
        env().dir() + "/offsets-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt";
  }
  std::unique_ptr<WorkerProcess> StartWorker(bool schemas = false) {
    std::map<std::string, std::string> props = {
        {"bootstrap.servers", env().broker().bootstrap()},
        {"offset.storage.file.filename", offsets_},
        {"offset.flush.interval.ms", "200"},
        {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"key.converter.schemas.enable", "false"},
        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"value.converter.schemas.enable", schemas ? "true" : "false"}};
    auto w = std::make_unique<WorkerProcess>(props, /*standalone=*/true);
    EXPECT_TRUE(w->Start()) << w->Output();
    return w;
  }
  static json PgConfig(json extra) {
    json c = {{"connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"},
              {"connection.url", JdbcEnv::Get().pg_url()},
              {"connection.user", "connectuser"},
              {"connection.password", "connectpass"},
              {"poll.interval.ms", "500"},
              {"connection.backoff.ms", "500"},
              {"tasks.max", "3"}};
    c.update(extra);
    return c;
  }
  static json MyConfig(json extra) {
    json c = PgConfig(std::move(extra));
    if (!c.contains("connection.url") || c["connection.url"] == JdbcEnv::Get().pg_url())
      c["connection.url"] = JdbcEnv::Get().my_url();
    return c;
  }
  bool Create(WorkerProcess& w, const std::string& name, const json& config) {
    HttpResponse r = Http(w.port(), "POST", "/connectors", json{{"name", name}, {"config", config}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201;
  }
  // Values (and keys) of a topic once it has at least n records.
  std::vector<json> Values(const std::string& topic, size_t n, std::vector<json>* keys = nullptr,
                           std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::vector<std::string> lines;
    WaitUntil([&] { return (lines = env().Topic(topic)).size() >= n; }, limit);
    std::vector<json> out;
    for (const auto& l : lines) {
      size_t tab = l.find('\t');
      out.push_back(json::parse(l.substr(tab + 1), nullptr, false));
      if (keys != nullptr) keys->push_back(json::parse(l.substr(0, tab), nullptr, false));
    }
    return out;
  }
  void RestartMidStream(bool mariadb);
  std::string offsets_;
};

TEST_F(JdbcTest, SeedPostgresIncrementingPicksUpNewRows) {
  ASSERT_TRUE(env().Psql("ec", kPgSeed));
  auto w = StartWorker();
  // The seed's connector config, verbatim but for the address.
  ASSERT_TRUE(Create(*w, "load-ecsales-data",
                     {{"connector.class", "io.confluent.connect.jdbc.JdbcSourceConnector"},
                      {"connection.url", env().pg_url()},
                      {"connection.user", "connectuser"},
                      {"connection.password", "connectpass"},
                      {"mode", "incrementing"},
                      {"incrementing.column.name", "seq"},
                      {"table.whitelist", "ec_uriage"},
                      {"topic.prefix", "ecsales_"},
                      {"poll.interval.ms", "500"},
                      {"tasks.max", "3"}}));
  auto v = Values("ecsales_ec_uriage", 6);
  ASSERT_EQ(v.size(), 6u) << w->Output();
  EXPECT_EQ(
      v[0].dump(),
      R"({"seq":1,"sales_time":1538737871000,"sales_id":"ECSALES00001","item_id":"ITEM001","amount":2,"unit_price":300})");
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(v[i]["seq"], i + 1);
  json status = GetJson(w->port(), "/connectors/load-ecsales-data/status");
  EXPECT_TRUE(AllRunning(status, 1)) << status.dump();  // one table: one task whatever tasks.max
  ASSERT_TRUE(env().Psql(
      "ec",
      "INSERT INTO ec_uriage VALUES (7, '2018-10-02 13:13:13', 'ECSALES00003', 'ITEM001', 1, 300);"
      "INSERT INTO ec_uriage VALUES (8, '2018-10-02 14:14:14', 'ECSALES00004', 'ITEM001', 1, 300);"
      "INSERT INTO ec_uriage VALUES (9, '2018-10-02 14:14:14', 'ECSALES00004', 'ITEM002', 1, 5800);"));
  v = Values("ecsales_ec_uriage", 9);
  ASSERT_EQ(v.size(), 9u);
  EXPECT_EQ(v[8]["unit_price"], 5800);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // several polls: nothing repeated
  EXPECT_EQ(env().Topic("ecsales_ec_uriage").size(), 9u);
}

TEST_F(JdbcTest, SeedMariaDbIncrementing) {
  ASSERT_TRUE(env().Mariadb(kMySeed));
  auto w = StartWorker();
  ASSERT_TRUE(Create(*w, "load-possales-data",
                     MyConfig({{"mode", "incrementing"},
                               {"incrementing.column.name", "seq"},
                               {"table.whitelist", "pos_uriage"},
                               {"topic.prefix", "possales_"}})));
  auto v = Values("possales_pos_uriage", 6);
  ASSERT_EQ(v.size(), 6u) << w->Output();
  EXPECT_EQ(
      v[0].dump(),
      R"({"seq":1,"sales_time":1538737871000,"sales_id":"POSSALES00001","shop_id":"SHOP001","item_id":"ITEM001","amount":2,"unit_price":300})");
  ASSERT_TRUE(
      env().Mariadb("INSERT INTO pos.pos_uriage VALUES (7, '2018-10-12 13:13:13', 'POSSALES00004', "
                    "'SHOP001', 'ITEM001', 2, 300);"));
  v = Values("possales_pos_uriage", 7);
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[6]["seq"], 7);
}

// Field schema of a JsonConverter envelope by name.
json FieldSchema(const json& envelope, const std::string& name) {
  for (const auto& f : envelope["schema"]["fields"]) {
    if (f["field"] == name) return f;
  }
  return json();
}

TEST_F(JdbcTest, PostgresTypeMapping) {
  ASSERT_TRUE(env().Psql("ec", R"(
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE pg_types (id serial PRIMARY KEY, c_int2 int2 NOT NULL, c_int4 int4, c_int8 int8, c_num numeric(10,2),
  c_num_free numeric, c_f4 float4, c_f8 float8, c_money money, c_bool boolean, c_text text, c_varchar varchar(10),
  c_char char(3), c_bytea bytea, c_date date, c_time time, c_timetz timetz, c_ts timestamp(6), c_tstz timestamptz,
  c_json json, c_jsonb jsonb, c_uuid uuid, c_enum mood, c_arr int[]);
GRANT ALL ON pg_types TO connectuser;
INSERT INTO pg_types VALUES (DEFAULT, 1, 2, 3, 12.34, 1.5, 1.25, 2.5, 12.5, true, 'text', 'vc', 'ab', '\x00ff',
  '2018-10-05', '11:11:11.5', '11:11:11+02', '2018-10-05 11:11:11.123456', '2018-10-05 20:11:11+09', '{"a": 1}',
  '{"b": 2}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'happy', '{1,2}');
INSERT INTO pg_types (c_int2) VALUES (-1);
)"));
  auto w = StartWorker(/*schemas=*/true);
  // incrementing.column.name empty: the serial column is found.
  ASSERT_TRUE(Create(
      *w, "pg-types",
      PgConfig({{"mode", "incrementing"}, {"table.whitelist", "pg_types"}, {"topic.prefix", "types_"}})));
  auto v = Values("types_pg_types", 2);
  ASSERT_EQ(v.size(), 2u) << w->Output();
  const json& e = v[0];
  EXPECT_EQ(e["schema"]["name"], "pg_types");
  struct Expect {
    const char* field;
    const char* type;
    const char* logical;
    bool optional;
    json value;
  };
  const Expect expected[] = {
      {"id", "int32", nullptr, false, 1},
      {"c_int2", "int16", nullptr, false, 1},
      {"c_int4", "int32", nullptr, true, 2},
      {"c_int8", "int64", nullptr, true, 3},
      {"c_num", "bytes", "org.apache.kafka.connect.data.Decimal", true, "BNI="},
      {"c_num_free", "string", nullptr, true, "1.5"},
      {"c_f4", "float", nullptr, true, 1.25},
      {"c_f8", "double", nullptr, true, 2.5},
      {"c_money", "double", nullptr, true, 12.5},
      {"c_bool", "boolean", nullptr, true, true},
      {"c_text", "string", nullptr, true, "text"},
      {"c_varchar", "string", nullptr, true, "vc"},
      {"c_char", "string", nullptr, true, "ab "},
      {"c_bytea", "bytes", nullptr, true, "AP8="},
      {"c_date", "int32", "org.apache.kafka.connect.data.Date", true, 17809},
      {"c_time", "int32", "org.apache.kafka.connect.data.Time", true, 40271500},
      {"c_timetz", "int32", "org.apache.kafka.connect.data.Time", true, 33071000},
      {"c_ts", "int64", "org.apache.kafka.connect.data.Timestamp", true, 1538737871123},
      {"c_tstz", "int64", "org.apache.kafka.connect.data.Timestamp", true, 1538737871000},
      {"c_json", "string", nullptr, true, "{\"a\": 1}"},
      {"c_jsonb", "string", nullptr, true, "{\"b\": 2}"},
      {"c_uuid", "string", nullptr, true, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
      {"c_enum", "string", nullptr, true, "happy"},
      {"c_arr", "string", nullptr, true, "{1,2}"},
  };
  ASSERT_EQ(e["schema"]["fields"].size(), std::size(expected)) << e["schema"].dump();
  for (const Expect& x : expected) {
    json f = FieldSchema(e, x.field);
    EXPECT_EQ(f["type"], x.type) << x.field;
    EXPECT_EQ(f["optional"], x.optional) << x.field;
    if (x.logical != nullptr) {
      EXPECT_EQ(f["name"], x.logical) << x.field;
    }
    EXPECT_EQ(e["payload"][x.field], x.value) << x.field;
  }
  EXPECT_EQ(FieldSchema(e, "c_num")["parameters"].dump(),
            R"({"scale":"2","connect.decimal.precision":"10"})");
  EXPECT_EQ(v[1]["payload"]["c_int2"], -1);
  EXPECT_TRUE(v[1]["payload"]["c_tstz"].is_null());
}

// Results whose columns all have a binary reading come in PostgreSQL's binary format (pg_binary.cc); a
// numeric column makes a result text. The same rows read both ways give the same values, edge cases
// included (infinity, BC dates, before 1970, 24:00, extreme integers, nulls).
TEST_F(JdbcTest, PgBinaryAndTextReadingsAgree) {
  ASSERT_TRUE(env().Psql("ec", R"(
CREATE TABLE pg_bin (id int PRIMARY KEY, c_int2 int2, c_int4 int4, c_int8 int8, c_f4 float4, c_f8 float8,
  c_bool boolean, c_text text, c_varchar varchar(10), c_char char(3), c_bytea bytea, c_json json, c_date date,
  c_time time, c_ts timestamp, c_tstz timestamptz);
INSERT INTO pg_bin VALUES
  (1, 1, -2, 9223372036854775807, 1.25, -2.5e-300, true, 'täxt', 'vc', 'ab', '\x00ff', '{"a": 1}', '2018-10-05',
   '11:11:11.5', '2018-10-05 11:11:11.123456', '2018-10-05 20:11:11.5+09'),
  (2, -32768, -2147483648, -9223372036854775808, 3.4028235e38, 0.1, false, '', '', '', '\x', '[]',
   '0044-03-15 BC', '24:00:00', '1969-12-31 23:59:59.999999', '1900-01-01 00:00:00+00'),
  (3, 0, 0, 0, -0.5, 1e300, NULL, NULL, NULL, NULL, NULL, NULL, 'infinity', '00:00:00', 'infinity', '-infinity'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity', NULL, '-infinity',
   'infinity'),
  (5, 7, 7, 7, 7, 7, true, 'x', 'y', 'z', '\x01', 'null', '0001-01-01 BC', '23:59:59.999999',
   '0010-02-03 04:05:06.7 BC', '1960-06-30 12:00:00.25-05:30');
CREATE TABLE pg_txt AS SELECT *, 1.5::numeric AS c_num FROM pg_bin;
ALTER TABLE pg_txt ADD PRIMARY KEY (id);
GRANT ALL ON pg_bin, pg_txt TO connectuser;
)"));
  auto w = StartWorker();
  ASSERT_TRUE(Create(*w, "pg-bin",
                     PgConfig({{"mode", "incrementing"},
                               {"incrementing.column.name", "id"},
                               {"table.whitelist", "pg_bin"},
                               {"topic.prefix", "bin_"}})));
  ASSERT_TRUE(Create(*w, "pg-txt",
                     PgConfig({{"mode", "incrementing"},
                               {"incrementing.column.name", "id"},
                               {"table.whitelist", "pg_txt"},
                               {"topic.prefix", "txt_"}})));
  auto bin = Values("bin_pg_bin", 5);
  auto txt = Values("txt_pg_txt", 5);
  ASSERT_EQ(bin.size(), 5u) << w->Output();
  ASSERT_EQ(txt.size(), 5u) << w->Output();
  for (size_t i = 0; i < bin.size(); ++i) {
    ASSERT_EQ(bin[i].size(), 16u) << bin[i].dump();
    for (const auto& [field, value] : bin[i].items()) {
      EXPECT_EQ(value, txt[i][field]) << "row " << i + 1 << " field " << field;
    }
    EXPECT_EQ(txt[i]["c_num"], "1.5");
  }
  EXPECT_EQ(bin[0]["c_ts"], 1538737871123);
  EXPECT_EQ(bin[0]["c_tstz"], 1538737871500);
  EXPECT_EQ(bin[0]["c_text"], "täxt");
  EXPECT_EQ(bin[0]["c_char"], "ab ");
  EXPECT_EQ(bin[0]["c_bytea"], "AP8=");
  EXPECT_EQ(bin[1]["c_time"], 0);
  EXPECT_EQ(bin[1]["c_ts"], -1);
  EXPECT_EQ(bin[2]["c_ts"], 9223372036825200000LL);
  w.reset();  // (other tests list every table of the database)
  ASSERT_TRUE(env().Psql("ec", "DROP TABLE pg_bin, pg_txt;"));
}

TEST_F(JdbcTest, MariaDbTypeMapping) {
  ASSERT_TRUE(env().Mariadb(R"(
CREATE TABLE pos.my_types (id int AUTO_INCREMENT PRIMARY KEY, c_bool tinyint(1), c_tiny tinyint NOT NULL,
  c_utiny tinyint unsigned, c_small smallint, c_usmall smallint unsigned, c_med mediumint, c_int int,
  c_uint int unsigned, c_big bigint, c_ubig bigint unsigned, c_dec decimal(10,2), c_float float, c_double double,
  c_char char(3), c_varchar varchar(10), c_text text, c_binary binary(2), c_varbinary varbinary(4), c_blob blob,
  c_date date, c_time time(3), c_datetime datetime(6), c_ts timestamp NULL, c_year year, c_json json,
  c_enum enum('a','b'), c_set set('x','y'), c_bit1 bit(1), c_bit8 bit(8));
INSERT INTO pos.my_types VALUES (NULL, 1, -5, 250, -300, 60000, 100000, -7, 4000000000, 9000000000, 123, 12.34,
  1.25, 2.5, 'ab', 'vc', 'long text', 0x0102, 0x01020304, 0xFF, '2018-10-05', '11:11:11.500',
  '2018-10-05 11:11:11.123456', '2018-10-05 11:11:11', 2018, '{"a":1}', 'b', 'x,y', b'1', b'10101010');
INSERT INTO pos.my_types (c_tiny) VALUES (0);
)"));
  auto w = StartWorker(/*schemas=*/true);
  ASSERT_TRUE(Create(
      *w, "my-types",
      MyConfig({{"mode", "incrementing"}, {"table.whitelist", "my_types"}, {"topic.prefix", "types_"}})));
  auto v = Values("types_my_types", 2);
  ASSERT_EQ(v.size(), 2u) << w->Output();
  const json& e = v[0];
  struct Expect {
    const char* field;
    const char* type;
    const char* logical;
    json value;
  };
  const Expect expected[] = {
      {"id", "int32", nullptr, 1},
      {"c_bool", "int8", nullptr, 1},
      {"c_tiny", "int8", nullptr, -5},
      {"c_utiny", "int16", nullptr, 250},
      {"c_small", "int16", nullptr, -300},
      {"c_usmall", "int32", nullptr, 60000},
      {"c_med", "int32", nullptr, 100000},
      {"c_int", "int32", nullptr, -7},
      {"c_uint", "int64", nullptr, 4000000000LL},
      {"c_big", "int64", nullptr, 9000000000LL},
      {"c_ubig", "int64", nullptr, 123},
      {"c_dec", "bytes", "org.apache.kafka.connect.data.Decimal", "BNI="},
      {"c_float", "float", nullptr, 1.25},
      {"c_double", "double", nullptr, 2.5},
      {"c_char", "string", nullptr, "ab"},
      {"c_varchar", "string", nullptr, "vc"},
      {"c_text", "string", nullptr, "long text"},
      {"c_binary", "bytes", nullptr, "AQI="},
      {"c_varbinary", "bytes", nullptr, "AQIDBA=="},
      {"c_blob", "bytes", nullptr, "/w=="},
      {"c_date", "int32", "org.apache.kafka.connect.data.Date", 17809},
      {"c_time", "int32", "org.apache.kafka.connect.data.Time", 40271500},
      {"c_datetime", "int64", "org.apache.kafka.connect.data.Timestamp", 1538737871123},
      {"c_ts", "int64", "org.apache.kafka.connect.data.Timestamp", 1538737871000},
      {"c_year", "int32", "org.apache.kafka.connect.data.Date", 17532},
      {"c_json", "string", nullptr, "{\"a\":1}"},
      {"c_enum", "string", nullptr, "b"},
      {"c_set", "string", nullptr, "x,y"},
      {"c_bit1", "int8", nullptr, 1},
      {"c_bit8", "bytes", nullptr, "qg=="},
  };
  ASSERT_EQ(e["schema"]["fields"].size(), std::size(expected)) << e["schema"].dump();
  for (const Expect& x : expected) {
    json f = FieldSchema(e, x.field);
    EXPECT_EQ(f["type"], x.type) << x.field;
    if (x.logical != nullptr) {
      EXPECT_EQ(f["name"], x.logical) << x.field;
    }
    EXPECT_EQ(e["payload"][x.field], x.value) << x.field;
  }
  EXPECT_EQ(FieldSchema(e, "c_tiny")["optional"], false);
  EXPECT_EQ(FieldSchema(e, "c_int")["optional"], true);
  EXPECT_TRUE(v[1]["payload"]["c_datetime"].is_null());
}

TEST_F(JdbcTest, TimestampIncrementingSeesUpdatesAndQueryModeWraps) {
  ASSERT_TRUE(env().Psql("ec", R"(
CREATE TABLE tsi (id serial PRIMARY KEY, updated timestamp NOT NULL, shop text);
GRANT ALL ON tsi TO connectuser;
INSERT INTO tsi (updated, shop) VALUES ('2020-01-01 00:00:00', 'A'), ('2020-01-01 00:00:00', 'B'),
  ('2020-01-02 00:00:00', 'A');
)"));
  auto w = StartWorker();
  ASSERT_TRUE(Create(*w, "tsi",
                     PgConfig({{"mode", "timestamp+incrementing"},
                               {"timestamp.column.name", "updated"},
                               {"incrementing.column.name", "id"},
                               {"table.whitelist", "tsi"},
                               {"topic.prefix", "tsi_"}})));
  ASSERT_TRUE(Create(*w, "tsi-query",
                     PgConfig({{"mode", "incrementing"},
                               {"incrementing.column.name", "id"},
                               {"query", "SELECT id, shop FROM tsi WHERE shop = 'A'"},
                               {"topic.prefix", "tsi_query"}})));
  ASSERT_TRUE(Create(*w, "tsi-ts",
                     PgConfig({{"mode", "timestamp"},
                               {"timestamp.column.name", "updated"},
                               {"table.whitelist", "tsi"},
                               {"topic.prefix", "tsi_ts_"}})));
  ASSERT_TRUE(
      Create(*w, "tsi-bulk",
             PgConfig({{"mode", "bulk"}, {"table.whitelist", "tsi"}, {"topic.prefix", "tsi_bulk_"}})));
  auto v = Values("tsi_tsi", 3);
  ASSERT_EQ(v.size(), 3u) << w->Output();
  EXPECT_EQ(v[2]["id"], 3);
  ASSERT_TRUE(
      env().Psql("ec", "UPDATE tsi SET updated = now() - interval '1 second', shop = 'C' WHERE id = 1;"));
  v = Values("tsi_tsi", 4);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[3]["id"], 1);
  EXPECT_EQ(v[3]["shop"], "C");
  auto q = Values("tsi_query", 1);
  ASSERT_GE(q.size(), 1u);  // rows 1 (if read before the update) and 3 match the query's WHERE
  EXPECT_EQ(q.back().dump(), R"({"id":3,"shop":"A"})");
  auto ts = Values("tsi_ts_tsi", 4);
  EXPECT_EQ(ts.size(), 4u);
  auto bulk = Values("tsi_bulk_tsi", 6);  // bulk re-reads the whole table every poll
  EXPECT_GE(bulk.size(), 6u);
  json status = GetJson(w->port(), "/connectors/tsi/status");
  EXPECT_TRUE(AllRunning(status, 1)) << status.dump();
}

TEST_F(JdbcTest, FiltersSpreadTablesOverTasksAndNoticeNewOnes) {
  ASSERT_TRUE(env().Psql("ec", R"(
CREATE TABLE f_a (id serial PRIMARY KEY); CREATE TABLE f_b (id serial PRIMARY KEY); CREATE TABLE f_c (id serial PRIMARY KEY);
CREATE TABLE f_old (id serial PRIMARY KEY);
GRANT ALL ON f_a, f_b, f_c, f_old TO connectuser;
INSERT INTO f_a DEFAULT VALUES; INSERT INTO f_b DEFAULT VALUES; INSERT INTO f_c DEFAULT VALUES; INSERT INTO f_old DEFAULT VALUES;
)"));
  auto w = StartWorker();
  ASSERT_TRUE(Create(*w, "filters",
                     PgConfig({{"mode", "incrementing"},
                               {"table.include.list", "public\\.f_.*"},
                               {"table.exclude.list", ".*_old"},
                               {"topic.prefix", "flt_"},
                               {"tasks.max", "2"},
                               {"table.poll.interval.ms", "1000"}})));
  ASSERT_TRUE(Create(*w, "blacklist",
                     PgConfig({{"mode", "incrementing"},
                               {"table.blacklist", "f_a,f_b,f_c,ec_uriage,pg_types,tsi"},
                               {"topic.prefix", "blk_"},
                               {"tasks.max", "1"}})));
  for (const char* t : {"flt_f_a", "flt_f_b", "flt_f_c", "blk_f_old"})
    EXPECT_EQ(Values(t, 1).size(), 1u) << t;
  EXPECT_TRUE(env().Topic("flt_f_old").empty());
  json status = GetJson(w->port(), "/connectors/filters/status");
  EXPECT_TRUE(AllRunning(status, 2)) << status.dump();  // 3 tables over tasks.max=2
  ASSERT_TRUE(env().Psql("ec",
                         "CREATE TABLE f_d (id serial PRIMARY KEY); GRANT ALL ON f_d TO connectuser; INSERT "
                         "INTO f_d DEFAULT VALUES;"));
  EXPECT_EQ(Values("flt_f_d", 1).size(), 1u) << w->Output();
}

TEST_F(JdbcTest, RestartResumesWithoutLossOrRepeats) {
  ASSERT_TRUE(env().Psql("ec",
                         "CREATE TABLE rs (id bigserial PRIMARY KEY, v int); GRANT ALL ON rs TO connectuser;"
                         "INSERT INTO rs (v) SELECT g FROM generate_series(1, 500) g;"));
  json config = PgConfig({{"mode", "incrementing"},
                          {"table.whitelist", "rs"},
                          {"topic.prefix", "rs_"},
                          {"batch.max.rows", "37"}});
  {
    auto w = StartWorker();
    ASSERT_TRUE(Create(*w, "rs", config));
    ASSERT_EQ(Values("rs_rs", 500).size(), 500u) << w->Output();
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // an offset flush
    w->Stop();
  }
  ASSERT_TRUE(env().Psql("ec", "INSERT INTO rs (v) SELECT g FROM generate_series(501, 800) g;"));
  {
    auto w = StartWorker();
    ASSERT_TRUE(Create(*w, "rs", config));
    ASSERT_EQ(Values("rs_rs", 800).size(), 800u) << w->Output();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  auto v = Values("rs_rs", 800);
  ASSERT_EQ(v.size(), 800u);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i]["id"], i + 1);
}

// The database stops while the task streams a 300k-row table and comes back: the task shows the
// outage in its status, keeps RUNNING, and resumes where it was; every row arrives (at-least-once).
// To stop the database mid-stream for sure, the broker is paused (SIGSTOP) first: the task fills its
// producer buffer (16 MB, less than the table) and blocks with its cursor open; then the database goes.
void JdbcTest::RestartMidStream(bool mariadb) {
  const int kRows = 300000;
  const std::string n = std::to_string(kRows);
  if (mariadb) {
    ASSERT_TRUE(
        env().Mariadb("USE pos; CREATE TABLE big (id bigint AUTO_INCREMENT PRIMARY KEY, pad text);"
                      "INSERT INTO big (pad) SELECT repeat('x', 100) FROM seq_1_to_" +
                      n + ";"));
  } else {
    ASSERT_TRUE(
        env().Psql("ec",
                   "CREATE TABLE big (id bigserial PRIMARY KEY, pad text); GRANT ALL ON big TO connectuser;"
                   "INSERT INTO big (pad) SELECT repeat('x', 100) FROM generate_series(1, " +
                       n + ");"));
  }
  auto w = StartWorker();
  const json extra = {{"mode", "incrementing"},
                      {"table.whitelist", "big"},
                      {"topic.prefix", "big_"},
                      {"batch.max.rows", "500"}};
  const std::string topic = mariadb ? "big_my_big" : "big_big";
  json config = mariadb ? MyConfig(extra) : PgConfig(extra);
  if (mariadb) config["topic.prefix"] = "big_my_";
  const pid_t broker = env().broker().pid();
  ASSERT_EQ(kill(broker, SIGSTOP), 0);
  const bool created = Create(*w, "big", config);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // the task reads until its buffer is full
  const bool stopped = mariadb ? env().StopMariadb() : env().StopPostgres();
  ASSERT_EQ(kill(broker, SIGCONT), 0);
  ASSERT_TRUE(created);
  ASSERT_TRUE(stopped);
  ASSERT_TRUE(WaitUntil([&] { return !env().Topic(topic).empty(); }, std::chrono::seconds(30)));
  // The task reports the outage and keeps running.
  EXPECT_TRUE(WaitUntil(
      [&] {
        json s = GetJson(w->port(), "/connectors/big/status");
        return s["tasks"].size() == 1 && s["tasks"][0].value("state", "") == "RUNNING" &&
               s["tasks"][0].contains("trace");
      },
      std::chrono::seconds(30)))
      << GetJson(w->port(), "/connectors/big/status").dump();
  // Mid-stream indeed: with the database down, part of the table is still missing.
  EXPECT_LT(env().Topic(topic).size(), static_cast<size_t>(kRows));
  ASSERT_TRUE(mariadb ? env().StartMariadb() : env().StartPostgres());
  ASSERT_TRUE(mariadb ? env().Mariadb("USE pos; INSERT INTO big (pad) VALUES ('after');")
                      : env().Psql("ec", "INSERT INTO big (pad) VALUES ('after');"));
  std::vector<std::string> lines;
  ASSERT_TRUE(WaitUntil(
      [&] {
        lines = env().Topic(topic);
        return lines.size() >= static_cast<size_t>(kRows + 1) &&
               lines.back().find("after") != std::string::npos;
      },
      std::chrono::seconds(90)))
      << lines.size() << "\n"
      << w->Output().substr(0, 4000);
  std::vector<bool> seen(kRows + 2, false);
  for (const auto& l : lines) {
    json j = json::parse(l.substr(l.find('\t') + 1));
    seen[j["id"].get<size_t>()] = true;
  }
  for (int i = 1; i <= kRows + 1; ++i) ASSERT_TRUE(seen[static_cast<size_t>(i)]) << "row " << i << " lost";
  json s = GetJson(w->port(), "/connectors/big/status");
  EXPECT_TRUE(AllRunning(s, 1)) << s.dump();
}

TEST_F(JdbcTest, PostgresRestartMidStreamLosesNothing) { RestartMidStream(/*mariadb=*/false); }

TEST_F(JdbcTest, MariaDbRestartMidStreamLosesNothing) { RestartMidStream(/*mariadb=*/true); }

// db.timezone: zoneless timestamps (PostgreSQL timestamp, MariaDB DATETIME) are read as wall-clock time
// in that zone. 2018-10-05 11:11:11 in Asia/Tokyo is 02:11:11 UTC.
TEST_F(JdbcTest, DbTimezoneAppliesToZonelessTimestamps) {
  constexpr int64_t kTokyo = 1538705471000;  // 2018-10-05T02:11:11Z
  ASSERT_TRUE(
      env().Psql("ec",
                 "CREATE TABLE tz (id serial PRIMARY KEY, t timestamp); GRANT ALL ON tz TO connectuser;"
                 "INSERT INTO tz (t) VALUES ('2018-10-05 11:11:11');"));
  ASSERT_TRUE(
      env().Mariadb("USE pos; CREATE TABLE tz (id int AUTO_INCREMENT PRIMARY KEY, t datetime(3));"
                    "INSERT INTO tz (t) VALUES ('2018-10-05 11:11:11.250');"));
  auto w = StartWorker();
  const json extra = {{"mode", "incrementing"}, {"table.whitelist", "tz"}, {"db.timezone", "Asia/Tokyo"}};
  json pg = PgConfig(extra);
  pg["topic.prefix"] = "tzpg_";
  json my = MyConfig(extra);
  my["topic.prefix"] = "tzmy_";
  ASSERT_TRUE(Create(*w, "tz-pg", pg));
  ASSERT_TRUE(Create(*w, "tz-my", my));
  auto p = Values("tzpg_tz", 1);
  ASSERT_EQ(p.size(), 1u) << w->Output();
  EXPECT_EQ(p[0]["t"], kTokyo) << p[0].dump();
  auto m = Values("tzmy_tz", 1);
  ASSERT_EQ(m.size(), 1u) << w->Output();
  EXPECT_EQ(m[0]["t"], kTokyo + 250) << m[0].dump();
}

TEST_F(JdbcTest, NumericMappingOnBothDatabasesAndPrimaryKeyOption) {
  ASSERT_TRUE(
      env().Psql("ec",
                 "CREATE TABLE nm (shop text, id int, a numeric(5,0), b numeric(10,2), c numeric(30,4), "
                 "PRIMARY KEY (shop, id)); GRANT ALL ON nm TO connectuser;"
                 "INSERT INTO nm VALUES ('S1', 1, 123, 12.34, 12345678901234567890.1234);"));
  ASSERT_TRUE(
      env().Mariadb("CREATE TABLE pos.nm (shop varchar(8), id int, a decimal(5,0), b decimal(10,2), "
                    "c decimal(30,4), PRIMARY KEY (shop, id));"
                    "INSERT INTO pos.nm VALUES ('S1', 1, 123, 12.34, 12345678901234567890.1234);"));
  auto w = StartWorker();
  json extra = {{"mode", "incrementing"},
                {"incrementing.column.name", "id"},
                {"table.whitelist", "nm"},
                {"numeric.mapping", "best_fit"},
                {"record.key.mode", "primary_key"}};
  json pg = extra;
  pg["topic.prefix"] = "nmpg_";
  json my = extra;
  my["topic.prefix"] = "nmmy_";
  ASSERT_TRUE(Create(*w, "nm-pg", PgConfig(pg)));
  ASSERT_TRUE(Create(*w, "nm-my", MyConfig(my)));
  for (const char* topic : {"nmpg_nm", "nmmy_nm"}) {
    std::vector<json> keys;
    auto v = Values(topic, 1, &keys);
    ASSERT_EQ(v.size(), 1u) << topic << w->Output();
    EXPECT_EQ(v[0].dump(), R"({"shop":"S1","id":1,"a":123,"b":12.34,"c":"GiSbHxCgbJav8g=="})") << topic;
    EXPECT_EQ(keys[0].dump(), R"({"shop":"S1","id":1})") << topic;
  }
}

TEST_F(JdbcTest, ValidateAndFailuresNameTheCause) {
  auto w = StartWorker();
  auto validate = [&](json config) {
    config["connector.class"] = "io.confluent.connect.jdbc.JdbcSourceConnector";
    config["name"] = "v";
    HttpResponse r =
        Http(w->port(), "PUT", "/connector-plugins/JdbcSourceConnector/config/validate", config.dump());
    std::map<std::string, std::string> errors;
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return errors;
    for (const auto& c : j["configs"]) {
      if (!c["value"]["errors"].empty())
        errors[c["value"]["name"].get<std::string>()] = c["value"]["errors"].dump();
    }
    return errors;
  };
  auto e = validate(PgConfig({{"topic.prefix", "x"}}));
  EXPECT_TRUE(e.count("mode")) << json(e).dump();
  e = validate(PgConfig({{"topic.prefix", "x"}, {"mode", "incrementing"}, {"connection.password", "wrong"}}));
  EXPECT_TRUE(e.count("connection.password")) << json(e).dump();
  EXPECT_NE(e["connection.password"].find("authentication failed"), std::string::npos);
  e = validate(
      PgConfig({{"topic.prefix", "x"},
                {"mode", "incrementing"},
                {"connection.url", "jdbc:postgresql://127.0.0.1:" + std::to_string(FreeTcpPort()) + "/ec"}}));
  EXPECT_TRUE(e.count("connection.url")) << json(e).dump();
  ASSERT_TRUE(env().Mariadb("CREATE TABLE pos.v_t (id int PRIMARY KEY);"));
  e = validate(MyConfig({{"topic.prefix", "x"},
                         {"mode", "incrementing"},
                         {"incrementing.column.name", "nope"},
                         {"table.whitelist", "v_t"}}));
  EXPECT_TRUE(e.count("incrementing.column.name")) << json(e).dump();
  e = validate(PgConfig({{"topic.prefix", "x"},
                         {"mode", "incrementing"},
                         {"table.whitelist", "a"},
                         {"table.include.list", "b"}}));
  EXPECT_TRUE(e.count("table.whitelist") && e.count("table.include.list")) << json(e).dump();
  // Create validates too: a wrong password is refused with the cause.
  HttpResponse r = Http(
      w->port(), "POST", "/connectors",
      json{{"name", "badpw"},
           {"config",
            PgConfig({{"mode", "incrementing"}, {"topic.prefix", "x"}, {"connection.password", "wrong"}})}}
          .dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("password authentication failed"), std::string::npos) << r.body;
  // A password changed under a running task fails it with a trace naming the cause.
  ASSERT_TRUE(
      env().Psql("ec",
                 "CREATE USER tmpuser WITH PASSWORD 'tmppass'; CREATE TABLE pw (id serial PRIMARY KEY);"
                 "GRANT ALL ON pw TO tmpuser; INSERT INTO pw DEFAULT VALUES;"));
  ASSERT_TRUE(Create(*w, "pw",
                     PgConfig({{"mode", "incrementing"},
                               {"table.whitelist", "pw"},
                               {"topic.prefix", "pw_"},
                               {"connection.user", "tmpuser"},
                               {"connection.password", "tmppass"}})));
  ASSERT_EQ(Values("pw_pw", 1).size(), 1u);
  ASSERT_TRUE(
      env().Psql("ec",
                 "ALTER USER tmpuser PASSWORD 'changed';"
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'tmpuser';"));
  json s;
  EXPECT_TRUE(WaitUntil(
      [&] {
        s = GetJson(w->port(), "/connectors/pw/status");
        return s["tasks"].size() == 1 && s["tasks"][0].value("state", "") == "FAILED";
      },
      std::chrono::seconds(30)))
      << s.dump();
  EXPECT_NE(s.dump().find("password authentication failed"), std::string::npos) << s.dump();
}

// initial.load.parallel (Sluice extension): a table without offsets is copied in ranges of its
// incrementing column by several tasks, every row exactly once; new rows then come through the
// ordinary poll after the plan's max; after a restart nothing is copied again.
TEST_F(JdbcTest, ParallelInitialLoadCopiesEachRowOnceThenPolls) {
  const int kRows = 30000;
  ASSERT_TRUE(
      env().Psql("ec",
                 "CREATE TABLE par (id bigserial PRIMARY KEY, pad text); GRANT ALL ON par TO connectuser;"
                 "GRANT ALL ON SEQUENCE par_id_seq TO connectuser;"
                 "INSERT INTO par (pad) SELECT 'row' || g FROM generate_series(1, " +
                     std::to_string(kRows) + ") g;"));
  ASSERT_TRUE(
      env().Mariadb("USE pos; CREATE TABLE par (id bigint AUTO_INCREMENT PRIMARY KEY, pad text);"
                    "INSERT INTO par (pad) SELECT concat('row', seq) FROM seq_1_to_3000;"));
  auto ids_once = [&](const std::string& topic, size_t n) {
    std::vector<json> v = Values(topic, n);
    std::map<int64_t, int> seen;
    for (const json& r : v) seen[r["id"].get<int64_t>()]++;
    for (int64_t id = 1; id <= static_cast<int64_t>(n); ++id) {
      EXPECT_EQ(seen[id], 1) << topic << " id " << id;
      if (seen[id] != 1) break;
    }
    return v.size();
  };
  const json pg_extra = {{"mode", "incrementing"},
                         {"table.whitelist", "par"},
                         {"topic.prefix", "par_"},
                         {"initial.load.parallel", "true"},
                         {"batch.max.rows", "1000"}};
  {
    auto w = StartWorker();
    ASSERT_TRUE(Create(*w, "par", PgConfig(pg_extra)));
    json my = MyConfig(pg_extra);
    my["topic.prefix"] = "parmy_";
    my["tasks.max"] = "2";
    ASSERT_TRUE(Create(*w, "parmy", my));
    // One table, three tasks: the ranges are spread over all of them.
    EXPECT_TRUE(WaitUntil([&] { return AllRunning(GetJson(w->port(), "/connectors/par/status"), 3); },
                          std::chrono::seconds(30)))
        << GetJson(w->port(), "/connectors/par/status").dump();
    EXPECT_EQ(ids_once("par_par", kRows), static_cast<size_t>(kRows));
    EXPECT_EQ(ids_once("parmy_par", 3000), 3000u);
    // Each range keeps its own offset, with the plan.
    json offsets = GetJson(w->port(), "/connectors/par/offsets");
    std::set<std::string> ranges;
    for (const auto& o : offsets["offsets"]) {
      if (o["partition"].contains("range")) {
        ranges.insert(o["partition"]["range"].get<std::string>());
        EXPECT_EQ(o["offset"]["min"], 1);
        EXPECT_EQ(o["offset"]["max"], kRows);
      }
    }
    EXPECT_EQ(ranges, (std::set<std::string>{"0", "1", "2"})) << offsets.dump();
    // New rows: through the ordinary poll, after the plan's max.
    ASSERT_TRUE(env().Psql("ec", "INSERT INTO par (pad) SELECT 'new' || g FROM generate_series(1, 5) g;"));
    EXPECT_EQ(ids_once("par_par", kRows + 5), static_cast<size_t>(kRows + 5));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // offsets flushed (200 ms interval)
  }
  // A restart plans nothing again: the table has an offset of its own now.
  auto w = StartWorker();
  ASSERT_TRUE(Create(*w, "par", PgConfig(pg_extra)));
  ASSERT_TRUE(env().Psql("ec", "INSERT INTO par (pad) VALUES ('after restart');"));
  EXPECT_EQ(ids_once("par_par", kRows + 6), static_cast<size_t>(kRows + 6));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(env().Topic("par_par").size(), static_cast<size_t>(kRows + 6));
  EXPECT_TRUE(AllRunning(GetJson(w->port(), "/connectors/par/status"), 1));
}

}  // namespace
}  // namespace sluice::testing
