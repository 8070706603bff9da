// Partitioners and timestamp extractors. See partitioner.h.
#include "connectors/s3/partitioner.h"

#include <ctime>

#include "connect/api/json_converter.h"

namespace sluice::connectors::s3 {
namespace {

using connect::SinkRecord;
using connect::Value;

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// ISO-8601 "2018-10-02T13:13:13Z", "2018-10-02 13:13:13.5+09:00" or "...13" (UTC).
Result<int64_t> ParseIsoTime(const std::string& s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  char sep = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d%c%d:%d:%lf%n", &y, &mo, &d, &sep, &h, &mi, &sec, &n) < 7) {
    return Status::InvalidArgument("not a timestamp: " + s);
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000 + static_cast<int64_t>(sec * 1000 + 0.5);
  std::string rest = s.substr(static_cast<size_t>(n));
  if (!rest.empty() && rest != "Z") {
    Result<TimeZone> tz = TimeZone::Load("UTC" + rest);
    if (!tz.ok()) return Status::InvalidArgument("not a timestamp: " + s);
    ms -= tz->OffsetAtUtc(0);
  }
  return ms;
}

const Value* FieldOf(const SinkRecord& r, const std::string& name) {
  if (const auto* st = r.value.get_if<connect::Struct>()) return st->Get(name);
  if (r.value.get_if<connect::Map>() != nullptr) return connect::MapGet(r.value, name);
  return nullptr;
}

class DefaultPartitioner final : public Partitioner {
 public:
  Result<std::string> Encode(const SinkRecord& r, int64_t) const override {
    return "partition=" + std::to_string(r.kafka_partition.value_or(0));
  }
};

class FieldPartitioner final : public Partitioner {
 public:
  FieldPartitioner(std::vector<std::string> fields, std::string delim)
      : fields_(std::move(fields)), delim_(std::move(delim)) {}
  Result<std::string> Encode(const SinkRecord& r, int64_t) const override {
    if (r.value.get_if<connect::Struct>() == nullptr && r.value.get_if<connect::Map>() == nullptr) {
      return Status::InvalidArgument("FieldPartitioner: the value of " + r.topic + "-" +
                                     std::to_string(r.kafka_partition.value_or(0)) + "@" +
                                     std::to_string(r.kafka_offset) + " is not a struct or map");
    }
    std::string out;
    for (const auto& f : fields_) {
      const Value* v = FieldOf(r, f);
      if (v == nullptr)
        return Status::InvalidArgument("FieldPartitioner: the record has no field '" + f + "'");
      std::string text;
      if (const auto* s = v->get_if<std::string>())
        text = *s;
      else if (const auto* b = v->get_if<bool>())
        text = *b ? "true" : "false";
      else if (const auto* i8 = v->get_if<int8_t>())
        text = std::to_string(*i8);
      else if (const auto* i16 = v->get_if<int16_t>())
        text = std::to_string(*i16);
      else if (const auto* i32 = v->get_if<int32_t>())
        text = std::to_string(*i32);
      else if (const auto* i64 = v->get_if<int64_t>())
        text = std::to_string(*i64);
      else
        return Status::InvalidArgument("FieldPartitioner: field '" + f +
                                       "' is not a string, integer or boolean");
      if (!out.empty()) out += delim_;
      out += f + "=" + text;
    }
    return out;
  }

 private:
  std::vector<std::string> fields_;
  std::string delim_;
};

class TimeBasedPartitioner final : public Partitioner {
 public:
  TimeBasedPartitioner(const S3SinkConfig& c, TimeZone tz)
      : format_(c.path_format),
        duration_(c.partition_duration_ms),
        tz_(std::move(tz)),
        extractor_(c.extractor),
        field_(c.timestamp_field) {}
  Result<std::string> Encode(const SinkRecord& r, int64_t now_ms) const override {
    ASSIGN_OR_RETURN(int64_t ts, ExtractTimestamp(extractor_, field_, r, now_ms));
    int64_t bucket = TimeBucket(duration_, ts, tz_);
    return FormatJoda(format_, tz_.ToLocal(bucket));
  }
  Result<int64_t> RotationTime(const SinkRecord& r, int64_t now_ms) const override {
    return ExtractTimestamp(extractor_, field_, r, now_ms);
  }
  bool wallclock() const override { return extractor_ == ExtractorKind::kWallclock; }

 private:
  std::string format_;
  int64_t duration_;
  TimeZone tz_;
  ExtractorKind extractor_;
  std::string field_;
};

}  // namespace

Result<int64_t> Partitioner::RotationTime(const SinkRecord& r, int64_t now_ms) const {
  return r.timestamp.value_or(now_ms);
}

int64_t TimeBucket(int64_t duration_ms, int64_t utc_ms, const TimeZone& tz) {
  int64_t local = tz.ToLocal(utc_ms);
  return tz.ToUtc(FloorDiv(local, duration_ms) * duration_ms);
}

Result<int64_t> ExtractTimestamp(ExtractorKind kind, const std::string& field, const SinkRecord& r,
                                 int64_t now_ms) {
  switch (kind) {
    case ExtractorKind::kWallclock:
      return now_ms;
    case ExtractorKind::kRecord:
      if (!r.timestamp) {
        return Status::InvalidArgument(
            "Unable to determine timestamp using timestamp.extractor Record for record "
            "without a timestamp: " +
            r.topic + "-" + std::to_string(r.kafka_partition.value_or(0)) + "@" +
            std::to_string(r.kafka_offset));
      }
      return *r.timestamp;
    case ExtractorKind::kRecordField: {
      const Value* v = FieldOf(r, field);
      if (v == nullptr || v->is_null()) {
        return Status::InvalidArgument("Unable to find timestamp field '" + field + "' in record " + r.topic +
                                       "-" + std::to_string(r.kafka_partition.value_or(0)) + "@" +
                                       std::to_string(r.kafka_offset));
      }
      if (const auto* i64 = v->get_if<int64_t>()) return *i64;
      if (const auto* i32 = v->get_if<int32_t>()) return static_cast<int64_t>(*i32);
      if (const auto* s = v->get_if<std::string>()) {
        char* end = nullptr;
        long long n = std::strtoll(s->c_str(), &end, 10);
        if (end != nullptr && *end == '\0' && !s->empty()) return static_cast<int64_t>(n);
        return ParseIsoTime(*s);
      }
      return Status::InvalidArgument("Timestamp field '" + field + "' is not a number, Timestamp or string");
    }
  }
  return now_ms;
}

Result<std::unique_ptr<Partitioner>> MakePartitioner(const S3SinkConfig& c) {
  switch (c.partitioner) {
    case PartitionerKind::kDefault:
      return std::unique_ptr<Partitioner>(std::make_unique<DefaultPartitioner>());
    case PartitionerKind::kField:
      return std::unique_ptr<Partitioner>(
          std::make_unique<FieldPartitioner>(c.partition_fields, c.directory_delim));
    default: {
      ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(c.timezone));
      return std::unique_ptr<Partitioner>(std::make_unique<TimeBasedPartitioner>(c, std::move(tz)));
    }
  }
}

}  // namespace sluice::connectors::s3
