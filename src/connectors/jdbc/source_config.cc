// JDBC source configuration. See source_config.h.
#include "connectors/jdbc/source_config.h"

namespace sluice::connectors::jdbc {
namespace {

const char* const kDb = "Database";
const char* const kModeGroup = "Mode";
const char* const kConnector = "Connector";

ConfigKey Key(const char* name, ConfigType type, const char* group, int order) {
  return std::move(ConfigKey(name, type).Group(group, order));
}

bool Set(const connect::ConfigMap& props, const std::string& key) {
  auto it = props.find(key);
  if (it == props.end()) return false;
  return it->second.find_first_not_of(" \t") != std::string::npos;
}

}  // namespace

const ConfigDef& JdbcSourceConfigDef() {
  static const ConfigDef* def = [] {
    auto* d = new ConfigDef();
    d->Define(Key("connection.url", ConfigType::kString, kDb, 1)
                  .Validate(NonEmptyString())
                  .Importance(Importance::kHigh)
                  .Doc("JDBC connection URL: jdbc:postgresql://host:port/database, "
                       "jdbc:mysql://host:port/database or "
                       "jdbc:mariadb://host:port/database; parameters (user, password, sslmode, useSSL, ...) "
                       "after ?.")
                  .Dependents({"table.whitelist", "table.blacklist"}));
    d->Define(Key("connection.user", ConfigType::kString, kDb, 2)
                  .NullDefault()
                  .Importance(Importance::kHigh)
                  .Doc("JDBC connection user."));
    d->Define(Key("connection.password", ConfigType::kPassword, kDb, 3)
                  .NullDefault()
                  .Importance(Importance::kHigh)
                  .Doc("JDBC connection password."));
    d->Define(Key("connection.attempts", ConfigType::kInt, kDb, 4)
                  .Default("3")
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kLow)
                  .Doc("Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive "
                       "integer."));
    d->Define(Key("connection.backoff.ms", ConfigType::kLong, kDb, 5)
                  .Default("10000")
                  .Validate(Range::AtLeast(0))
                  .Importance(Importance::kLow)
                  .Doc("Backoff time in milliseconds between connection attempts."));
    d->Define(Key("catalog.pattern", ConfigType::kString, kDb, 6)
                  .NullDefault()
                  .Importance(Importance::kMedium)
                  .Doc("Catalog pattern to fetch table metadata from the database (MySQL: the database, a "
                       "LIKE pattern)."));
    d->Define(Key("table.whitelist", ConfigType::kList, kDb, 7)
                  .Default("")
                  .Importance(Importance::kMedium)
                  .Doc("List of tables to include in copying. If specified, table.blacklist may not be set. "
                       "Entries match "
                       "the table name or its qualified name (schema.table)."));
    d->Define(
        Key("table.blacklist", ConfigType::kList, kDb, 8)
            .Default("")
            .Importance(Importance::kMedium)
            .Doc("List of tables to exclude from copying. If specified, table.whitelist may not be set."));
    d->Define(
        Key("table.include.list", ConfigType::kList, kDb, 9)
            .Default("")
            .Importance(Importance::kMedium)
            .Doc(
                "List of regular expressions matching fully qualified table names (schema.table) to include. "
                "Not with table.whitelist/table.blacklist."));
    d->Define(Key("table.exclude.list", ConfigType::kList, kDb, 10)
                  .Default("")
                  .Importance(Importance::kMedium)
                  .Doc("List of regular expressions matching fully qualified table names to exclude."));
    d->Define(
        Key("schema.pattern", ConfigType::kString, kDb, 11)
            .NullDefault()
            .Importance(Importance::kHigh)
            .Doc("Schema pattern (SQL LIKE) to fetch table metadata from the database; null: all schemas."));
    d->Define(Key("numeric.precision.mapping", ConfigType::kBoolean, kDb, 12)
                  .Default("false")
                  .Importance(Importance::kLow)
                  .Doc("Deprecated: numeric.mapping=precision_only."));
    d->Define(Key("numeric.mapping", ConfigType::kString, kDb, 13)
                  .NullDefault()
                  .Validate(Validator(
                      [](std::string_view name, const ConfigValue& v) {
                        if (std::holds_alternative<std::monostate>(v)) return Status::OK();
                        const auto& s = std::get<std::string>(v);
                        if (ParseNumericMapping(s).ok()) return Status::OK();
                        return InvalidValue(
                            name, s,
                            "String must be one of: none, precision_only, best_fit, best_fit_eager_double");
                      },
                      "[none, precision_only, best_fit, best_fit_eager_double]"))
                  .Importance(Importance::kLow)
                  .Doc("Map NUMERIC/DECIMAL by precision and scale: none (Decimal), precision_only (integers "
                       "for scale 0), "
                       "best_fit (integers or FLOAT64 when precision < 19), best_fit_eager_double (FLOAT64 "
                       "for any scale > 0). "
                       "Applies to MySQL DECIMAL too."));
    d->Define(Key("dialect.name", ConfigType::kString, kDb, 14)
                  .Default("")
                  .Validate(ValidString::In({"", "PostgreSqlDatabaseDialect", "MySqlDatabaseDialect"}))
                  .Importance(Importance::kLow)
                  .Doc("The dialect; empty: from the URL."));
    d->Define(
        Key("table.types", ConfigType::kList, kDb, 15)
            .Default("TABLE")
            .Importance(Importance::kLow)
            .Doc("Table types to copy: TABLE, VIEW, MATERIALIZED VIEW, FOREIGN TABLE, PARTITIONED TABLE."));
    d->Define(Key("mode", ConfigType::kString, kModeGroup, 1)
                  .Validate(ValidString::In({"bulk", "timestamp", "incrementing", "timestamp+incrementing"}))
                  .Importance(Importance::kHigh)
                  .Doc("The mode for updating a table each time it is polled: bulk, incrementing, timestamp, "
                       "timestamp+incrementing.")
                  .Dependents({"incrementing.column.name", "timestamp.column.name", "validate.non.null"}));
    d->Define(
        Key("incrementing.column.name", ConfigType::kString, kModeGroup, 2)
            .Default("")
            .Importance(Importance::kMedium)
            .Doc("The name of the strictly incrementing column used to detect new rows. Empty: the table's "
                 "auto-increment (serial, identity, AUTO_INCREMENT) column."));
    d->Define(
        Key("timestamp.column.name", ConfigType::kList, kModeGroup, 3)
            .Default("")
            .Importance(Importance::kMedium)
            .Doc("Comma separated list of timestamp columns used to detect new or modified rows; the first "
                 "non-null one is used (COALESCE)."));
    d->Define(Key("timestamp.initial", ConfigType::kLong, kModeGroup, 4)
                  .NullDefault()
                  .Importance(Importance::kLow)
                  .Doc("Epoch ms of the first timestamp to read when there is no offset; -1: now. Null: from "
                       "the epoch."));
    d->Define(Key("validate.non.null", ConfigType::kBoolean, kModeGroup, 5)
                  .Default("true")
                  .Importance(Importance::kLow)
                  .Doc("Fail if the incrementing or timestamp columns are nullable."));
    d->Define(
        Key("query", ConfigType::kString, kModeGroup, 6)
            .Default("")
            .Importance(Importance::kMedium)
            .Doc("A custom query instead of whole tables; it is wrapped, so it may have a WHERE clause."));
    d->Define(Key("quote.sql.identifiers", ConfigType::kString, kModeGroup, 7)
                  .Default("always")
                  .Validate(ValidString::In({"always", "never"}))
                  .Importance(Importance::kMedium)
                  .Doc("When to quote table names, column names and other identifiers."));
    d->Define(Key("query.suffix", ConfigType::kString, kModeGroup, 8)
                  .Default("")
                  .Importance(Importance::kLow)
                  .Doc("Suffix appended to the generated query."));
    d->Define(Key("transaction.isolation.mode", ConfigType::kString, kModeGroup, 9)
                  .Default("DEFAULT")
                  .Validate(ValidString::In(
                      {"DEFAULT", "READ_UNCOMMITTED", "READ_COMMITTED", "REPEATABLE_READ", "SERIALIZABLE"}))
                  .Importance(Importance::kLow)
                  .Doc("Isolation level of the source's queries."));
    d->Define(Key("query.retry.attempts", ConfigType::kInt, kModeGroup, 10)
                  .Default("-1")
                  .Validate(Range::AtLeast(-1))
                  .Importance(Importance::kLow)
                  .Doc("Retries of a query failing with a transient error (deadlock, lock timeout, "
                       "serialization); -1: forever."));
    d->Define(Key("poll.interval.ms", ConfigType::kInt, kConnector, 1)
                  .Default("5000")
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kHigh)
                  .Doc("Frequency in ms to poll for new data in each table."));
    d->Define(Key("batch.max.rows", ConfigType::kInt, kConnector, 2)
                  .Default("100")
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kLow)
                  .Doc("Maximum number of rows in one batch; rows stream from the database in batches of "
                       "this size."));
    d->Define(Key("table.poll.interval.ms", ConfigType::kLong, kConnector, 3)
                  .Default("60000")
                  .Validate(Range::AtLeast(1))
                  .Importance(Importance::kLow)
                  .Doc("Frequency in ms to poll for new or removed tables."));
    d->Define(Key("topic.prefix", ConfigType::kString, kConnector, 4)
                  .Importance(Importance::kHigh)
                  .Doc("Prefix of the topic names: topic = prefix + table name; in query mode the topic is "
                       "the prefix."));
    d->Define(Key("timestamp.delay.interval.ms", ConfigType::kLong, kConnector, 5)
                  .Default("0")
                  .Validate(Range::AtLeast(0))
                  .Importance(Importance::kHigh)
                  .Doc("How long to wait after a row with a certain timestamp appears before including it."));
    d->Define(Key("db.timezone", ConfigType::kString, kConnector, 6)
                  .Default("UTC")
                  .Validate(Validator(
                      [](std::string_view name, const ConfigValue& v) {
                        const auto* s = std::get_if<std::string>(&v);
                        if (s == nullptr || TimeZone::Load(*s).ok()) return Status::OK();
                        return InvalidValue(name, *s, "Invalid time zone identifier");
                      },
                      "Any valid JDK time zone"))
                  .Importance(Importance::kMedium)
                  .Doc("Time zone of the database's date/time values without a zone (timestamp, DATETIME)."));
    d->Define(Key("timestamp.granularity", ConfigType::kString, kConnector, 7)
                  .Default("connect_logical")
                  .Validate(ValidString::In(
                      {"connect_logical", "nanos_long", "nanos_string", "nanos_iso_datetime_string"}))
                  .Importance(Importance::kLow)
                  .Doc("How timestamp columns appear in records."));
    d->Define(
        Key("record.key.mode", ConfigType::kString, kConnector, 8)
            .Default("none")
            .Validate(ValidString::In({"none", "primary_key"}))
            .Importance(Importance::kMedium)
            .Doc("Sluice extension: primary_key keys each record by the table's primary key (a struct of its "
                 "columns); none: no key, as Confluent."));
    d->Define(
        Key("initial.load.parallel", ConfigType::kBoolean, kConnector, 9)
            .Default("false")
            .Importance(Importance::kMedium)
            .Doc("Sluice extension (mode incrementing, table mode): a table without a committed offset is "
                 "first copied as ranges of its incrementing column read by the tasks side by side, then "
                 "polled after the highest value found."));
    return d;
  }();
  return *def;
}

