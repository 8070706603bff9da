// The JDBC source's configuration: Confluent's keys, defaults and groups (ConfigDef), parsed into a
// JdbcSourceConfig, plus the cross-key checks that per-key validation cannot do.
//
// Thread-safety: the ConfigDef is built once and immutable; configs are values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "connect/api/connector.h"
#include "connectors/jdbc/column_types.h"
#include "connectors/jdbc/database.h"
#include "connectors/jdbc/query_builder.h"
#include "connectors/jdbc/time_zone.h"

namespace sluice::connectors::jdbc {

const ConfigDef& JdbcSourceConfigDef();

enum class RecordKeyMode { kNone, kPrimaryKey };

struct JdbcSourceConfig {
  ConnectOptions connect;
  int connection_attempts = 3;
  int64_t connection_backoff_ms = 10000;
  Mode mode = Mode::kBulk;
  std::string incrementing_column;  // "" = the auto-increment column
  std::vector<std::string> timestamp_columns;
  std::optional<int64_t> timestamp_initial;  // ms; -1 = now
  bool validate_non_null = true;
  std::string query;
  std::string query_suffix;
  bool quote = true;
  std::vector<std::string> whitelist, blacklist;
  std::vector<std::regex> include, exclude;
  std::vector<std::string> table_types;
  std::string schema_pattern;  // "" = any
  NumericMapping numeric_mapping = NumericMapping::kNone;
  int poll_interval_ms = 5000;
  int batch_max_rows = 100;
  int64_t table_poll_interval_ms = 60000;
  std::string topic_prefix;
  int64_t timestamp_delay_ms = 0;
  TimeZone db_timezone;
  std::string timestamp_granularity = "connect_logical";
  int query_retry_attempts = -1;
  RecordKeyMode record_key = RecordKeyMode::kNone;
  bool initial_load_parallel = false;  // initial_load.h
};

// Parses and checks everything that needs no database. Errors name the key.
Result<JdbcSourceConfig> ParseJdbcSourceConfig(const connect::ConfigMap& props);

// Cross-key problems, as (key, message) pairs; empty if none.
std::vector<std::pair<std::string, std::string>> CrossKeyErrors(const connect::ConfigMap& props);

// Whether the table passes the whitelist/blacklist/include/exclude filters.
bool TableSelected(const JdbcSourceConfig& config, const TableId& table);

}  // namespace sluice::connectors::jdbc
