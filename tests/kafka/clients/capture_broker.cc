// Loopback capture broker for the real-client golden tests. Thread-safety: see capture_broker.h.
#include "capture_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/api_versions.h"
#include "kafka/protocol/generated/metadata.h"
#include "kafka/protocol/generated/produce.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::kafka::testing {
namespace {

constexpr int16_t kProduceKey = messages::ProduceRequest::kApiKey;
constexpr int16_t kMetadataKey = messages::MetadataRequest::kApiKey;
constexpr int16_t kApiVersionsKey = messages::ApiVersionsRequest::kApiKey;
constexpr size_t kMaxFrameSize = 64 << 20;

// Up to 16 bytes of `b` starting at `pos`, as hex.
std::string HexWindow(std::span<const uint8_t> b, size_t pos) {
  std::string s;
  char buf[4];
  for (size_t i = pos; i < b.size() && i < pos + 16; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", b[i]);
    s += buf;
  }
  return s.empty() ? "<end>" : s;
}

// Reads exactly n bytes; false on EOF or error.
bool ReadFull(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t r = recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool WriteFull(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::optional<std::string> ToString(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return std::string(AsStringView(*b));
}

messages::ApiVersionsResponse AdvertisedApiVersions(const std::vector<AdvertisedApi>& apis) {
  messages::ApiVersionsResponse resp;
  for (const AdvertisedApi& a : apis) {
    auto& k = resp.api_keys.emplace_back();
    k.api_key = a.api_key;
    k.min_version = a.min_version;
    k.max_version = a.max_version;
  }
  return resp;
}

messages::MetadataResponse::MetadataResponseTopic GoldenTopicMetadata(int16_t v) {
  messages::MetadataResponse::MetadataResponseTopic t;
  t.name = kGoldenTopic;
  if (v >= 10)
    t.topic_id.bytes = {0x5e, 0x1c, 0xe0, 0x01, 0x9a, 0x1d, 0x4b, 0x6e,
                        0x8c, 0x2f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
  auto& p = t.partitions.emplace_back();
  p.partition_index = 0;
  p.leader_id = kBrokerNodeId;
  if (v >= 7) p.leader_epoch = 0;
  p.replica_nodes = {kBrokerNodeId};
  p.isr_nodes = {kBrokerNodeId};
  return t;
}

}  // namespace

std::string ApiName(int16_t api_key) {
  const ApiInfo* info = FindApi(api_key);
  return info != nullptr ? std::string(info->name) : "api" + std::to_string(api_key);
}

Status VerifyRoundTrip(std::span<const uint8_t> in, const DecodedRequest& req) {
  const int16_t version = req.header.request_api_version;
  const std::string what = ApiName(req.header.request_api_key) + " v" + std::to_string(version);
  std::vector<uint8_t> out;
  Writer w(&out);
  RETURN_IF_ERROR(req.header.Encode(w, req.header_version).WithContext(what + " header re-encode"));
  const size_t header_len = out.size();
  if (header_len != req.header.Size(req.header_version)) {
    return Status::Corruption(what + ": header Size() " +
                              std::to_string(req.header.Size(req.header_version)) + " != encoded " +
                              std::to_string(header_len));
  }
  RETURN_IF_ERROR(req.body->Encode(w, version).WithContext(what + " body re-encode"));
  if (out.size() - header_len != req.body->Size(version)) {
    return Status::Corruption(what + ": body Size() " + std::to_string(req.body->Size(version)) +
                              " != encoded " + std::to_string(out.size() - header_len));
  }
  const auto mismatch = std::mismatch(in.begin(), in.end(), out.begin(), out.end());
  if (mismatch.first != in.end() || mismatch.second != out.end()) {
    const size_t pos = static_cast<size_t>(mismatch.first - in.begin());
    return Status::Corruption(what + ": re-encoded " + std::to_string(out.size()) + " bytes, client sent " +
                              std::to_string(in.size()) + "; first difference at payload byte " +
                              std::to_string(pos) + (pos < header_len ? " (header)" : " (body)") +
                              ": client " + HexWindow(in, pos) + " ours " + HexWindow(out, pos));
  }
  return Status::OK();
}

Status DecodeAndVerifyRoundTrip(const SharedBytes& payload, DecodedRequest* decoded) {
  ASSIGN_OR_RETURN(DecodedRequest req, DecodeRequest(payload));
  RETURN_IF_ERROR(VerifyRoundTrip(payload.span(), req));
  if (decoded != nullptr) *decoded = std::move(req);
  return Status::OK();
}

Status DecodeProducedRecords(const SharedBytes& records, std::vector<ProducedRecord>* out) {
  RecordBatchView batch;
  RETURN_IF_ERROR(ValidateProduceRecords(records.span(), &batch));
  DecodedBatch decoded;
  RETURN_IF_ERROR(DecodeRecordBatch(batch, &decoded));
  for (const Record& r : decoded.records) {
    ProducedRecord& p = out->emplace_back();
    p.key = ToString(r.key);
    p.value = ToString(r.value);
    for (const RecordHeader& h : r.headers) p.headers.push_back({std::string(h.key), ToString(h.value)});
  }
  return Status::OK();
}

Status ExchangeFrames(uint16_t port, const std::vector<std::vector<uint8_t>>& frames,
                      std::vector<std::vector<uint8_t>>* responses) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  Status status;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    status = Status::FromErrno("connect", errno);
  }
  for (size_t i = 0; status.ok() && i < frames.size(); ++i) {
    uint8_t size_bytes[4];
    if (!WriteFull(fd, frames[i].data(), frames[i].size()) || !ReadFull(fd, size_bytes, 4)) {
      status = Status::IOError("no response to frame " + std::to_string(i));
      break;
    }
    const uint32_t size = (uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                          (uint32_t{size_bytes[2]} << 8) | uint32_t{size_bytes[3]};
    std::vector<uint8_t>& resp = responses->emplace_back(4 + size);
    std::memcpy(resp.data(), size_bytes, 4);
    if (size > kMaxFrameSize || !ReadFull(fd, resp.data() + 4, size)) {
      status = Status::IOError("truncated response to frame " + std::to_string(i));
    }
  }
  close(fd);
  return status;
}

Status CaptureBroker::Start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Status::FromErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Status::FromErrno("bind 127.0.0.1:0", errno);
  }
  if (listen(listen_fd_, 16) != 0) return Status::FromErrno("listen", errno);
  socklen_t len = sizeof(addr);
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::FromErrno("getsockname", errno);
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return Status::OK();
}