std::vector<std::pair<std::string, std::string>> CrossKeyErrors(const connect::ConfigMap& props) {
  std::vector<std::pair<std::string, std::string>> out;
  bool legacy = Set(props, "table.whitelist") || Set(props, "table.blacklist");
  bool modern = Set(props, "table.include.list") || Set(props, "table.exclude.list");
  if (Set(props, "table.whitelist") && Set(props, "table.blacklist")) {
    out.emplace_back("table.whitelist", "table.whitelist and table.blacklist cannot both be set");
    out.emplace_back("table.blacklist", "table.whitelist and table.blacklist cannot both be set");
  }
  if (legacy && modern) {
    for (const char* k : {"table.whitelist", "table.blacklist", "table.include.list", "table.exclude.list"}) {
      if (Set(props, k)) {
        out.emplace_back(k,
                         "table.whitelist/table.blacklist cannot be used together with "
                         "table.include.list/table.exclude.list");
      }
    }
  }
  for (const char* k : {"table.include.list", "table.exclude.list"}) {
    auto it = props.find(k);
    if (it == props.end()) continue;
    auto parsed = ParseConfigValue(k, it->second, ConfigType::kList);
    if (!parsed.ok()) continue;
    for (const std::string& re : std::get<std::vector<std::string>>(*parsed)) {
      try {
        std::regex r(re);
      } catch (const std::regex_error& e) {
        out.emplace_back(k, "invalid regular expression '" + re + "': " + e.what());
      }
    }
  }
  std::string mode = props.count("mode") ? props.at("mode") : "";
  if ((mode == "timestamp" || mode == "timestamp+incrementing") && !Set(props, "timestamp.column.name")) {
    out.emplace_back("timestamp.column.name", "mode " + mode + " needs timestamp.column.name");
  }
  if (Set(props, "query") && (legacy || modern)) {
    out.emplace_back("query",
                     "query cannot be used with table.whitelist/blacklist/include.list/exclude.list");
  }
  if (Set(props, "query") && mode == "incrementing" && !Set(props, "incrementing.column.name")) {
    out.emplace_back("incrementing.column.name",
                     "query mode with mode incrementing needs incrementing.column.name");
  }
  if (auto it = props.find("initial.load.parallel"); it != props.end() && it->second == "true") {
    if (mode != "incrementing") {
      out.emplace_back("initial.load.parallel",
                       "the parallel initial load needs mode incrementing, not '" + mode + "'");
    }
    if (Set(props, "query"))
      out.emplace_back("initial.load.parallel", "the parallel initial load needs table mode");
  }
  if (auto it = props.find("connection.url"); it != props.end() && Set(props, "connection.url")) {
    if (auto url = ParseJdbcUrl(it->second); !url.ok())
      out.emplace_back("connection.url", url.status().message());
  }
  return out;
}

