// In-process checks of what the JDBC source reuses (against the PostgreSQL of JdbcEnv, started by
// jdbc_integration_test's environment): a parked connection is taken by the next connect with the same
// options and by no other; records handed back by the runtime are refilled in place with the same
// values as new ones; offsets built by the encoder are Confluent's.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "connectors/jdbc/connection_cache.h"
#include "connectors/jdbc/source_config.h"
#include "connectors/jdbc/table_querier.h"
#include "jdbc_test_env.h"

namespace sluice::testing {
namespace {

using connectors::jdbc::ConnectOrReuse;
using connectors::jdbc::Database;
using connectors::jdbc::JdbcSourceConfig;
using connectors::jdbc::ParkConnection;
using connectors::jdbc::TableId;
using connectors::jdbc::TableQuerier;

JdbcSourceConfig PgSourceConfig() {
  auto cfg = connectors::jdbc::ParseJdbcSourceConfig({{"connection.url", JdbcEnv::Get().pg_url()},
                                                      {"connection.user", "connectuser"},
                                                      {"connection.password", "connectpass"},
                                                      {"mode", "incrementing"},
                                                      {"incrementing.column.name", "id"},
                                                      {"topic.prefix", "reuse_"}});
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return *cfg;
}

TEST(JdbcReuseTest, ParkedConnectionGoesToTheNextConnectWithTheSameOptions) {
  JdbcSourceConfig cfg = PgSourceConfig();
  auto db = ConnectOrReuse(cfg.connect);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  const Database* parked = db->get();
  ParkConnection(cfg.connect, std::move(*db));
  connectors::jdbc::ConnectOptions other = cfg.connect;
  other.isolation = "SERIALIZABLE";  // another session: not interchangeable
  auto fresh = ConnectOrReuse(other);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_NE(fresh->get(), parked);
  auto again = ConnectOrReuse(cfg.connect);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->get(), parked);
  EXPECT_TRUE((*again)->NowMicros().ok());
  auto next = ConnectOrReuse(cfg.connect);  // taken: a new one
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->get(), parked);
}

TEST(JdbcReuseTest, ReusedRecordsMatchNewOnesAndOffsetsAreConfluents) {
  JdbcEnv& env = JdbcEnv::Get();
  ASSERT_TRUE(env.Psql("ec", R"(
CREATE TABLE reuse_t (id bigint PRIMARY KEY, name varchar(40), ts timestamp, n int);
INSERT INTO reuse_t SELECT g, 'a rather long name number ' || g, timestamp '2018-10-01' + g * interval '1 s',
  CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 10) g;
GRANT ALL ON reuse_t TO connectuser;
)"));
  JdbcSourceConfig cfg = PgSourceConfig();
  auto db = ConnectOrReuse(cfg.connect);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto read_all = [&](TableQuerier& q, std::vector<connect::SourceRecord>& out, size_t per_read) {
    std::vector<std::string> rows;
    EXPECT_TRUE(q.StartQuery(**db).ok());
    bool done = false;
    while (!done) {
      // As the task does: the previous records are given back and overwritten in place.
      Status s = q.Read(per_read, out, 0, &done);
      EXPECT_TRUE(s.ok()) << s.ToString();
      for (const connect::SourceRecord& r : out) {
        const connect::Struct& v = r.value.get<connect::Struct>();
        std::string row = r.topic;
        for (const connect::Value& f : v.values()) {
          row += ' ';
          if (auto i = f.get_if<int64_t>()) row += std::to_string(*i);
          if (auto i = f.get_if<int32_t>()) row += std::to_string(*i);
          if (auto t = f.get_if<std::string>()) row += *t;
          if (f.is_null()) row += "null";
        }
        const connect::Value offset = connect::SourceOffsetOf(r);
        const connect::Value* inc = connect::MapGet(offset, "incrementing");
        EXPECT_TRUE(inc != nullptr && offset.get<connect::Map>().size() == 1);
        if (inc != nullptr) {
          EXPECT_EQ(inc->get<int64_t>(), v.GetAt(0).get<int64_t>());
        }
        EXPECT_TRUE(r.shared_partition != nullptr);
        rows.push_back(row);
      }
    }
    return rows;
  };
  std::vector<std::string> once, in_threes;
  {  // (the queriers' statements go before the connection, as in the task)
    TableQuerier fresh_q(cfg, TableId{"public", "reuse_t"});
    std::vector<connect::SourceRecord> fresh;
    once = read_all(fresh_q, fresh, 100);  // one read: all new records
    TableQuerier reuse_q(cfg, TableId{"public", "reuse_t"});
    std::vector<connect::SourceRecord> reused;
    in_threes = read_all(reuse_q, reused, 3);  // reads of 3 over the last ones
  }
  ASSERT_EQ(once.size(), 10u);
  EXPECT_EQ(once, in_threes);
  EXPECT_EQ(once[1], "reuse_reuse_t 2 a rather long name number 2 1538352002000 2");
  EXPECT_EQ(once[2], "reuse_reuse_t 3 a rather long name number 3 1538352003000 null");
  db->reset();
  ASSERT_TRUE(env.Psql("ec", "DROP TABLE reuse_t;"));
}

}  // namespace
}  // namespace sluice::testing
