// TableQuerier. See table_querier.h.
#include "connectors/jdbc/table_querier.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/logging.h"

namespace sluice::connectors::jdbc {
namespace {

using connect::Map;
using connect::MapEntry;
using connect::SchemaBuilder;
using connect::Struct;
using connect::Value;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int FindColumn(const std::vector<ColumnInfo>& cols, const std::string& name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].name == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < cols.size(); ++i) {  // unquoted identifiers fold case
    if (cols[i].name.size() == name.size() &&
        std::equal(name.begin(), name.end(), cols[i].name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Result<int64_t> AsInt64(const Value& v, const std::string& column) {
  if (auto p = v.get_if<int64_t>()) return *p;
  if (auto p = v.get_if<int32_t>()) return static_cast<int64_t>(*p);
  if (auto p = v.get_if<int16_t>()) return static_cast<int64_t>(*p);
  if (auto p = v.get_if<int8_t>()) return static_cast<int64_t>(*p);
  if (auto p = v.get_if<connect::Bytes>()) return connect::DecodeDecimalUnscaled(*p);
  if (auto p = v.get_if<std::string>()) {
    try {
      return static_cast<int64_t>(std::stoll(*p));
    } catch (...) {
    }
  }
  return Status::InvalidArgument("incrementing column '" + column + "' has a value that is not an integer");
}

std::string IsoNanos(int64_t ms, int32_t nanos) {
  std::string s = FormatTimestamp(ms, 0, TimeZone(), true, false);  // "YYYY-MM-DD HH:MM:SS.ffffff"
  s[10] = 'T';
  char frac[16];
  std::snprintf(frac, sizeof frac, "%09d", nanos);
  return s.substr(0, 19) + "." + frac;
}

// Confluent's offset of a table from a record's {incrementing, timestamp ms, timestamp nanos}: built only
// for the records whose offset the runtime commits, not a map per record.
class OffsetEncoder final : public connect::SourceOffsetEncoder {
 public:
  OffsetEncoder(Mode mode, std::optional<LoadPlan> plan)
      : timestamp_(UsesTimestamp(mode)), incrementing_(UsesIncrementing(mode)), plan_(plan) {}
  Value Encode(const connect::SourceOffsetFields& f) const override {
    Map m;
    m.reserve((timestamp_ ? 2 : 0) + (incrementing_ ? 1 : 0) + (plan_ ? 3 : 0));
    if (timestamp_) {
      m.emplace_back(Value("timestamp"), Value(f[1]));
      m.emplace_back(Value("timestamp_nanos"), Value(f[2]));
    }
    if (incrementing_) m.emplace_back(Value("incrementing"), Value(f[0]));
    if (plan_) AddPlanToOffset(*plan_, &m);
    return Value(std::move(m));
  }

 private:
  const bool timestamp_;
  const bool incrementing_;
  const std::optional<LoadPlan> plan_;
};

}  // namespace

TableQuerier::TableQuerier(const JdbcSourceConfig& config, std::optional<TableId> table)
    : config_(config), table_(std::move(table)) {
  if (table_) {
    name_ = table_->Qualified();
    topic_ = config_.topic_prefix + table_->table;
    partition_ = connect::StringMap({{"protocol", "1"}, {"table", name_}});
  } else {
    name_ = "query";
    topic_ = config_.topic_prefix;
    partition_ = connect::StringMap({{"query", "query"}});
  }
  shared_partition_ = std::make_shared<const Value>(partition_);
  if (config_.mode != Mode::kBulk)
    offset_encoder_ = std::make_shared<const OffsetEncoder>(config_.mode, std::nullopt);
  if (config_.timestamp_initial) {
    ts_ms_ = *config_.timestamp_initial == -1 ? WallMs() : *config_.timestamp_initial;
  }
}

TableQuerier::TableQuerier(const JdbcSourceConfig& config, const LoadRange& range)
    : TableQuerier(config, range.table) {
  range_ = range;
  name_ += " (initial load range " + std::to_string(range.index + 1) + " of " +
           std::to_string(range.plan.ranges) + ")";
  partition_ = RangePartition(range.table, range.index);
  shared_partition_ = std::make_shared<const Value>(partition_);
  if (config_.mode != Mode::kBulk)
    offset_encoder_ = std::make_shared<const OffsetEncoder>(config_.mode, range.plan);
  incrementing_ = range.low();
}

Status TableQuerier::Restore(const Value& offset) {
  if (const Value* inc = connect::MapGet(offset, "incrementing")) {
    if (auto p = inc->get_if<int64_t>()) incrementing_ = *p;
  }
  if (const Value* ts = connect::MapGet(offset, "timestamp")) {
    if (auto p = ts->get_if<int64_t>()) {
      ts_ms_ = *p;
      has_ts_ = true;
    }
  }
  if (const Value* ns = connect::MapGet(offset, "timestamp_nanos")) {
    if (auto p = ns->get_if<int64_t>()) ts_nanos_ = static_cast<int32_t>(*p);
  }
  return Status::OK();
}

void TableQuerier::Reset() {
  statement_.reset();
  plans_.clear();
}

Status TableQuerier::Prepare(Database& db) {
  QuerySpec spec;
  spec.dialect = db.dialect();
  spec.quote = config_.quote;
  spec.mode = config_.mode;
  spec.table = table_;
  spec.query = config_.query;
  spec.incrementing_column = config_.incrementing_column;
  spec.timestamp_columns = config_.timestamp_columns;
  spec.suffix = config_.query_suffix;
  spec.upper_bound = range_.has_value();
  if (UsesIncrementing(spec.mode) && spec.incrementing_column.empty() && table_) {
    ASSIGN_OR_RETURN(spec.incrementing_column, db.AutoIncrementColumn(*table_));
    if (spec.incrementing_column.empty()) {
      return Status::InvalidArgument("table " + name_ +
                                     " has no auto-increment column; set incrementing.column.name");
    }
  }
  std::vector<std::string> pk;
  if (config_.record_key == RecordKeyMode::kPrimaryKey && table_) {
    ASSIGN_OR_RETURN(pk, db.PrimaryKey(*table_));
    if (pk.empty()) LOG_WARN("jdbc source: table {} has no primary key; its records have no key", name_);
  }
  query_ = BuildQuery(spec);
  ASSIGN_OR_RETURN(statement_, db.Prepare(query_.sql, static_cast<int>(query_.params.size())));
  const std::vector<ColumnInfo>& cols = statement_->columns();
  plans_.clear();
  field_of_.clear();
  const std::string& granularity = config_.timestamp_granularity;
  granularity_ = granularity == "connect_logical" ? 0
                 : granularity == "nanos_long"    ? 1
                 : granularity == "nanos_string"  ? 2
                                                  : 3;
  SchemaBuilder value = SchemaBuilder::Struct();
  if (table_) value.Name(table_->table);
  int fields = 0;
  for (const ColumnInfo& c : cols) {
    ColumnPlan plan = PlanColumn(c, config_.numeric_mapping);
    if (plan.target == Target::kTimestamp && config_.timestamp_granularity != "connect_logical") {
      bool opt = c.nullable;
      plan.schema = config_.timestamp_granularity == "nanos_long"
                        ? (opt ? connect::Schema::OptionalInt64() : connect::Schema::Int64())
                        : (opt ? connect::Schema::OptionalString() : connect::Schema::String());
    }
    if (plan.target == Target::kSkip) {
      LOG_WARN("jdbc source: column {} of {} has type {}, which is not supported; it is left out", c.name,
               name_, c.type_name);
      field_of_.push_back(-1);
    } else {
      value.Field(c.name, plan.schema);
      field_of_.push_back(fields++);
    }
    plans_.push_back(std::move(plan));
  }
  ASSIGN_OR_RETURN(value_schema_, value.TryBuild());
  incrementing_index_ = -1;
  timestamp_indexes_.clear();
  auto where = [&] { return table_ ? "table " + name_ : std::string("the query"); };
  if (UsesIncrementing(spec.mode)) {
    incrementing_index_ = FindColumn(cols, spec.incrementing_column);
    if (incrementing_index_ < 0) {
      return Status::InvalidArgument("incrementing column '" + spec.incrementing_column + "' not found in " +
                                     where());
    }
    if (config_.validate_non_null && cols[static_cast<size_t>(incrementing_index_)].nullable && table_) {
      return Status::InvalidArgument("Cannot make incremental queries using incrementing column " +
                                     spec.incrementing_column + " on " + name_ +
                                     " because this column is nullable.");
    }
  }
  if (UsesTimestamp(spec.mode)) {
    for (const std::string& t : spec.timestamp_columns) {
      int i = FindColumn(cols, t);
      if (i < 0) return Status::InvalidArgument("timestamp column '" + t + "' not found in " + where());
      if (plans_[static_cast<size_t>(i)].target != Target::kTimestamp &&
          plans_[static_cast<size_t>(i)].target != Target::kDate) {
        return Status::InvalidArgument("timestamp column '" + t + "' of " + where() +
                                       " is not a date/time column");
      }
      if (config_.validate_non_null && cols[static_cast<size_t>(i)].nullable && table_ &&
          spec.timestamp_columns.size() == 1) {
        return Status::InvalidArgument("Cannot make incremental queries using timestamp column " + t +
                                       " on " + name_ + " because this column is nullable.");
      }
      timestamp_indexes_.push_back(i);
    }
    timestamp_tz_aware_ = cols[static_cast<size_t>(timestamp_indexes_[0])].tz_aware;
  }
  key_columns_.clear();
  key_schema_ = nullptr;
  if (!pk.empty()) {
    SchemaBuilder key = SchemaBuilder::Struct();
    key.Name(table_->table + ".Key");
    for (const std::string& k : pk) {
      int i = FindColumn(cols, k);
      if (i < 0 || plans_[static_cast<size_t>(i)].target == Target::kSkip) continue;
      key.Field(cols[static_cast<size_t>(i)].name, plans_[static_cast<size_t>(i)].schema);
      key_columns_.push_back(static_cast<size_t>(i));
    }
    ASSIGN_OR_RETURN(key_schema_, key.TryBuild());
  }
  return Status::OK();
}

Status TableQuerier::Check(Database& db) { return Prepare(db); }

Status TableQuerier::StartQuery(Database& db) {
  if (statement_ == nullptr) RETURN_IF_ERROR(Prepare(db));
  std::vector<Param> params;
  const bool pg = db.dialect() == Dialect::kPostgres;
  for (ParamRole role : query_.params) {
    switch (role) {
      case ParamRole::kIncrementing:
        params.push_back(Param::Int(incrementing_));
        break;
      case ParamRole::kIncrementingEnd:
        params.push_back(Param::Int(range_ ? range_->high() : INT64_MAX));
        break;
      case ParamRole::kTimestampBegin:
        params.push_back(Param::Text(FormatTimestamp(ts_ms_, ts_nanos_, config_.db_timezone,
                                                     timestamp_tz_aware_, timestamp_tz_aware_ && pg)));
        break;
      case ParamRole::kTimestampEnd: {
        ASSIGN_OR_RETURN(int64_t now_us, db.NowMicros());
        int64_t end_us = now_us - config_.timestamp_delay_ms * 1000;
        int64_t end_ms = end_us >= 0 ? end_us / 1000 : -((-end_us + 999) / 1000);
        int32_t end_ns = static_cast<int32_t>(((end_us % 1000000) + 1000000) % 1000000) * 1000;
        params.push_back(Param::Text(FormatTimestamp(end_ms, end_ns, config_.db_timezone, timestamp_tz_aware_,
                                                     timestamp_tz_aware_ && pg)));
        break;
      }
    }
  }
  return statement_->Execute(params, static_cast<size_t>(std::max(config_.batch_max_rows, 1)));
}

Status TableQuerier::Read(size_t max, std::vector<connect::SourceRecord>& out, size_t first, bool* done) {
  size_t next = first;
  Status s = ReadRows(max, out, first, &next, done);
  out.resize(next);  // (drops the reusable records left over, and a record begun when an error came)
  return s;
}

Status TableQuerier::ReadRows(size_t max, std::vector<connect::SourceRecord>& out, size_t first, size_t* next,
                              bool* done) {
  *done = false;
  if (!active()) {
    *done = true;
    return Status::OK();
  }
  const std::vector<connect::Field>& fields = value_schema_->fields();
  if (incrementing_index_ >= 0 && plans_[static_cast<size_t>(incrementing_index_)].target == Target::kSkip) {
    return Status::InvalidArgument("incrementing column of " + name_ + " has an unsupported type");
  }
  out.reserve(first + std::min<size_t>(max, 100000));
  for (size_t n = 0; n < max; ++n) {
    ASSIGN_OR_RETURN(bool more, statement_->Next(row_));
    if (!more) {
      *done = true;
      return Status::OK();
    }
    // The record: a reusable one (its topic's and values' storage kept) or a new one.
    const size_t at = first + n;
    const bool reused = at < out.size();
    connect::SourceRecord& r = reused ? out[at] : out.emplace_back();
    // A reused record whose value is a struct of this schema is refilled in place; else a new Struct.
    // (A record left half-filled by an error is cut off by Read.)
    Struct* refill = reused ? r.value.get_mutable_if<Struct>() : nullptr;
    if (refill != nullptr && refill->schema() != value_schema_) refill = nullptr;
    std::vector<Value> fresh;
    std::vector<Value>& values = refill != nullptr ? refill->mutable_values_unchecked() : fresh;
    values.clear();
    // Each column's value straight into its field (the plan made the field's schema, so the value fits it):
    // the values are built in place, in field order, and become the Struct's.
    values.reserve(fields.size());
    for (size_t i = 0; i < plans_.size(); ++i) {
      const ColumnPlan& plan = plans_[i];
      const int field = field_of_[i];
      if (field < 0) continue;
      int32_t nanos = 0;
      RETURN_IF_ERROR(AppendCell(plan, row_[i], config_.db_timezone, &nanos, values));
      Value& v = values.back();
      if (granularity_ != 0 && plan.target == Target::kTimestamp && !v.is_null()) {
        int64_t ms = v.get<int64_t>();
        int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        int64_t epoch_ns = secs * 1000000000 + nanos;
        if (granularity_ == 1)
          v = Value(epoch_ns);
        else if (granularity_ == 2)
          v = Value(std::to_string(epoch_ns));
        else
          v = Value(IsoNanos(ms, nanos));
      }
      if (static_cast<int>(i) == incrementing_index_) {  // the offset, straight from the cell's value
        if (v.is_null()) return Status::InvalidArgument("incrementing column of " + name_ + " is null");
        ASSIGN_OR_RETURN(incrementing_, AsInt64(v, plan.info.name));
      }
      if (v.is_null() && !plan.schema->optional()) {  // e.g. a MySQL zero date in a NOT NULL column
        return connect::ValidateValue(*plan.schema, v, fields[static_cast<size_t>(field)].name);
      }
    }
    if (refill == nullptr) r.value = Value(Struct::FromValuesUnchecked(value_schema_, std::move(fresh)));
    const Struct& value = r.value.get<Struct>();
    // Offsets.
    if (!timestamp_indexes_.empty()) {
      for (size_t k = 0; k < timestamp_indexes_.size(); ++k) {
        size_t ci = static_cast<size_t>(timestamp_indexes_[k]);
        if (row_[ci].null) continue;
        int32_t nanos = 0;
        ASSIGN_OR_RETURN(Value tv, ConvertCell(plans_[ci], row_[ci], config_.db_timezone, &nanos));
        if (tv.is_null()) continue;
        if (auto p = tv.get_if<int64_t>()) {
          ts_ms_ = *p;
          ts_nanos_ = nanos;
        } else if (auto d = tv.get_if<int32_t>()) {  // a DATE column
          ts_ms_ = static_cast<int64_t>(*d) * 86400000;
          ts_nanos_ = 0;
        }
        has_ts_ = true;
        break;
      }
    }
    if (reused) {  // every other field as in a new record (transformations may have set some)
      r.kafka_partition.reset();
      r.timestamp.reset();
      r.headers.clear();
      if (!r.source_partition.is_null()) r.source_partition = Value();
      if (!r.source_offset.is_null()) r.source_offset = Value();
      if (key_schema_ == nullptr) {
        r.key_schema.reset();
        if (!r.key.is_null()) r.key = Value();
      }
    }
    r.topic = topic_;
    if (r.value_schema != value_schema_) r.value_schema = value_schema_;
    if (key_schema_ != nullptr) {
      Struct key(key_schema_);
      for (size_t k = 0; k < key_columns_.size(); ++k) {
        key.PutAtUnchecked(k, value.GetAt(static_cast<size_t>(field_of_[key_columns_[k]])));
      }
      r.key_schema = key_schema_;
      r.key = Value(std::move(key));
    }
    if (r.shared_partition != shared_partition_) r.shared_partition = shared_partition_;
    if (r.offset_encoder != offset_encoder_) r.offset_encoder = offset_encoder_;
    r.offset_fields = {incrementing_, ts_ms_, static_cast<int64_t>(ts_nanos_)};
    *next = at + 1;
  }
  return Status::OK();
}

}  // namespace sluice::connectors::jdbc