Result<JdbcSourceConfig> ParseJdbcSourceConfig(const connect::ConfigMap& props) {
  ASSIGN_OR_RETURN(ParsedConfig c, JdbcSourceConfigDef().Parse(props));
  auto errors = CrossKeyErrors(props);
  if (!errors.empty()) {
    return Status::InvalidArgument("Invalid value for configuration " + errors[0].first + ": " +
                                   errors[0].second);
  }
  JdbcSourceConfig out;
  ASSIGN_OR_RETURN(out.connect.url, ParseJdbcUrl(c.GetString("connection.url")));
  out.connect.user = c.GetString("connection.user");
  out.connect.password = c.GetPassword("connection.password").value();
  out.connect.isolation = c.GetString("transaction.isolation.mode");
  out.connection_attempts = c.GetInt("connection.attempts");
  out.connection_backoff_ms = c.GetLong("connection.backoff.ms");
  ASSIGN_OR_RETURN(out.mode, ParseMode(c.GetString("mode")));
  out.incrementing_column = c.GetString("incrementing.column.name");
  out.timestamp_columns = c.GetList("timestamp.column.name");
  if (!c.IsNull("timestamp.initial")) out.timestamp_initial = c.GetLong("timestamp.initial");
  out.validate_non_null = c.GetBool("validate.non.null");
  out.query = c.GetString("query");
  out.query_suffix = c.GetString("query.suffix");
  out.quote = c.GetString("quote.sql.identifiers") == "always";
  out.whitelist = c.GetList("table.whitelist");
  out.blacklist = c.GetList("table.blacklist");
  for (const auto& r : c.GetList("table.include.list")) out.include.emplace_back(r);
  for (const auto& r : c.GetList("table.exclude.list")) out.exclude.emplace_back(r);
  out.table_types = c.GetList("table.types");
  out.schema_pattern = out.connect.url.dialect == Dialect::kMySql ? c.GetString("catalog.pattern")
                                                                  : c.GetString("schema.pattern");
  if (out.connect.url.dialect == Dialect::kMySql && out.schema_pattern.empty())
    out.schema_pattern = c.GetString("schema.pattern");
  if (c.IsNull("numeric.mapping")) {
    out.numeric_mapping =
        c.GetBool("numeric.precision.mapping") ? NumericMapping::kPrecisionOnly : NumericMapping::kNone;
  } else {
    ASSIGN_OR_RETURN(out.numeric_mapping, ParseNumericMapping(c.GetString("numeric.mapping")));
  }
  const std::string& dialect = c.GetString("dialect.name");
  if ((dialect == "PostgreSqlDatabaseDialect" && out.connect.url.dialect != Dialect::kPostgres) ||
      (dialect == "MySqlDatabaseDialect" && out.connect.url.dialect != Dialect::kMySql)) {
    return Status::InvalidArgument("Invalid value " + dialect +
                                   " for configuration dialect.name: the URL is for " +
                                   std::string(DialectName(out.connect.url.dialect)));
  }
  out.poll_interval_ms = c.GetInt("poll.interval.ms");
  out.batch_max_rows = c.GetInt("batch.max.rows");
  out.table_poll_interval_ms = c.GetLong("table.poll.interval.ms");
  out.topic_prefix = c.GetString("topic.prefix");
  out.timestamp_delay_ms = c.GetLong("timestamp.delay.interval.ms");
  ASSIGN_OR_RETURN(out.db_timezone, TimeZone::Load(c.GetString("db.timezone")));
  out.timestamp_granularity = c.GetString("timestamp.granularity");
  out.query_retry_attempts = c.GetInt("query.retry.attempts");
  out.record_key =
      c.GetString("record.key.mode") == "primary_key" ? RecordKeyMode::kPrimaryKey : RecordKeyMode::kNone;
  out.initial_load_parallel = c.GetBool("initial.load.parallel");
  return out;
}

bool TableSelected(const JdbcSourceConfig& config, const TableId& table) {
  const std::string fq = table.Qualified();
  auto listed = [&](const std::vector<std::string>& list) {
    for (const auto& e : list) {
      if (e == table.table || e == fq) return true;
    }
    return false;
  };
  auto matched = [&](const std::vector<std::regex>& res) {
    for (const auto& r : res) {
      if (std::regex_match(fq, r)) return true;
    }
    return false;
  };
  if (!config.whitelist.empty()) return listed(config.whitelist);
  if (!config.blacklist.empty()) return !listed(config.blacklist);
  if (!config.include.empty() && !matched(config.include)) return false;
  return !matched(config.exclude);
}

}  // namespace sluice::connectors::jdbc
