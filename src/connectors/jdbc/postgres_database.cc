// PostgreSQL through libpq. See database.h. Session: TimeZone UTC, DateStyle ISO, bytea hex, full float
// precision. Statements are prepared (named) for their result description; an execution opens a
// transaction, declares a NO SCROLL cursor for the query with the bound parameters and reads it with
// FETCH fetch_rows, the next FETCH sent before the rows of the current one are handed out, so the server
// fills a batch while the task converts the previous one and memory stays at about two batches. Rows
// come in binary format when every column's type has a binary reading (pg_binary.h), else as text.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "connectors/jdbc/database.h"
#include "connectors/jdbc/pg_binary.h"

namespace sluice::connectors::jdbc {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string Trimmed(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Classifies a failed result (or a broken connection).
Status ResultError(PGconn* conn, const PGresult* res, std::string_view what) {
  std::string msg =
      std::string(what) + ": " + Trimmed(res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  if (PQstatus(conn) == CONNECTION_BAD) return Status::Unavailable(msg);
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state != nullptr ? state : "";
  if (code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03" ||
      code.starts_with("53")) {
    return Status::Unavailable(msg);
  }
  if (code == "40001" || code == "40P01" || code == "55P03" || code == "57014") return Status::Aborted(msg);
  if (code == "42P01" || code == "3F000" || code == "3D000") return Status::NotFound(msg);
  if (code == "0A000" && msg.find("cached plan") != std::string::npos) return Status::Aborted(msg);
  return Status::InvalidArgument(msg + (code.empty() ? "" : " (SQLSTATE " + code + ")"));
}

// PostgreSQL type OIDs (pg_type.dat).
ColumnInfo FromOid(Oid oid, int typmod, const std::string& typname, char typtype) {
  ColumnInfo c;
  c.type_name = typname;
  switch (oid) {
    case 16:
      c.kind = SqlKind::kBoolean;
      break;
    case 21:
      c.kind = SqlKind::kInt16;
      break;
    case 23:
      c.kind = SqlKind::kInt32;
      break;
    case 20:
      c.kind = SqlKind::kInt64;
      break;
    case 26:
      c.kind = SqlKind::kInt64;
      break;  // oid
    case 700:
      c.kind = SqlKind::kFloat32;
      break;
    case 701:
      c.kind = SqlKind::kFloat64;
      break;
    case 790:
      c.kind = SqlKind::kMoney;
      break;
    case 1700:
      c.kind = SqlKind::kNumeric;
      if (typmod >= 4) {
        c.precision = ((typmod - 4) >> 16) & 0xffff;
        c.scale = static_cast<int16_t>((typmod - 4) & 0xffff);
      }
      break;
    case 17:
      c.kind = SqlKind::kPgBytea;
      break;
    case 1082:
      c.kind = SqlKind::kDate;
      break;
    case 1083:
    case 1266:
      c.kind = SqlKind::kTime;
      break;  // time, timetz (the offset is applied)
    case 1114:
      c.kind = SqlKind::kTimestamp;
      break;
    case 1184:
      c.kind = SqlKind::kTimestamp;
      c.tz_aware = true;
      break;
    case 1560:  // bit
      c.kind = typmod == 1 ? SqlKind::kBit : SqlKind::kString;
      break;
    default:
      // text, varchar, bpchar, name, json, jsonb, uuid, xml, inet, interval, enums, arrays, ...: their
      // PostgreSQL text form. Pseudo and composite types are skipped.
      c.kind = (typtype == 'p' || typtype == 'c') ? SqlKind::kUnsupported : SqlKind::kString;
      break;
  }
  return c;
}

class PgDatabase;

// The prepared statement's result description, to notice a table changed since the prepare.
struct ResultShape {
  std::vector<Oid> types;
  std::vector<int> mods;
  friend bool operator==(const ResultShape&, const ResultShape&) = default;
};

ResultShape ShapeOf(const PGresult* res) {
  ResultShape s;
  for (int i = 0; i < PQnfields(res); ++i) {
    s.types.push_back(PQftype(res, i));
    s.mods.push_back(PQfmod(res, i));
  }
  return s;
}

class PgStatement final : public Statement {
 public:
  // binary: FETCH results in binary format (every column has a binary reading, pg_binary.h).
  PgStatement(PgDatabase* db, std::string name, std::string sql, std::vector<ColumnInfo> columns,
              ResultShape shape, bool binary)
      : db_(db),
        name_(std::move(name)),
        sql_(std::move(sql)),
        columns_(std::move(columns)),
        shape_(std::move(shape)),
        binary_(binary) {}
  ~PgStatement() override;
  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  Status Execute(const std::vector<Param>& params, size_t fetch_rows) override;
  Result<bool> Next(std::vector<Cell>& row) override;
  bool active() const override { return active_; }
  // Ends a result being read (the in-flight FETCH is read and dropped, the transaction rolled back).
  void Abandon();

 private:
  Status SendFetch();
  // Reads the in-flight FETCH into batch_.
  Status ReceiveFetch();
  // Ends the transaction after the last row (COMMIT), or after an error (ROLLBACK).
  Status EndTransaction(bool commit);
  Status Fail(Status error);

  PgDatabase* db_;
  std::string name_;
  std::string sql_;
  std::vector<ColumnInfo> columns_;
  ResultShape shape_;
  bool binary_ = false;
  std::string fetch_sql_;
  size_t fetch_rows_ = 0;
  ResultPtr batch_{nullptr, &PQclear};
  int batch_rows_ = 0;
  int next_row_ = 0;
  bool checked_shape_ = false;
  bool in_flight_ = false;   // a FETCH was sent and its result not read yet
  bool last_batch_ = false;  // the cursor returned fewer rows than asked: nothing after batch_
  bool in_txn_ = false;
  bool active_ = false;
};

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(PGconn* conn) : conn_(conn), cancel_(PQgetCancel(conn)) {}
  ~PgDatabase() override {
    {
      std::lock_guard<std::mutex> lock(cancel_mu_);
      if (cancel_ != nullptr) PQfreeCancel(cancel_);
      cancel_ = nullptr;
    }
    PQfinish(conn_);
  }
  Dialect dialect() const override { return Dialect::kPostgres; }
  PGconn* conn() { return conn_; }

  // The statement whose result is being read: the connection carries its transaction and FETCH, so
  // anything else sent on it first ends that result.
  void set_reading(PgStatement* s) { reading_ = s; }
  PgStatement* reading() const { return reading_; }
  void EndReading(const PgStatement* except) {
    if (reading_ != nullptr && reading_ != except) reading_->Abandon();
  }

  Result<ResultPtr> Exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    EndReading(nullptr);
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    ResultPtr res(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0),
                  &PQclear);
    ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return ResultError(conn_, res.get(), "query failed");
    return res;
  }