void CaptureBroker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);  // wakes accept() with EINVAL
  if (accept_thread_.joinable()) accept_thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(conn_threads_);
  }
  for (std::thread& t : threads) t.join();
}

void CaptureBroker::AcceptLoop() {
  while (true) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (!stopping_) problems_.push_back("accept: " + std::string(std::strerror(errno)));
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    open_fds_.push_back(fd);
    conn_threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void CaptureBroker::Serve(int fd) {
  while (true) {
    uint8_t size_bytes[4];
    if (!ReadFull(fd, size_bytes, 4)) break;
    const uint32_t size = (uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                          (uint32_t{size_bytes[2]} << 8) | uint32_t{size_bytes[3]};
    if (size < 8 || size > kMaxFrameSize) {
      AddProblem("frame size " + std::to_string(size) + " out of range");
      break;
    }
    std::vector<uint8_t> frame(4 + size);
    std::memcpy(frame.data(), size_bytes, 4);
    if (!ReadFull(fd, frame.data() + 4, size)) {
      AddProblem("connection closed inside a frame of " + std::to_string(size) + " bytes");
      break;
    }
    std::vector<uint8_t> response;
    const bool keep_open = Handle(std::move(frame), &response);
    if (!response.empty() && !WriteFull(fd, response.data(), response.size())) break;
    if (!keep_open) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  close(fd);
}

bool CaptureBroker::Handle(std::vector<uint8_t> frame, std::vector<uint8_t>* response) {
  auto owner = std::make_shared<const std::vector<uint8_t>>(std::move(frame));
  const SharedBytes payload(owner, owner->data() + 4, owner->size() - 4);
  CapturedRequest c;
  c.frame = *owner;
  const Status peek = PeekRequestHeader(payload.span(), &c.api_key, &c.api_version, &c.correlation_id);
  if (!peek.ok()) {
    AddProblem("unparseable request header: " + peek.ToString());
    return false;
  }
  const std::string what = ApiName(c.api_key) + " v" + std::to_string(c.api_version);
  const AdvertisedApi* advertised = FindAdvertised(c.api_key);

  // ApiVersions above what we advertise: Kafka answers v0 with UNSUPPORTED_VERSION and its own
  // ApiVersions range so that the client retries with a version both support.
  if (c.api_key == kApiVersionsKey && advertised != nullptr && c.api_version > advertised->max_version) {
    messages::RequestHeader header;
    Reader r(payload);
    if (header.Decode(r, RequestHeaderVersion(c.api_key, c.api_version)).ok()) {
      c.client_id = header.client_id;
    }
    c.above_advertised_api_versions = true;
    c.decode_status = Status::Unsupported(what + " is above the advertised range (answered v0 error 35)");
    messages::ApiVersionsResponse resp;
    resp.error_code = ErrorToInt(ErrorCode::kUnsupportedVersion);
    auto& k = resp.api_keys.emplace_back();
    k.api_key = advertised->api_key;
    k.min_version = advertised->min_version;
    k.max_version = advertised->max_version;
    const Status s = EncodeResponseFrame(c.api_key, 0, c.correlation_id, resp, response);
    if (!s.ok()) AddProblem("encoding the ApiVersions v0 error response: " + s.ToString());
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(c));
    return s.ok();
  }

  Result<DecodedRequest> decoded = DecodeRequest(payload);
  c.decode_status = decoded.status();
  if (!decoded.ok()) {
    AddProblem(what + ": decode failed: " + decoded.status().ToString());
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(c));
    return false;  // Kafka closes connections on requests it cannot parse
  }
  c.client_id = decoded->header.client_id;
  c.roundtrip_status = VerifyRoundTrip(payload.span(), *decoded);
  if (!c.roundtrip_status.ok()) AddProblem("golden check failed: " + c.roundtrip_status.ToString());
  auto shared = std::make_shared<const DecodedRequest>(std::move(decoded).value());
  c.decoded = shared;
  const int16_t api_version = c.api_version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(c));
  }
  if (advertised == nullptr || api_version < advertised->min_version ||
      api_version > advertised->max_version) {
    AddProblem(what + " was not advertised; closing the connection");
    return false;
  }
  const Status s = Answer(*shared, response);
  if (!s.ok()) {
    AddProblem(what + ": answering failed: " + s.ToString());
    return false;
  }
  return true;
}

