// Parsing of JDBC connection URLs into what libpq and MariaDB Connector/C need:
//   jdbc:postgresql://host[:port][,host2[:port]]/database?user=u&password=p&sslmode=require
//   jdbc:postgresql:database            (localhost:5432)
//   jdbc:mysql://[user[:password]@]host[:port]/database?useSSL=true   (also jdbc:mariadb://)
// Parameters named as the JDBC drivers name them (user, password, ssl, sslmode, connectTimeout, ...) are
// translated; the rest are kept for the dialect to pass through or ignore.
//
// Thread-safety: pure functions on values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::connectors::jdbc {

enum class Dialect { kPostgres, kMySql };
std::string_view DialectName(Dialect dialect);  // "PostgreSqlDatabaseDialect", "MySqlDatabaseDialect"

struct JdbcUrl {
  Dialect dialect = Dialect::kPostgres;
  std::string host = "localhost";  // the first host of a list
  int port = 0;                    // 0: the dialect's default (5432, 3306)
  std::string database;
  std::string user;      // from the URL (connection.user wins when set)
  std::string password;  // from the URL (connection.password wins when set)
  // Other query parameters, in URL order, %-decoded.
  std::vector<std::pair<std::string, std::string>> params;

  int effective_port() const { return port != 0 ? port : (dialect == Dialect::kPostgres ? 5432 : 3306); }
  // The value of a parameter (case-insensitive key), or "" if absent.
  std::string Param(std::string_view key) const;
};

// InvalidArgument naming what is wrong ("unsupported JDBC URL ...; expected jdbc:postgresql:// ...").
Result<JdbcUrl> ParseJdbcUrl(std::string_view url);

// A libpq conninfo string ("host='h' port='5432' dbname='ec' ...") for the URL, with user and password
// as given; values are quoted and escaped as libpq wants. Known libpq/pgjdbc parameters (sslmode,
// sslrootcert, sslcert, sslkey, ssl=true, connectTimeout, connect_timeout, ApplicationName,
// application_name, options, target_session_attrs) are passed on; others are dropped.
std::string PostgresConnInfo(const JdbcUrl& url, std::string_view user, std::string_view password,
                             int default_connect_timeout_s);

}  // namespace sluice::connectors::jdbc