  Result<std::vector<TableId>> ListTables(const std::vector<std::string>& types,
                                          const std::string& schema_pattern) override {
    std::string kinds;
    for (const std::string& t : types) {
      if (t == "TABLE")
        kinds += "rp";
      else if (t == "VIEW")
        kinds += "v";
      else if (t == "MATERIALIZED VIEW")
        kinds += "m";
      else if (t == "FOREIGN TABLE")
        kinds += "f";
      else if (t == "PARTITIONED TABLE")
        kinds += "p";
    }
    ASSIGN_OR_RETURN(
        ResultPtr res,
        Exec("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
             "ON n.oid = c.relnamespace WHERE position(c.relkind::text in $1) > 0 AND NOT c.relispartition "
             "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
             "AND ($2 = '' OR n.nspname LIKE $2) AND has_table_privilege(c.oid, 'SELECT') "
             "ORDER BY 1, 2",
             {kinds, schema_pattern}));
    std::vector<TableId> out;
    for (int i = 0; i < PQntuples(res.get()); ++i)
      out.push_back({PQgetvalue(res.get(), i, 0), PQgetvalue(res.get(), i, 1)});
    return out;
  }

  Result<std::vector<std::string>> PrimaryKey(const TableId& t) override {
    ASSIGN_OR_RETURN(
        ResultPtr res,
        Exec("SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
             "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
             "WHERE i.indisprimary AND n.nspname = $1 AND c.relname = $2 ORDER BY k.ord",
             {t.schema, t.table}));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(res.get()); ++i) out.emplace_back(PQgetvalue(res.get(), i, 0));
    return out;
  }

  Result<std::string> AutoIncrementColumn(const TableId& t) override {
    ASSIGN_OR_RETURN(
        ResultPtr res,
        Exec("SELECT a.attname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = "
             "a.attrelid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
             "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND "
             "(a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%') ORDER BY a.attnum",
             {t.schema, t.table}));
    if (PQntuples(res.get()) == 0) return std::string();
    return std::string(PQgetvalue(res.get(), 0, 0));
  }

  Result<std::vector<ColumnInfo>> DescribeTable(const TableId& t) override {
    ASSIGN_OR_RETURN(
        ResultPtr res,
        Exec("SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, ty.typname, ty.typtype "
             "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type ty ON "
             "ty.oid = a.atttypid WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT "
             "a.attisdropped ORDER BY a.attnum",
             {t.schema, t.table}));
    std::vector<ColumnInfo> out;
    for (int i = 0; i < PQntuples(res.get()); ++i) {
      ColumnInfo c = FromOid(static_cast<Oid>(std::stoul(PQgetvalue(res.get(), i, 1))),
                             std::stoi(PQgetvalue(res.get(), i, 2)), PQgetvalue(res.get(), i, 4),
                             PQgetvalue(res.get(), i, 5)[0]);
      c.name = PQgetvalue(res.get(), i, 0);
      c.nullable = PQgetvalue(res.get(), i, 3)[0] != 't';
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<int64_t> NowMicros() override {
    ASSIGN_OR_RETURN(ResultPtr res, Exec("SELECT (extract(epoch from clock_timestamp()) * 1000000)::bigint"));
    return std::stoll(PQgetvalue(res.get(), 0, 0));
  }

  Result<std::unique_ptr<Statement>> Prepare(const std::string& sql, int params) override {
    EndReading(nullptr);
    std::string name = "sluice_" + std::to_string(++statements_);
    ResultPtr res(PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr), &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return ResultError(conn_, res.get(), "prepare failed");
    ResultPtr desc(PQdescribePrepared(conn_, name.c_str()), &PQclear);
    if (PQresultStatus(desc.get()) != PGRES_COMMAND_OK)
      return ResultError(conn_, desc.get(), "describe failed");
    const int n = PQnfields(desc.get());
    // Type names/kinds and column nullability from the catalogs.
    std::set<Oid> types;
    std::set<Oid> tables;
    for (int i = 0; i < n; ++i) {
      types.insert(PQftype(desc.get(), i));
      if (PQftable(desc.get(), i) != InvalidOid) tables.insert(PQftable(desc.get(), i));
    }
    auto oid_array = [](const std::set<Oid>& s) {
      std::string a = "{";
      for (Oid o : s) {
        if (a.size() > 1) a.push_back(',');
        a += std::to_string(o);
      }
      a.push_back('}');
      return a;
    };
    std::map<Oid, std::pair<std::string, char>> type_info;
    std::map<Oid, Oid> base_of;  // domains
    ASSIGN_OR_RETURN(ResultPtr tr,
                     Exec("SELECT oid, typname, typtype, typbasetype, typtypmod FROM pg_catalog.pg_type "
                          "WHERE oid = ANY($1::oid[])",
                          {oid_array(types)}));
    for (int i = 0; i < PQntuples(tr.get()); ++i) {
      Oid oid = static_cast<Oid>(std::stoul(PQgetvalue(tr.get(), i, 0)));
      type_info[oid] = {PQgetvalue(tr.get(), i, 1), PQgetvalue(tr.get(), i, 2)[0]};
      if (type_info[oid].second == 'd')
        base_of[oid] = static_cast<Oid>(std::stoul(PQgetvalue(tr.get(), i, 3)));
    }
    std::map<std::pair<Oid, int>, bool> not_null;
    if (!tables.empty()) {
      ASSIGN_OR_RETURN(ResultPtr ar, Exec("SELECT attrelid, attnum, attnotnull FROM pg_catalog.pg_attribute "
                                          "WHERE attrelid = ANY($1::oid[]) AND attnum > 0",
                                          {oid_array(tables)}));
      for (int i = 0; i < PQntuples(ar.get()); ++i) {
        not_null[{static_cast<Oid>(std::stoul(PQgetvalue(ar.get(), i, 0))),
                  std::stoi(PQgetvalue(ar.get(), i, 1))}] = PQgetvalue(ar.get(), i, 2)[0] == 't';
      }
    }
    std::vector<ColumnInfo> cols;
    bool binary = true;  // every column has a binary reading: the rows come in binary format
    for (int i = 0; i < n; ++i) {
      Oid oid = PQftype(desc.get(), i);
      auto ti = type_info[oid];
      if (auto b = base_of.find(oid); b != base_of.end()) oid = b->second;  // a domain reads as its base type
      ColumnInfo c = FromOid(oid, PQfmod(desc.get(), i), ti.first, ti.second);
      c.name = PQfname(desc.get(), i);
      auto nn = not_null.find({PQftable(desc.get(), i), PQftablecol(desc.get(), i)});
      c.nullable = nn == not_null.end() || !nn->second;
      binary = binary && PgBinaryReadable(oid);
      cols.push_back(std::move(c));
    }
    if (binary) {
      for (ColumnInfo& c : cols) c.format = CellFormat::kPgBinary;
    }
    return std::unique_ptr<Statement>(std::make_unique<PgStatement>(
        this, std::move(name), sql, std::move(cols), ShapeOf(desc.get()), binary));
  }

  bool IsValid() override {
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    EndReading(nullptr);
    ResultPtr res(PQexec(conn_, "SELECT 1"), &PQclear);
    return PQresultStatus(res.get()) == PGRES_TUPLES_OK;
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (cancel_ == nullptr) return;
    char err[256];
    PQcancel(cancel_, err, sizeof err);
  }

 private:
  PGconn* conn_;
  std::mutex cancel_mu_;
  PGcancel* cancel_;
  int statements_ = 0;
  PgStatement* reading_ = nullptr;
};

PgStatement::~PgStatement() {
  Abandon();
  // (Not while another statement's FETCH is in flight: the name then goes with the connection.)
  if (PQstatus(db_->conn()) == CONNECTION_OK && db_->reading() == nullptr) {
    std::string sql = "DEALLOCATE " + name_;
    PQclear(PQexec(db_->conn(), sql.c_str()));
  }
}

void PgStatement::Abandon() {
  if (!active_ && !in_txn_) return;
  PGconn* conn = db_->conn();
  if (in_flight_) {  // one bounded batch: read and drop it
    while (PGresult* r = PQgetResult(conn)) PQclear(r);
    in_flight_ = false;
  }
  (void)EndTransaction(false);
}

Status PgStatement::EndTransaction(bool commit) {
  batch_.reset();
  batch_rows_ = next_row_ = 0;
  active_ = false;
  if (db_->reading() == this) db_->set_reading(nullptr);
  if (!in_txn_) return Status::OK();
  in_txn_ = false;
  PGconn* conn = db_->conn();
  if (PQstatus(conn) != CONNECTION_OK) return Status::Unavailable("connection lost");
  ResultPtr res(PQexec(conn, commit ? "COMMIT" : "ROLLBACK"), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return ResultError(conn, res.get(), "commit failed");
  return Status::OK();
}

Status PgStatement::Fail(Status error) {
  if (in_flight_) {
    while (PGresult* r = PQgetResult(db_->conn())) PQclear(r);
    in_flight_ = false;
  }
  (void)EndTransaction(false);
  return error;
}

Status PgStatement::SendFetch() {
  // The extended protocol's result format applies to a cursor's FETCH (it overrides the cursor's own).
  if (PQsendQueryParams(db_->conn(), fetch_sql_.c_str(), 0, nullptr, nullptr, nullptr, nullptr,
                        binary_ ? 1 : 0) != 1)
    return ResultError(db_->conn(), nullptr, "fetch failed");
  in_flight_ = true;
  return Status::OK();
}

Status PgStatement::ReceiveFetch() {
  PGconn* conn = db_->conn();
  batch_.reset(PQgetResult(conn));
  in_flight_ = false;
  while (PGresult* r = PQgetResult(conn)) PQclear(r);  // the command's end
  if (PQresultStatus(batch_.get()) != PGRES_TUPLES_OK) return ResultError(conn, batch_.get(), "query failed");
  if (!checked_shape_) {
    // A table altered since the prepare: the caller prepares again (as the server's "cached plan must
    // not change result type" does for a prepared statement).
    if (!(ShapeOf(batch_.get()) == shape_))
      return Status::Aborted("query failed: the result's columns changed since the statement was prepared");
    checked_shape_ = true;
  }
  batch_rows_ = PQntuples(batch_.get());
  next_row_ = 0;
  last_batch_ = static_cast<size_t>(batch_rows_) < fetch_rows_;
  return Status::OK();
}

Status PgStatement::Execute(const std::vector<Param>& params, size_t fetch_rows) {
  Abandon();
  db_->EndReading(this);
  std::vector<std::string> texts;
  texts.reserve(params.size());
  for (const Param& p : params) texts.push_back(p.is_int ? std::to_string(p.i) : p.text);
  std::vector<const char*> values;
  for (const auto& t : texts) values.push_back(t.c_str());
  PGconn* conn = db_->conn();
  {
    ResultPtr res(PQexec(conn, "BEGIN"), &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return ResultError(conn, res.get(), "query failed");
  }
  in_txn_ = true;
  const std::string cursor = name_ + "_c";
  std::string declare = "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql_;
  ResultPtr res(PQexecParams(conn, declare.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0),
                &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
    return Fail(ResultError(conn, res.get(), "query failed"));
  fetch_rows_ = std::max<size_t>(fetch_rows, 1);
  fetch_sql_ = "FETCH FORWARD " + std::to_string(fetch_rows_) + " FROM " + cursor;
  checked_shape_ = false;
  last_batch_ = false;
  batch_.reset();
  batch_rows_ = next_row_ = 0;
  if (Status s = SendFetch(); !s.ok()) return Fail(s);
  active_ = true;
  db_->set_reading(this);
  return Status::OK();
}

Result<bool> PgStatement::Next(std::vector<Cell>& row) {
  if (!active_) return false;
  if (next_row_ >= batch_rows_) {
    if (!in_flight_) {  // the last batch is done
      RETURN_IF_ERROR(EndTransaction(true));
      return false;
    }
    if (Status s = ReceiveFetch(); !s.ok()) return Fail(s);
    if (!last_batch_) {  // ask for the next batch now: the server fills it while these rows are used
      if (Status s = SendFetch(); !s.ok()) return Fail(s);
    }
    if (batch_rows_ == 0) {
      RETURN_IF_ERROR(EndTransaction(true));
      return false;
    }
  }
  const PGresult* res = batch_.get();
  const int r = next_row_++;
  const int n = PQnfields(res);
  row.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Cell& c = row[static_cast<size_t>(i)];
    c.null = PQgetisnull(res, r, i) != 0;
    c.data = PQgetvalue(res, r, i);
    c.size = static_cast<size_t>(PQgetlength(res, r, i));
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Database>> ConnectPostgres(const ConnectOptions& options) {
  std::string user = options.user.empty() ? options.url.user : options.user;
  std::string password = options.password.empty() ? options.url.password : options.password;
  std::string conninfo = PostgresConnInfo(options.url, user, password, options.connect_timeout_s);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Status::Internal("libpq: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = Trimmed(PQerrorMessage(conn));
    bool auth = PQconnectionUsedPassword(conn) != 0 || PQconnectionNeedsPassword(conn) != 0 ||
                msg.find("authentication failed") != std::string::npos ||
                msg.find("no password supplied") != std::string::npos;
    bool no_db = msg.find("does not exist") != std::string::npos;
    PQfinish(conn);
    std::string where =
        "PostgreSQL at " + options.url.host + ":" + std::to_string(options.url.effective_port());
    if (msg.find("authentication failed") != std::string::npos ||
        msg.find("no password supplied") != std::string::npos ||
        (auth && msg.find("password") != std::string::npos)) {
      return Status::InvalidArgument("authentication failed for user '" + user + "' on " + where + ": " +
                                     msg);
    }
    if (no_db) return Status::NotFound(where + ": " + msg);
    return Status::Unavailable("cannot connect to " + where + ": " + msg);
  }
  auto db = std::make_unique<PgDatabase>(conn);
  std::string setup =
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'; "
      "SET extra_float_digits = 3";
  const std::string& iso = options.isolation;
  if (!iso.empty() && iso != "DEFAULT") {
    std::string level = iso;
    for (char& c : level) c = c == '_' ? ' ' : c;
    setup += "; SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + level;
  }
  ResultPtr res(PQexec(conn, setup.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
    return ResultError(conn, res.get(), "session setup failed");
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace sluice::connectors::jdbc