Status CaptureBroker::Answer(const DecodedRequest& req, std::vector<uint8_t>* response) {
  const int16_t key = req.header.request_api_key;
  const int16_t v = req.header.request_api_version;
  const int32_t corr = req.header.correlation_id;
  AnyMessage& body = *req.body;
  switch (key) {
    case kApiVersionsKey:
      return EncodeResponseFrame(key, v, corr, AdvertisedApiVersions(advertised_), response);

    case kMetadataKey: {
      const auto& mreq = body.As<messages::MetadataRequest>();
      messages::MetadataResponse resp;
      auto& b = resp.brokers.emplace_back();
      b.node_id = kBrokerNodeId;
      b.host = "127.0.0.1";
      b.port = port_;
      if (v >= 1) resp.controller_id = kBrokerNodeId;
      if (v >= 2) resp.cluster_id = kClusterId;
      // Null topics: all topics; an empty list means all topics in v0 and none from v1 on.
      if (!mreq.topics || (mreq.topics->empty() && v == 0)) {
        resp.topics.push_back(GoldenTopicMetadata(v));
      } else {
        for (const auto& t : *mreq.topics) {
          if (t.name == kGoldenTopic) {
            resp.topics.push_back(GoldenTopicMetadata(v));
          } else {
            auto& unknown = resp.topics.emplace_back();
            unknown.error_code = ErrorToInt(ErrorCode::kUnknownTopicOrPartition);
            unknown.name = t.name;
          }
        }
      }
      return EncodeResponseFrame(key, v, corr, resp, response);
    }

    case kProduceKey: {
      const auto& preq = body.As<messages::ProduceRequest>();
      messages::ProduceResponse resp;
      for (const auto& topic : preq.topic_data) {
        auto& tr = resp.responses.emplace_back();
        tr.name = topic.name;
        for (const auto& part : topic.partition_data) {
          auto& pr = tr.partition_responses.emplace_back();
          pr.index = part.index;
          if (topic.name != kGoldenTopic || part.index != 0) {
            pr.error_code = ErrorToInt(ErrorCode::kUnknownTopicOrPartition);
            continue;
          }
          std::vector<ProducedRecord> recs;
          const Status s =
              part.records ? DecodeProducedRecords(*part.records, &recs) : Status::Corruption("null records");
          if (!s.ok()) {
            AddProblem("Produce v" + std::to_string(v) + " records: " + s.ToString());
            // As Kafka: legacy magic in Produce v3+ is INVALID_RECORD, other bad bytes CORRUPT_MESSAGE.
            pr.error_code = ErrorToInt(s.code() == Status::Code::kUnsupported ? ErrorCode::kInvalidRecord
                                                                              : ErrorCode::kCorruptMessage);
            continue;
          }
          std::lock_guard<std::mutex> lock(mu_);
          pr.base_offset = static_cast<int64_t>(records_.size());
          records_.insert(records_.end(), recs.begin(), recs.end());
        }
      }
      if (preq.acks == 0) return Status::OK();  // no response for acks=0
      return EncodeResponseFrame(key, v, corr, resp, response);
    }

    default:
      return Status::Internal("no handler for " + ApiName(key));
  }
}

const AdvertisedApi* CaptureBroker::FindAdvertised(int16_t api_key) const {
  for (const AdvertisedApi& a : advertised_) {
    if (a.api_key == api_key) return &a;
  }
  return nullptr;
}

void CaptureBroker::AddProblem(std::string problem) {
  std::lock_guard<std::mutex> lock(mu_);
  problems_.push_back(std::move(problem));
}

std::vector<CapturedRequest> CaptureBroker::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<ProducedRecord> CaptureBroker::Records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

std::vector<std::string> CaptureBroker::Problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return problems_;
}

}  // namespace sluice::kafka::testing
