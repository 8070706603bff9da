// Offset stores: see offset_store.h.
#include "connect/runtime/offset_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/logging.h"

namespace sluice::connect {

std::string OffsetStore::Canonical(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return json;
  return j.dump();
}

std::string OffsetStore::EncodeKey(const std::string& connector, const std::string& partition_json) {
  nlohmann::json p = nlohmann::json::parse(partition_json, nullptr, false);
  if (p.is_discarded()) p = nullptr;
  return nlohmann::json::array({connector, p}).dump();
}

bool OffsetStore::DecodeKey(const std::string& key, std::string* connector, std::string* partition_json) {
  nlohmann::json j = nlohmann::json::parse(key, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() != 2 || !j[0].is_string()) return false;
  *connector = j[0].get<std::string>();
  *partition_json = j[1].dump();
  return true;
}

void OffsetStore::Apply(const std::string& connector, const std::string& partition_json,
                        const std::optional<std::string>& offset) {
  std::string canon = Canonical(partition_json);
  if (offset) {
    data_[connector][canon] = *offset;
  } else {
    auto it = data_.find(connector);
    if (it != data_.end()) {
      it->second.erase(canon);
      if (it->second.empty()) data_.erase(it);
    }
  }
}

std::optional<std::string> OffsetStore::Get(const std::string& connector, const std::string& partition_json) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(connector);
  if (it == data_.end()) return std::nullopt;
  auto jt = it->second.find(Canonical(partition_json));
  if (jt == it->second.end()) return std::nullopt;
  return jt->second;
}

std::vector<std::pair<std::string, std::string>> OffsetStore::GetAll(const std::string& connector) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  auto it = data_.find(connector);
  if (it == data_.end()) return out;
  for (const auto& [p, o] : it->second) out.emplace_back(p, o);
  return out;
}

Status MemoryOffsetStore::Put(const std::string& connector, const std::vector<OffsetEntry>& entries, int) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const OffsetEntry& e : entries) Apply(connector, e.partition_json, e.offset);
  return Status::OK();
}

Status FileOffsetStore::Start(int) {
  std::ifstream in(path_);
  if (!in) return Status::OK();  // first start
  std::string line;
  int lineno = 0;
  std::lock_guard<std::mutex> lock(mu_);
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    std::string connector;
    std::string partition;
    if (j.is_discarded() || !j.is_array() || j.size() != 2 ||
        !DecodeKey(j[0].is_string() ? j[0].get<std::string>() : j[0].dump(), &connector, &partition)) {
      return Status::Corruption(path_ + ":" + std::to_string(lineno) + ": not an offset entry");
    }
    Apply(connector, partition, j[1].dump());
  }
  return Status::OK();
}

Status FileOffsetStore::WriteFileLocked() {
  std::ostringstream out;
  for (const auto& [connector, parts] : data_) {
    for (const auto& [p, o] : parts) {
      nlohmann::json line = nlohmann::json::array(
          {nlohmann::json::parse(EncodeKey(connector, p)), nlohmann::json::parse(o, nullptr, false)});
      out << line.dump() << '\n';
    }
  }
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + tmp, errno);
  std::string data = out.str();
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::FromErrno("write " + tmp, err);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return Status::FromErrno("fsync " + tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Status::FromErrno("rename " + tmp, errno);
  return Status::OK();
}

Status FileOffsetStore::Put(const std::string& connector, const std::vector<OffsetEntry>& entries, int) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const OffsetEntry& e : entries) Apply(connector, e.partition_json, e.offset);
  return WriteFileLocked();
}

KafkaOffsetStore::KafkaOffsetStore(ClientOptions producer, ClientOptions consumer, NewTopicSpec topic)
    : log_(std::move(producer), std::move(consumer), std::move(topic), [this](const LogRecord& rec) {
        std::string connector;
        std::string partition;
        if (!rec.key || !DecodeKey(*rec.key, &connector, &partition)) {
          LOG_WARN("offset topic: ignoring a record at offset {} whose key is not [connector, partition]",
                   rec.offset);
          return;
        }
        std::lock_guard<std::mutex> lock(mu_);
        Apply(connector, partition, rec.value);
      }) {}

Status KafkaOffsetStore::Start(int timeout_ms) { return log_.Start(timeout_ms); }
void KafkaOffsetStore::Stop() { log_.Stop(); }

Status KafkaOffsetStore::Put(const std::string& connector, const std::vector<OffsetEntry>& entries,
                             int timeout_ms) {
  for (const OffsetEntry& e : entries) {
    RETURN_IF_ERROR(log_.Send(EncodeKey(connector, e.partition_json), e.offset));
  }
  RETURN_IF_ERROR(log_.Flush(timeout_ms));
  // Our own writes are visible to Get at once.
  std::lock_guard<std::mutex> lock(mu_);
  for (const OffsetEntry& e : entries) Apply(connector, e.partition_json, e.offset);
  return Status::OK();
}

}  // namespace sluice::connect
