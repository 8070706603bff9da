// TopicPartitionWriter. See topic_partition_writer.h.
#include "connectors/s3/topic_partition_writer.h"

#include <algorithm>
#include <cctype>

#include "base/logging.h"

namespace sluice::connectors::s3 {
namespace {

std::string ZeroPad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

TopicPartitionWriter::TopicPartitionWriter(connect::TopicPartition tp, WriterContext ctx)
    : tp_(std::move(tp)), ctx_(ctx) {
  formats_.push_back(ctx_.format);
  if (ctx_.key_format != nullptr) formats_.push_back(ctx_.key_format);
  if (ctx_.headers_format != nullptr) formats_.push_back(ctx_.headers_format);
}

TopicPartitionWriter::~TopicPartitionWriter() {
  *ctx_.open_files -= static_cast<int>(files_.size() * formats_.size());
}

std::string TopicPartitionWriter::Prefix(const std::string& encoded) const {
  const S3SinkConfig& c = *ctx_.config;
  std::string p;
  if (!c.topics_dir.empty()) p = c.topics_dir + c.directory_delim;
  p += tp_.topic + c.directory_delim + encoded + c.directory_delim;
  p += tp_.topic + c.file_delim + std::to_string(tp_.partition) + c.file_delim;
  return p;
}

std::string TopicPartitionWriter::KeyFor(const std::string& encoded, int64_t start_offset,
                                         const RecordFormat& format) const {
  return Prefix(encoded) + ZeroPad(start_offset, ctx_.config->zero_pad_width) + format.extension();
}

Status TopicPartitionWriter::LearnPreviousRun(const std::string& encoded) {
  if (previous_starts_.count(encoded) > 0) return Status::OK();
  if (previous_starts_.size() >= 10000) {
    // Bound memory: forget directories with nothing left to match (they are listed again if reused).
    std::erase_if(previous_starts_, [](const auto& e) { return e.second.empty(); });
  }
  const std::string prefix = Prefix(encoded);
  std::string padded = ZeroPad(first_offset_, ctx_.config->zero_pad_width);
  // start-after is a string bound: only valid while offsets have the padded width.
  std::string start_after =
      static_cast<int>(padded.size()) == ctx_.config->zero_pad_width ? prefix + padded : "";
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, ctx_.client->ListAll(prefix, start_after));
  std::set<int64_t>& starts = previous_starts_[encoded];
  for (const auto& o : objects) {
    std::string_view rest = std::string_view(o.key).substr(prefix.size());
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    if (digits == 0 || digits > 18) continue;
    const std::string_view ext = rest.substr(digits);
    if (std::none_of(formats_.begin(), formats_.end(),
                     [&](const RecordFormat* f) { return f->extension() == ext; })) {
      continue;
    }
    int64_t start = std::stoll(std::string(rest.substr(0, digits)));
    if (start >= first_offset_) starts.insert(start);
  }
  if (!starts.empty()) {
    LOG_INFO("S3 sink {}-{}: {} object(s) of a previous run under {}; rebuilding on their boundaries",
             tp_.topic, tp_.partition, starts.size(), prefix);
  }
  return Status::OK();
}

Status TopicPartitionWriter::Rotate() {
  // Every file's completion is queued even when the uploader reports an error (it resumes later).
  Status first;
  for (auto& [encoded, file] : files_) {
    for (auto& obj : file.objects) {
      Status s = obj->Complete(*ctx_.uploader);
      if (first.ok() && !s.ok()) first = s;
      completing_.push_back(Completing{obj->start_offset(), obj->upload()});
      LOG_DEBUG("S3 sink: completing {}", obj->key());
    }
  }
  *ctx_.open_files -= static_cast<int>(files_.size() * formats_.size());
  files_.clear();
  record_count_ = 0;
  base_time_ = -1;
  opened_wall_ = -1;
  current_encoded_.clear();
  return first;
}

Status TopicPartitionWriter::Write(const connect::SinkRecord& r, int64_t now_ms) {
  const S3SinkConfig& c = *ctx_.config;
  const int64_t off = r.kafka_offset;
  if (next_offset_ >= 0 && off < next_offset_) return Status::OK();  // taken before a retried error
  if (first_offset_ < 0) first_offset_ = off;
  if (r.value.is_null()) {
    if (c.on_null == NullBehavior::kIgnore) {
      next_offset_ = off + 1;
      return Status::OK();
    }
    if (c.on_null == NullBehavior::kFail) {
      return Status::InvalidArgument(
          "Null valued records are not writeable with current behavior.on.null.values "
          "'settings' (" +
          tp_.topic + "-" + std::to_string(tp_.partition) + "@" + std::to_string(off) + ")");
    }
  }
  ASSIGN_OR_RETURN(int64_t ts, ctx_.partitioner->RotationTime(r, now_ms));
  ASSIGN_OR_RETURN(std::string encoded, ctx_.partitioner->Encode(r, now_ms));
  // Every view is encoded before anything is written (keys and headers first, as Confluent checks
  // them first): a record that fails leaves the objects of the file aligned.
  thread_local std::vector<std::string> scratch;
  scratch.resize(formats_.size());
  for (size_t i = formats_.size(); i-- > 0;) {
    scratch[i].clear();
    RETURN_IF_ERROR(formats_[i]->Append(r, scratch[i]));
  }

  bool rotate = false;
  if (record_count_ > 0) {
    if (c.rotate_interval_ms > 0 && (ts - base_time_ >= c.rotate_interval_ms || encoded != current_encoded_))
      rotate = true;
    if (c.rotate_schedule_interval_ms > 0 && now_ms >= next_schedule_) rotate = true;
  }
  RETURN_IF_ERROR(LearnPreviousRun(encoded));
  auto prev = previous_starts_.find(encoded);
  if (prev != previous_starts_.end() && !prev->second.empty()) {
    std::set<int64_t>& starts = prev->second;
    starts.erase(starts.begin(), starts.lower_bound(off));
    if (!starts.empty() && *starts.begin() == off && files_.count(encoded) > 0) rotate = true;
  }
  if (rotate) RETURN_IF_ERROR(Rotate());

  auto it = files_.find(encoded);
  if (it == files_.end()) {
    const int objects = static_cast<int>(formats_.size());
    if (*ctx_.open_files + objects > c.max_open_files) {
      return Status::InvalidArgument(
          "S3 sink: " + std::to_string(*ctx_.open_files) +
          " files are open in this task (keys and headers objects count as files), "
          "the limit s3.max.open.files; lower flush.size or rotate.interval.ms, use "
          "fewer partition values, or raise s3.max.open.files");
    }
    File file;
    file.start_offset = off;
    for (const RecordFormat* f : formats_) {
      // The buffer holds a part plus the record that fills it.
      file.objects.push_back(std::make_unique<S3Object>(KeyFor(encoded, off, *f), off, c.gzip,
                                                        c.compression_level, ctx_.pool,
                                                        static_cast<size_t>(c.part_size) + 65536));
    }
    it = files_.emplace(encoded, std::move(file)).first;
    *ctx_.open_files += objects;
  }
  File& file = it->second;
  for (size_t i = 0; i < file.objects.size(); ++i) RETURN_IF_ERROR(file.objects[i]->Append(scratch[i]));
  next_offset_ = off + 1;
  if (record_count_ == 0) {
    base_time_ = ts;
    opened_wall_ = now_ms;
    if (c.rotate_schedule_interval_ms > 0) {
      int64_t local = ctx_.timezone->ToLocal(now_ms);
      next_schedule_ = ctx_.timezone->ToUtc((FloorDiv(local, c.rotate_schedule_interval_ms) + 1) *
                                            c.rotate_schedule_interval_ms);
    }
  }
  ++record_count_;
  current_encoded_ = encoded;
  // The record is taken: full parts and the rotation are queued even if the uploader reports an error
  // (the retried batch skips this record), so file boundaries never depend on S3 trouble.
  Status first;
  for (auto& obj : file.objects) {
    if (!obj->PartReady(static_cast<size_t>(c.part_size))) continue;
    Status s = obj->UploadPart(*ctx_.uploader);
    if (first.ok()) first = std::move(s);
  }
  if (record_count_ >= c.flush_size) {
    Status s = Rotate();
    if (first.ok()) first = std::move(s);
  }
  return first;
}

Status TopicPartitionWriter::Tick(int64_t now_ms, bool had_records) {
  std::erase_if(completing_, [](const Completing& f) { return f.upload->done.load(); });
  if (record_count_ == 0) return Status::OK();
  const S3SinkConfig& c = *ctx_.config;
  if (c.rotate_schedule_interval_ms > 0 && now_ms >= next_schedule_) return Rotate();
  if (c.rotate_interval_ms > 0 && !had_records && now_ms - opened_wall_ >= c.rotate_interval_ms)
    return Rotate();
  return Status::OK();
}

std::optional<int64_t> TopicPartitionWriter::CommittableOffset() const {
  if (next_offset_ < 0) return std::nullopt;
  int64_t off = next_offset_;
  for (const auto& [enc, f] : files_) off = std::min(off, f.start_offset);
  for (const Completing& f : completing_) {
    if (!f.upload->done.load()) off = std::min(off, f.start_offset);
  }
  return off;
}

void TopicPartitionWriter::Abort() {
  for (auto& [enc, f] : files_) {
    for (auto& obj : f.objects) obj->Abort(*ctx_.uploader);
  }
  *ctx_.open_files -= static_cast<int>(files_.size() * formats_.size());
  files_.clear();
  // Not committed: whoever owns the partition next writes them again from the committed offset.
  for (const Completing& f : completing_) f.upload->cancelled = true;
  completing_.clear();
}

}  // namespace sluice::connectors::s3
