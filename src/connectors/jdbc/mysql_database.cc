// MariaDB/MySQL through MariaDB Connector/C. See database.h. Session: time_zone '+00:00' (TIMESTAMP
// columns read as UTC), utf8mb4, long net_write_timeout (a result may be read slowly). Statements use
// the binary protocol without mysql_stmt_store_result, so rows stream from the server; integers, floats
// and dates/times are fetched natively (dates as MYSQL_TIME, not formatted to text and parsed back),
// everything else as text/bytes in buffers that grow on truncation.
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <cstring>

#include "connectors/jdbc/database.h"
#include "connectors/jdbc/query_builder.h"

namespace sluice::connectors::jdbc {
namespace {

bool IsConnectionErrno(unsigned e) {
  return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
         e == CR_CONN_HOST_ERROR || e == CR_SERVER_LOST_EXTENDED || e == ER_SERVER_SHUTDOWN ||
         e == ER_CONNECTION_KILLED || e == ER_CON_COUNT_ERROR || e == CR_UNKNOWN_HOST ||
         e == ER_NET_READ_INTERRUPTED || e == 2026 /*SSL*/ || e == CR_COMMANDS_OUT_OF_SYNC;
}

Status Classify(unsigned e, const std::string& msg) {
  if (IsConnectionErrno(e)) return Status::Unavailable(msg);
  if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT || e == ER_QUERY_INTERRUPTED)
    return Status::Aborted(msg);
  if (e == ER_NO_SUCH_TABLE || e == ER_BAD_DB_ERROR) return Status::NotFound(msg);
  return Status::InvalidArgument(msg + " (error " + std::to_string(e) + ")");
}

Status ConnError(MYSQL* m, std::string_view what) {
  return Classify(mysql_errno(m), std::string(what) + ": " + mysql_error(m));
}
Status StmtError(MYSQL_STMT* s, std::string_view what) {
  // Connector/C leaves the statement's error code unset when the server goes away in the middle of a
  // result: a failure without a code is a lost connection (retriable), not a bad statement.
  if (mysql_stmt_errno(s) == 0) return Status::Unavailable(std::string(what) + ": the connection was lost");
  return Classify(mysql_stmt_errno(s), std::string(what) + ": " + mysql_stmt_error(s));
}

ColumnInfo FromField(const MYSQL_FIELD& f) {
  ColumnInfo c;
  c.name = f.name;
  c.nullable = (f.flags & NOT_NULL_FLAG) == 0;
  const bool is_unsigned = (f.flags & UNSIGNED_FLAG) != 0;
  const bool binary = f.charsetnr == 63;
  switch (f.type) {
    case MYSQL_TYPE_TINY:
      c.type_name = f.length == 1 ? "TINYINT(1)" : "TINYINT";
      c.kind = f.length == 1 ? SqlKind::kBit : (is_unsigned ? SqlKind::kInt16 : SqlKind::kInt8);
      c.format = CellFormat::kNativeInt64;
      break;
    case MYSQL_TYPE_SHORT:
      c.type_name = "SMALLINT";
      c.kind = is_unsigned ? SqlKind::kInt32 : SqlKind::kInt16;
      c.format = CellFormat::kNativeInt64;
      break;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
      c.type_name = f.type == MYSQL_TYPE_INT24 ? "MEDIUMINT" : "INT";
      c.kind = is_unsigned ? SqlKind::kInt64 : SqlKind::kInt32;
      c.format = CellFormat::kNativeInt64;
      break;
    case MYSQL_TYPE_LONGLONG:
      c.type_name = "BIGINT";
      c.kind = SqlKind::kInt64;
      c.format = is_unsigned ? CellFormat::kNativeUInt64 : CellFormat::kNativeInt64;
      break;
    case MYSQL_TYPE_YEAR:
      c.type_name = "YEAR";
      c.kind = SqlKind::kYear;
      c.format = CellFormat::kNativeInt64;
      break;
    case MYSQL_TYPE_FLOAT:
      c.type_name = "FLOAT";
      c.kind = SqlKind::kFloat32;
      c.format = CellFormat::kNativeFloat;
      break;
    case MYSQL_TYPE_DOUBLE:
      c.type_name = "DOUBLE";
      c.kind = SqlKind::kFloat64;
      c.format = CellFormat::kNativeDouble;
      break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      c.type_name = "DECIMAL";
      c.kind = SqlKind::kNumeric;
      c.scale = static_cast<int>(f.decimals);
      c.precision = static_cast<int>(f.length) - (f.decimals > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      c.type_name = "DATE";
      c.kind = SqlKind::kDate;
      c.format = CellFormat::kNativeTime;
      break;
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2:
      c.type_name = "TIME";
      c.kind = SqlKind::kTime;
      c.format = CellFormat::kNativeTime;
      break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2:
      c.type_name = "DATETIME";
      c.kind = SqlKind::kTimestamp;
      c.format = CellFormat::kNativeTime;
      break;
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
      c.type_name = "TIMESTAMP";
      c.kind = SqlKind::kTimestamp;
      c.tz_aware = true;  // the session reads it in UTC
      c.format = CellFormat::kNativeTime;
      break;
    case MYSQL_TYPE_BIT:
      c.type_name = "BIT(" + std::to_string(f.length) + ")";
      c.kind = f.length == 1 ? SqlKind::kBit : SqlKind::kBytes;
      break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      c.type_name = binary ? "BLOB" : "TEXT";
      c.kind = binary ? SqlKind::kBytes : SqlKind::kString;
      break;
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_STRING:
      c.type_name = (f.flags & ENUM_FLAG)  ? "ENUM"
                    : (f.flags & SET_FLAG) ? "SET"
                    : binary               ? "BINARY"
                                           : "CHAR";
      c.kind = binary ? SqlKind::kBytes : SqlKind::kString;
      break;
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
    case MYSQL_TYPE_JSON:
      c.type_name = f.type == MYSQL_TYPE_JSON ? "JSON" : f.type == MYSQL_TYPE_ENUM ? "ENUM" : "SET";
      c.kind = SqlKind::kString;
      break;
    default:
      c.type_name = "type " + std::to_string(f.type);
      c.kind = SqlKind::kUnsupported;
      break;
  }
  return c;
}

class MyStatement final : public Statement {
 public:
  MyStatement(MYSQL_STMT* stmt, std::vector<ColumnInfo> columns) : stmt_(stmt), columns_(std::move(columns)) {
    const size_t n = columns_.size();
    binds_.assign(n, MYSQL_BIND{});
    lengths_.assign(n, 0);
    nulls_.assign(n, 0);
    errors_.assign(n, 0);
    buffers_.resize(n);
    times_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      MYSQL_BIND& b = binds_[i];
      switch (columns_[i].format) {
        case CellFormat::kNativeInt64:
        case CellFormat::kNativeUInt64:
          buffers_[i].resize(8);
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.is_unsigned = columns_[i].format == CellFormat::kNativeUInt64;
          break;
        case CellFormat::kNativeDouble:
          buffers_[i].resize(8);
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          break;
        case CellFormat::kNativeFloat:
          buffers_[i].resize(4);
          b.buffer_type = MYSQL_TYPE_FLOAT;
          break;
        case CellFormat::kNativeTime:  // MYSQL_TIME, turned into a NativeTime per row
          buffers_[i].resize(sizeof(MYSQL_TIME));
          b.buffer_type = columns_[i].kind == SqlKind::kTime ? MYSQL_TYPE_TIME : MYSQL_TYPE_DATETIME;
          break;
        case CellFormat::kText:
        case CellFormat::kPgBinary:  // (not a MariaDB format)
          buffers_[i].resize(64);
          b.buffer_type = columns_[i].kind == SqlKind::kBytes || columns_[i].kind == SqlKind::kBit
                              ? MYSQL_TYPE_BLOB
                              : MYSQL_TYPE_STRING;
          break;
      }
      b.buffer = buffers_[i].data();
      b.buffer_length = static_cast<unsigned long>(buffers_[i].size());
      b.length = &lengths_[i];
      b.is_null = &nulls_[i];
      b.error = &errors_[i];
    }
  }
  ~MyStatement() override { mysql_stmt_close(stmt_); }

  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  bool active() const override { return active_; }

  Status Execute(const std::vector<Param>& params, size_t /*fetch_rows*/) override {
    if (active_) {
      mysql_stmt_free_result(stmt_);
      active_ = false;
    }
    std::vector<MYSQL_BIND> pb(params.size(), MYSQL_BIND{});
    std::vector<long long> ints(params.size());
    std::vector<unsigned long> lens(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i].is_int) {
        ints[i] = params[i].i;
        pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
        pb[i].buffer = &ints[i];
      } else {
        lens[i] = static_cast<unsigned long>(params[i].text.size());
        pb[i].buffer_type = MYSQL_TYPE_STRING;
        pb[i].buffer = const_cast<char*>(params[i].text.data());
        pb[i].buffer_length = lens[i];
        pb[i].length = &lens[i];
      }
    }
    if (!pb.empty() && mysql_stmt_bind_param(stmt_, pb.data()) != 0) return StmtError(stmt_, "bind failed");
    if (mysql_stmt_execute(stmt_) != 0) return StmtError(stmt_, "query failed");
    if (!binds_.empty() && mysql_stmt_bind_result(stmt_, binds_.data()) != 0)
      return StmtError(stmt_, "bind failed");
    active_ = true;
    return Status::OK();
  }

  Result<bool> Next(std::vector<Cell>& row) override {
    if (!active_) return false;
    int rc = mysql_stmt_fetch(stmt_);
    if (rc == MYSQL_NO_DATA) {
      mysql_stmt_free_result(stmt_);
      active_ = false;
      return false;
    }
    if (rc == 1) {
      Status err = StmtError(stmt_, "fetch failed");
      active_ = false;
      return err;
    }
    const size_t n = columns_.size();
    if (rc == MYSQL_DATA_TRUNCATED) {
      bool rebind = false;
      for (size_t i = 0; i < n; ++i) {
        if (nulls_[i] || columns_[i].format != CellFormat::kText || lengths_[i] <= buffers_[i].size())
          continue;
        buffers_[i].resize(lengths_[i] + 1);
        binds_[i].buffer = buffers_[i].data();
        binds_[i].buffer_length = static_cast<unsigned long>(buffers_[i].size());
        if (mysql_stmt_fetch_column(stmt_, &binds_[i], static_cast<unsigned>(i), 0) != 0) {
          return StmtError(stmt_, "fetch failed");
        }
        rebind = true;
      }
      if (rebind && mysql_stmt_bind_result(stmt_, binds_.data()) != 0) return StmtError(stmt_, "bind failed");
    }
    row.resize(n);
    for (size_t i = 0; i < n; ++i) {
      row[i].null = nulls_[i] != 0;
      row[i].data = buffers_[i].data();
      row[i].size = columns_[i].format == CellFormat::kText ? lengths_[i] : buffers_[i].size();
      if (columns_[i].format == CellFormat::kNativeTime && !row[i].null) {
        MYSQL_TIME t;
        std::memcpy(&t, buffers_[i].data(), sizeof t);
        NativeTime& nt = times_[i];
        nt.year = static_cast<int32_t>(t.year);
        nt.month = static_cast<int32_t>(t.month);
        nt.day = columns_[i].kind == SqlKind::kTime ? 0 : static_cast<int32_t>(t.day);
        nt.hours =
            static_cast<int64_t>(t.hour) + (columns_[i].kind == SqlKind::kTime ? int64_t{24} * t.day : 0);
        nt.minute = static_cast<int32_t>(t.minute);
        nt.second = static_cast<int32_t>(t.second);
        nt.micros = static_cast<int32_t>(t.second_part);
        nt.negative = t.neg != 0;
        row[i].data = reinterpret_cast<const char*>(&nt);
        row[i].size = sizeof nt;
      }
    }
    return true;
  }

 private:
  MYSQL_STMT* stmt_;
  std::vector<ColumnInfo> columns_;
  std::vector<MYSQL_BIND> binds_;
  std::vector<unsigned long> lengths_;
  std::vector<my_bool> nulls_;
  std::vector<my_bool> errors_;
  std::vector<std::vector<char>> buffers_;
  std::vector<NativeTime> times_;  // kNativeTime cells of the current row
  bool active_ = false;
};

