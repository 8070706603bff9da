// The database behind the connector, one connection: catalog queries (tables, primary keys, the
// auto-increment column), prepared statements whose results stream in bounded batches (PostgreSQL: a
// cursor in a read transaction, FETCH of fetch_rows rows with the next FETCH sent ahead; MariaDB: an
// unbuffered binary-protocol result), and error classification:
//   Unavailable  - the server cannot be reached or the connection broke (retry, reconnect)
//   Aborted      - a transient query failure (deadlock, serialization, lock timeout, cancel)
//   InvalidArgument / NotFound / other - permanent (wrong password, unknown database, missing table)
// Implementations: postgres_database.cc (libpq), mysql_database.cc (MariaDB Connector/C).
//
// Thread-safety: one thread uses a Database and its statements; only Cancel() may be called from
// another thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/jdbc/column_types.h"
#include "connectors/jdbc/jdbc_url.h"

namespace sluice::connectors::jdbc {

struct TableId {
  std::string schema;  // PostgreSQL schema, MySQL database
  std::string table;
  std::string Qualified() const { return schema.empty() ? table : schema + "." + table; }
  friend auto operator<=>(const TableId&, const TableId&) = default;
};

struct ConnectOptions {
  JdbcUrl url;
  std::string user;
  std::string password;
  std::string isolation;  // transaction.isolation.mode: DEFAULT, READ_COMMITTED, ...
  int connect_timeout_s = 30;
};

// A query parameter: an integer or text the server converts to the compared column's type.
struct Param {
  bool is_int = false;
  int64_t i = 0;
  std::string text;
  static Param Int(int64_t v) { return Param{true, v, {}}; }
  static Param Text(std::string v) { return Param{false, 0, std::move(v)}; }
};

class Statement {
 public:
  virtual ~Statement() = default;
  // The result's columns (known from the prepare, before any execution).
  virtual const std::vector<ColumnInfo>& columns() const = 0;
  // Starts executing; rows then stream through Next(). fetch_rows: rows per round trip where the
  // database reads in batches (PostgreSQL FETCH); at most about two batches are held in memory.
  virtual Status Execute(const std::vector<Param>& params, size_t fetch_rows = 1000) = 0;
  // The next row, one Cell per column valid until the next call; false when the result is done.
  virtual Result<bool> Next(std::vector<Cell>& row) = 0;
  // Whether a result is being read.
  virtual bool active() const = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Tables of these types ("TABLE", "VIEW", ...) that the user can read, matching the SQL LIKE pattern
  // (empty: any schema; for MySQL the connection's database unless a pattern is given).
  virtual Result<std::vector<TableId>> ListTables(const std::vector<std::string>& types,
                                                  const std::string& schema_pattern) = 0;
  // The primary key's columns in key order (empty if none).
  virtual Result<std::vector<std::string>> PrimaryKey(const TableId& table) = 0;
  // The serial/identity/AUTO_INCREMENT column, or "" if none.
  virtual Result<std::string> AutoIncrementColumn(const TableId& table) = 0;
  // Columns of a table (name, nullability, type) without reading it.
  virtual Result<std::vector<ColumnInfo>> DescribeTable(const TableId& table) = 0;
  // The server's current time, epoch microseconds.
  virtual Result<int64_t> NowMicros() = 0;
  // Prepares `sql` (placeholders written as Placeholder(i)).
  // REQUIRES: the statement is destroyed before this Database (it deallocates through the connection).
  virtual Result<std::unique_ptr<Statement>> Prepare(const std::string& sql, int params) = 0;
  // Whether the connection still works (cheap; a round trip).
  virtual bool IsValid() = 0;
  // Asks the server to stop the running statement (any thread).
  virtual void Cancel() = 0;

  // Identifier quoting and placeholders of the dialect.
  std::string Quote(const std::string& identifier) const;
  std::string Placeholder(int index) const;  // 1-based: $1 or ?
};

// Connects (one attempt). Errors are classified as above.
Result<std::unique_ptr<Database>> ConnectPostgres(const ConnectOptions& options);
Result<std::unique_ptr<Database>> ConnectMySql(const ConnectOptions& options);
Result<std::unique_ptr<Database>> Connect(const ConnectOptions& options);

// Whether an error means the connection is gone (reconnect and retry).
inline bool IsConnectionError(const Status& s) { return s.code() == Status::Code::kUnavailable; }

}  // namespace sluice::connectors::jdbc
