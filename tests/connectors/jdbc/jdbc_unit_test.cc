// Unit tests of the JDBC source's pure parts: URL parsing, query building, type mapping and cell
// conversion (checked through the JsonConverter), table filters, config cross-checks, task grouping.
#include <gtest/gtest.h>

#include "connect/api/json_converter.h"
#include "connect/api/record.h"
#include "connectors/jdbc/column_types.h"
#include "connectors/jdbc/initial_load.h"
#include "connectors/jdbc/jdbc_url.h"
#include "connectors/jdbc/query_builder.h"
#include "connectors/jdbc/source_config.h"
#include "connectors/jdbc/source_connector.h"
#include "connectors/jdbc/time_zone.h"

namespace sluice::connectors::jdbc {
namespace {

using connect::Value;

TEST(JdbcUrlTest, ParsesSeedUrls) {
  auto pg = ParseJdbcUrl("jdbc:postgresql://ec-data-server/ec");
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  EXPECT_EQ(pg->dialect, Dialect::kPostgres);
  EXPECT_EQ(pg->host, "ec-data-server");
  EXPECT_EQ(pg->effective_port(), 5432);
  EXPECT_EQ(pg->database, "ec");
  auto my = ParseJdbcUrl("jdbc:mysql://pos-data-server:3306/pos");
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->dialect, Dialect::kMySql);
  EXPECT_EQ(my->effective_port(), 3306);
  EXPECT_EQ(my->database, "pos");
  auto maria = ParseJdbcUrl("jdbc:mariadb://u:p%40ss@[::1]:3307/pos?useSSL=true&password=x%26y");
  ASSERT_TRUE(maria.ok()) << maria.status().ToString();
  EXPECT_EQ(maria->host, "::1");
  EXPECT_EQ(maria->port, 3307);
  EXPECT_EQ(maria->user, "u");
  EXPECT_EQ(maria->password, "x&y");  // the query parameter wins, as it comes last
  EXPECT_EQ(maria->Param("usessl"), "true");
}

TEST(JdbcUrlTest, RejectsBadUrls) {
  EXPECT_FALSE(ParseJdbcUrl("jdbc:oracle:thin:@x:1521:db").ok());
  EXPECT_FALSE(ParseJdbcUrl("jdbc:postgresql://h:99999/db").ok());
  EXPECT_FALSE(ParseJdbcUrl("jdbc:mysql://h:3306").ok());
  auto s = ParseJdbcUrl("postgres://h/db?password=secret").status();
  EXPECT_EQ(s.message().find("secret"), std::string::npos) << s.message();
}

TEST(JdbcUrlTest, PostgresConnInfoQuotesAndPassesSsl) {
  auto u =
      ParseJdbcUrl("jdbc:postgresql://h:6543/my'db?sslmode=verify-full&ApplicationName=x&loggerLevel=OFF");
  ASSERT_TRUE(u.ok());
  std::string ci = PostgresConnInfo(*u, "us\\er", "p'w", 10);
  EXPECT_NE(ci.find("host='h' port='6543' dbname='my\\'db' user='us\\\\er' password='p\\'w'"),
            std::string::npos)
      << ci;
  EXPECT_NE(ci.find("sslmode='verify-full'"), std::string::npos);
  EXPECT_NE(ci.find("application_name='x'"), std::string::npos);
  EXPECT_NE(ci.find("connect_timeout='10'"), std::string::npos);
  EXPECT_EQ(ci.find("loggerLevel"), std::string::npos);
}

TEST(QueryBuilderTest, ModesAsConfluent) {
  QuerySpec s;
  s.table = TableId{"public", "ec_uriage"};
  s.mode = Mode::kIncrementing;
  s.incrementing_column = "seq";
  BuiltQuery q = BuildQuery(s);
  EXPECT_EQ(q.sql, R"(SELECT * FROM "public"."ec_uriage" WHERE "seq" > $1 ORDER BY "seq" ASC)");
  ASSERT_EQ(q.params.size(), 1u);
  s.mode = Mode::kTimestamp;
  s.timestamp_columns = {"updated", "created"};
  q = BuildQuery(s);
  EXPECT_EQ(q.sql, R"(SELECT * FROM "public"."ec_uriage" WHERE COALESCE("updated", "created") > $1 AND )"
                   R"(COALESCE("updated", "created") < $2 ORDER BY COALESCE("updated", "created") ASC)");
  s.mode = Mode::kTimestampIncrementing;
  s.timestamp_columns = {"ts"};
  s.dialect = Dialect::kMySql;
  s.table = TableId{"pos", "po`s"};
  q = BuildQuery(s);
  EXPECT_EQ(q.sql,
            "SELECT * FROM `pos`.`po``s` WHERE `ts` < ? AND ((`ts` = ? AND `seq` > ?) OR `ts` > ?) "
            "ORDER BY `ts`, `seq` ASC");
  EXPECT_EQ(q.params, (std::vector<ParamRole>{ParamRole::kTimestampEnd, ParamRole::kTimestampBegin,
                                              ParamRole::kIncrementing, ParamRole::kTimestampBegin}));
  s.mode = Mode::kBulk;
  s.suffix = "LIMIT 10";
  s.quote = false;
  EXPECT_EQ(BuildQuery(s).sql, "SELECT * FROM pos.po`s LIMIT 10");
}

TEST(QueryBuilderTest, CustomQueryIsWrapped) {
  QuerySpec s;
  s.query = "SELECT * FROM t WHERE shop = 'A'";
  s.mode = Mode::kIncrementing;
  s.incrementing_column = "id";
  EXPECT_EQ(
      BuildQuery(s).sql,
      R"(SELECT * FROM (SELECT * FROM t WHERE shop = 'A') AS sluice_query WHERE "id" > $1 ORDER BY "id" ASC)");
  s.mode = Mode::kBulk;
  EXPECT_EQ(BuildQuery(s).sql, s.query);
}

ColumnInfo Numeric(int p, int s) {
  return ColumnInfo{.name = std::string("n"),
                    .type_name = std::string("numeric"),
                    .kind = SqlKind::kNumeric,
                    .precision = p,
                    .scale = s};
}

TEST(ColumnTypesTest, NumericMappingAsConfluent) {
  EXPECT_EQ(PlanColumn(Numeric(10, 2), NumericMapping::kNone).target, Target::kDecimal);
  EXPECT_EQ(PlanColumn(Numeric(5, 0), NumericMapping::kPrecisionOnly).target, Target::kInt32);
  EXPECT_EQ(PlanColumn(Numeric(2, 0), NumericMapping::kPrecisionOnly).target, Target::kInt8);
  EXPECT_EQ(PlanColumn(Numeric(4, 0), NumericMapping::kBestFit).target, Target::kInt16);
  EXPECT_EQ(PlanColumn(Numeric(18, 0), NumericMapping::kBestFit).target, Target::kInt64);
  EXPECT_EQ(PlanColumn(Numeric(19, 0), NumericMapping::kBestFit).target, Target::kDecimal);
  EXPECT_EQ(PlanColumn(Numeric(10, 2), NumericMapping::kBestFit).target, Target::kFloat64);
  EXPECT_EQ(PlanColumn(Numeric(30, 2), NumericMapping::kBestFit).target, Target::kDecimal);
  EXPECT_EQ(PlanColumn(Numeric(30, 2), NumericMapping::kBestFitEagerDouble).target, Target::kFloat64);
  EXPECT_EQ(PlanColumn(Numeric(0, 0), NumericMapping::kNone).target, Target::kString);
  ColumnPlan d = PlanColumn(Numeric(10, 2), NumericMapping::kNone);
  EXPECT_EQ(*d.schema->parameter("scale"), "2");
  EXPECT_EQ(*d.schema->parameter("connect.decimal.precision"), "10");
  EXPECT_TRUE(d.schema->optional());
}

// The JSON of one converted cell, schemaless (JsonConverter, decimal.format=NUMERIC).
std::string Json(SqlKind kind, std::string_view text, const TimeZone& tz = TimeZone(), bool tz_aware = false,
                 NumericMapping m = NumericMapping::kNone, int p = 0, int s = 0) {
  ColumnInfo c = Numeric(p, s);
  c.kind = kind;
  c.tz_aware = tz_aware;
  ColumnPlan plan = PlanColumn(c, m);
  Cell cell{text.data(), text.size(), false};
  int32_t nanos = 0;
  auto v = ConvertCell(plan, cell, tz, &nanos);
  if (!v.ok()) return "error: " + v.status().message();
  connect::JsonConverter conv({.schemas_enable = false, .decimal_format = connect::DecimalFormat::kNumeric});
  auto j = conv.FromConnectData(plan.schema.get(), *v);
  return j.ok() ? *j : "error: " + j.status().message();
}

TEST(ColumnTypesTest, ConvertsPostgresText) {
  EXPECT_EQ(Json(SqlKind::kBoolean, "t"), "true");
  EXPECT_EQ(Json(SqlKind::kInt64, "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Json(SqlKind::kFloat32, "1.5"), "1.5");
  EXPECT_EQ(Json(SqlKind::kFloat64, "NaN"), "\"NaN\"");
  EXPECT_EQ(Json(SqlKind::kMoney, "-$1,234.50"), "-1234.5");
  EXPECT_EQ(
      Json(SqlKind::kNumeric, "12345678901234567890.12", TimeZone(), false, NumericMapping::kNone, 22, 2),
      "12345678901234567890.12");
  EXPECT_EQ(Json(SqlKind::kNumeric, "-0.50", TimeZone(), false, NumericMapping::kBestFit, 5, 2), "-0.5");
  EXPECT_EQ(Json(SqlKind::kNumeric, "123", TimeZone(), false, NumericMapping::kBestFit, 5, 0), "123");
  EXPECT_EQ(Json(SqlKind::kPgBytea, "\\x00ff10"), "\"AP8Q\"");
  EXPECT_EQ(Json(SqlKind::kDate, "2018-10-05"), "17809");
  EXPECT_EQ(Json(SqlKind::kTime, "11:11:11.5"), "40271500");
  EXPECT_EQ(Json(SqlKind::kTime, "11:11:11+02"), "33071000");
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-10-05 11:11:11"), "1538737871000");  // the seed's value
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-10-05 11:11:11.123456+09"), "1538705471123");
  EXPECT_EQ(Json(SqlKind::kTimestamp, "infinity"), "9223372036825200000");
  EXPECT_EQ(Json(SqlKind::kYear, "2018"), "17532");
}

TEST(ColumnTypesTest, DbTimezoneAppliesToZonelessTimestamps) {
  auto seoul = TimeZone::Load("Asia/Seoul");
  ASSERT_TRUE(seoul.ok()) << seoul.status().ToString();
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-10-05 20:11:11", *seoul), "1538737871000");
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-10-05 11:11:11", *seoul, /*tz_aware=*/true), "1538737871000");
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-07-01 08:00:00", *ny), "1530446400000");  // EDT, -4
  EXPECT_EQ(Json(SqlKind::kTimestamp, "2018-01-01 07:00:00", *ny), "1514808000000");  // EST, -5
  auto fixed = TimeZone::Load("+09:00");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->OffsetAt(0), 9 * 3600);
  EXPECT_FALSE(TimeZone::Load("Mars/Olympus").ok());
  EXPECT_EQ(FormatTimestamp(1538737871123, 123456000, *seoul, false, false), "2018-10-05 20:11:11.123456");
  EXPECT_EQ(FormatTimestamp(1538737871123, 123456000, *seoul, true, true), "2018-10-05 11:11:11.123456+00");
}

connect::ConfigMap Props(std::initializer_list<std::pair<const std::string, std::string>> extra) {
  connect::ConfigMap m = {
      {"connection.url", "jdbc:postgresql://h/ec"}, {"mode", "incrementing"}, {"topic.prefix", "p_"}};
  for (const auto& [k, v] : extra) m[k] = v;
  return m;
}

TEST(SourceConfigTest, FiltersTables) {
  auto c = ParseJdbcSourceConfig(Props({{"table.whitelist", "ec_uriage, public.other"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(TableSelected(*c, {"public", "ec_uriage"}));
  EXPECT_TRUE(TableSelected(*c, {"public", "other"}));
  EXPECT_FALSE(TableSelected(*c, {"x", "other"}));
  c = ParseJdbcSourceConfig(Props({{"table.blacklist", "ec_uriage"}}));
  EXPECT_FALSE(TableSelected(*c, {"public", "ec_uriage"}));
  EXPECT_TRUE(TableSelected(*c, {"public", "b"}));
  c = ParseJdbcSourceConfig(
      Props({{"table.include.list", "public\\.ec_.*"}, {"table.exclude.list", ".*_old"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(TableSelected(*c, {"public", "ec_uriage"}));
  EXPECT_FALSE(TableSelected(*c, {"public", "ec_uriage_old"}));
  EXPECT_FALSE(TableSelected(*c, {"public", "pos_uriage"}));
}

TEST(SourceConfigTest, CrossKeyErrorsNameTheKeys) {
  auto errs = CrossKeyErrors(Props({{"table.whitelist", "a"}, {"table.include.list", "b"}}));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].first, "table.whitelist");
  EXPECT_EQ(errs[1].first, "table.include.list");
  errs = CrossKeyErrors(Props({{"mode", "timestamp"}}));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].first, "timestamp.column.name");
  errs = CrossKeyErrors(Props({{"table.include.list", "("}}));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].first, "table.include.list");
  EXPECT_FALSE(ParseJdbcSourceConfig(Props({{"numeric.mapping", "best"}})).ok());
  EXPECT_FALSE(ParseJdbcSourceConfig(Props({{"db.timezone", "Nowhere/City"}})).ok());
  auto v = JdbcSourceConfigDef().Validate(
      connect::ConfigMap{{"connection.url", "jdbc:postgresql://h/ec"}, {"topic.prefix", "x"}});
  bool mode_error = false;
  for (const auto& e : v) mode_error |= e.name == "mode" && !e.errors.empty();
  EXPECT_TRUE(mode_error);
}

TEST(SourceConnectorTest, GroupsTablesOverTasks) {
  std::vector<TableId> t = {{"s", "a"}, {"s", "b"}, {"s", "c"}, {"s", "d"}, {"s", "e"}};
  auto g = GroupTables(t, 3);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].size(), 2u);
  EXPECT_EQ(g[1].size(), 2u);
  EXPECT_EQ(g[2].size(), 1u);
  EXPECT_EQ(GroupTables({{"s", "a"}}, 3).size(), 1u);  // min(#tables, tasks.max)
  EXPECT_TRUE(GroupTables({}, 3).empty());
}

// The parallel initial load's ranges cover [min, max] without gap or overlap, first ones larger.
TEST(InitialLoadTest, RangesSplitTheSpanEvenly) {
  auto bounds = [](LoadPlan plan) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (int k = 0; k < plan.ranges; ++k) {
      LoadRange r{TableId{"s", "t"}, k, plan};
      out.emplace_back(r.low(), r.high());
    }
    return out;
  };
  using B = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(bounds({1, 10, 3}), (B{{0, 4}, {4, 7}, {7, 10}}));
  EXPECT_EQ(bounds({5, 5, 1}), (B{{4, 5}}));
  EXPECT_EQ(bounds({-10, 9, 4}), (B{{-11, -6}, {-6, -1}, {-1, 4}, {4, 9}}));
  const int64_t big = int64_t{1} << 62;
  B b = bounds({-big, big, 7});
  EXPECT_EQ(b.front().first, -big - 1);
  EXPECT_EQ(b.back().second, big);
  for (size_t i = 1; i < b.size(); ++i) EXPECT_EQ(b[i].first, b[i - 1].second);
}

TEST(InitialLoadTest, PlanInOffsetsAndTaskConfigsRoundTrip) {
  const LoadPlan plan{3, 99, 4};
  connect::Map m;
  m.push_back(connect::MapEntry{connect::Value("incrementing"), connect::Value(int64_t{40})});
  AddPlanToOffset(plan, &m);
  EXPECT_EQ(PlanFromOffset(connect::Value(m)), plan);
  EXPECT_FALSE(PlanFromOffset(connect::StringMap({{"incrementing", "1"}})).has_value());
  std::vector<LoadRange> ranges = {{TableId{"public", "t"}, 1, plan}, {TableId{"", "u"}, 3, plan}};
  auto decoded = DecodeRanges(EncodeRanges(ranges));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[1].table.table, "u");
  EXPECT_EQ((*decoded)[1].index, 3);
  EXPECT_EQ((*decoded)[1].plan, plan);
  EXPECT_FALSE(DecodeRanges(R"([["s","t",4,3,99,4]])").ok());  // index beyond the plan
  EXPECT_FALSE(DecodeRanges("{}").ok());
  auto tails = DecodeTails(EncodeTails({{TableId{"public", "t"}, 99}}));
  ASSERT_TRUE(tails.ok());
  EXPECT_EQ((*tails)[0].second, 99);
}

TEST(InitialLoadTest, RangeQueryHasAnUpperBoundAndConfigNeedsIncrementing) {
  QuerySpec spec;
  spec.dialect = Dialect::kPostgres;
  spec.mode = Mode::kIncrementing;
  spec.table = TableId{"public", "t"};
  spec.incrementing_column = "id";
  spec.upper_bound = true;
  BuiltQuery q = BuildQuery(spec);
  EXPECT_EQ(q.sql, R"(SELECT * FROM "public"."t" WHERE "id" > $1 AND "id" <= $2 ORDER BY "id" ASC)");
  EXPECT_EQ(q.params, (std::vector<ParamRole>{ParamRole::kIncrementing, ParamRole::kIncrementingEnd}));
  connect::ConfigMap props = {{"connection.url", "jdbc:postgresql://h/db"},
                              {"mode", "timestamp"},
                              {"timestamp.column.name", "ts"},
                              {"initial.load.parallel", "true"}};
  bool named = false;
  for (const auto& [key, msg] : CrossKeyErrors(props)) named |= key == "initial.load.parallel";
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace sluice::connectors::jdbc