class MyDatabase final : public Database {
 public:
  explicit MyDatabase(MYSQL* m) : m_(m) {}
  ~MyDatabase() override { mysql_close(m_); }
  Dialect dialect() const override { return Dialect::kMySql; }

  // Runs a statement with text parameters and returns all rows as strings (catalog queries only).
  Result<std::vector<std::vector<std::string>>> Rows(const std::string& sql,
                                                     const std::vector<std::string>& params) {
    std::vector<Param> ps;
    for (const auto& p : params) ps.push_back(Param::Text(p));
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> st, Prepare(sql, static_cast<int>(params.size())));
    RETURN_IF_ERROR(st->Execute(ps));
    std::vector<std::vector<std::string>> out;
    std::vector<Cell> row;
    while (true) {
      ASSIGN_OR_RETURN(bool more, st->Next(row));
      if (!more) break;
      std::vector<std::string> r;
      for (const Cell& c : row) {
        if (c.null)
          r.emplace_back();
        else if (st->columns()[r.size()].format == CellFormat::kText)
          r.emplace_back(c.data, c.size);
        else if (st->columns()[r.size()].format == CellFormat::kNativeTime)
          r.emplace_back();  // (no catalog query reads dates)
        else {
          int64_t v = 0;
          std::memcpy(&v, c.data, sizeof v);
          r.push_back(std::to_string(v));
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<std::vector<TableId>> ListTables(const std::vector<std::string>& types,
                                          const std::string& schema_pattern) override {
    std::string want;
    for (const std::string& t : types) {
      if (t == "TABLE")
        want += "BASE TABLE,SYSTEM VERSIONED,";
      else if (t == "VIEW")
        want += "VIEW,";
    }
    ASSIGN_OR_RETURN(auto rows,
                     Rows("SELECT table_schema, table_name FROM information_schema.tables WHERE "
                          "FIND_IN_SET(table_type, ?) > 0 AND (table_schema = DATABASE() AND ? = '' OR "
                          "? <> '' AND table_schema LIKE ?) ORDER BY 1, 2",
                          {want, schema_pattern, schema_pattern, schema_pattern}));
    std::vector<TableId> out;
    for (auto& r : rows) out.push_back({r[0], r[1]});
    return out;
  }

  Result<std::vector<std::string>> PrimaryKey(const TableId& t) override {
    ASSIGN_OR_RETURN(auto rows, Rows("SELECT column_name FROM information_schema.key_column_usage WHERE "
                                     "constraint_name = 'PRIMARY' AND table_schema = ? AND table_name = ? "
                                     "ORDER BY ordinal_position",
                                     {t.schema, t.table}));
    std::vector<std::string> out;
    for (auto& r : rows) out.push_back(r[0]);
    return out;
  }

  Result<std::string> AutoIncrementColumn(const TableId& t) override {
    ASSIGN_OR_RETURN(auto rows,
                     Rows("SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND "
                          "table_name = ? AND extra LIKE '%auto_increment%'",
                          {t.schema, t.table}));
    return rows.empty() ? std::string() : rows[0][0];
  }

  Result<std::vector<ColumnInfo>> DescribeTable(const TableId& t) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Statement> st,
                     Prepare("SELECT * FROM " + Quote(t.schema) + "." + Quote(t.table) + " WHERE 1 = 0", 0));
    return st->columns();
  }

  Result<int64_t> NowMicros() override {
    ASSIGN_OR_RETURN(auto rows, Rows("SELECT CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)", {}));
    if (rows.empty()) return Status::Internal("no row from NOW()");
    return std::stoll(rows[0][0]);
  }

  Result<std::unique_ptr<Statement>> Prepare(const std::string& sql, int /*params*/) override {
    MYSQL_STMT* stmt = mysql_stmt_init(m_);
    if (stmt == nullptr) return ConnError(m_, "statement init failed");
    if (mysql_stmt_prepare(stmt, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
      Status err = StmtError(stmt, "prepare failed");
      mysql_stmt_close(stmt);
      return err;
    }
    std::vector<ColumnInfo> cols;
    if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt)) {
      unsigned n = mysql_num_fields(meta);
      MYSQL_FIELD* fields = mysql_fetch_fields(meta);
      for (unsigned i = 0; i < n; ++i) cols.push_back(FromField(fields[i]));
      mysql_free_result(meta);
    }
    return std::unique_ptr<Statement>(std::make_unique<MyStatement>(stmt, std::move(cols)));
  }

  bool IsValid() override { return mysql_ping(m_) == 0; }
  void Cancel() override {}

 private:
  MYSQL* m_;
};

}  // namespace

Result<std::unique_ptr<Database>> ConnectMySql(const ConnectOptions& options) {
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) return Status::Internal("mysql_init: out of memory");
  unsigned timeout = static_cast<unsigned>(options.connect_timeout_s);
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const JdbcUrl& url = options.url;
  std::string ssl_mode = url.Param("sslMode");
  bool want_ssl =
      url.Param("useSSL") == "true" || url.Param("useSsl") == "true" || url.Param("requireSSL") == "true" ||
      (!ssl_mode.empty() && ssl_mode != "DISABLED" && ssl_mode != "disable" && ssl_mode != "PREFERRED");
  if (want_ssl) {
    my_bool enforce = 1;
    mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
    my_bool verify = (ssl_mode == "VERIFY_IDENTITY" || ssl_mode == "verify-full" ||
                      url.Param("verifyServerCertificate") == "true")
                         ? 1
                         : 0;
    mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    if (std::string ca = url.Param("serverSslCert"); !ca.empty())
      mysql_options(m, MYSQL_OPT_SSL_CA, ca.c_str());
  }
  std::string user = options.user.empty() ? url.user : options.user;
  std::string password = options.password.empty() ? url.password : options.password;
  std::string where = "MariaDB/MySQL at " + url.host + ":" + std::to_string(url.effective_port());
  if (mysql_real_connect(m, url.host.c_str(), user.c_str(), password.c_str(), url.database.c_str(),
                         static_cast<unsigned>(url.effective_port()), nullptr, 0) == nullptr) {
    unsigned e = mysql_errno(m);
    std::string msg = mysql_error(m);
    mysql_close(m);
    if (e == ER_ACCESS_DENIED_ERROR || e == ER_DBACCESS_DENIED_ERROR ||
        e == 1698 /*ER_ACCESS_DENIED_NO_PASSWORD*/) {
      return Status::InvalidArgument("authentication failed for user '" + user + "' on " + where + ": " +
                                     msg);
    }
    if (e == ER_BAD_DB_ERROR) return Status::NotFound(where + ": " + msg);
    return Status::Unavailable("cannot connect to " + where + ": " + msg);
  }
  auto db = std::make_unique<MyDatabase>(m);
  std::string setup = "SET time_zone = '+00:00', net_write_timeout = 3600, net_read_timeout = 3600";
  if (mysql_real_query(m, setup.data(), static_cast<unsigned long>(setup.size())) != 0) {
    return ConnError(m, "session setup failed");
  }
  const std::string& iso = options.isolation;
  if (!iso.empty() && iso != "DEFAULT") {
    std::string level = iso;
    for (char& c : level) c = c == '_' ? ' ' : c;
    std::string sql = "SET SESSION TRANSACTION ISOLATION LEVEL " + level;
    if (mysql_real_query(m, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
      return ConnError(m, "session setup failed");
    }
  }
  return std::unique_ptr<Database>(std::move(db));
}

std::string Database::Quote(const std::string& identifier) const {
  return QuoteIdentifier(dialect(), identifier, true);
}

std::string Database::Placeholder(int index) const { return PlaceholderFor(dialect(), index); }

Result<std::unique_ptr<Database>> Connect(const ConnectOptions& options) {
  return options.url.dialect == Dialect::kPostgres ? ConnectPostgres(options) : ConnectMySql(options);
}

}  // namespace sluice::connectors::jdbc
