// Blocking Kafka test client over a socket. Thread-safety: see kafka_socket.h.
#include "kafka_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"
#include "kafka/protocol/record_reader.h"

namespace sluice::testing {

namespace msg = kafka::messages;

namespace {
constexpr int32_t kMaxResponseBytes = 256 * 1024 * 1024;
}  // namespace

KafkaSocket::~KafkaSocket() { Close(); }

Status KafkaSocket::Connect(int port, std::chrono::milliseconds io_timeout) {
  Close();
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Status::FromErrno("socket", errno);
  timeval tv{};
  tv.tv_sec = io_timeout.count() / 1000;
  tv.tv_usec = (io_timeout.count() % 1000) * 1000;
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status s = Status::FromErrno("connect to port " + std::to_string(port), errno);
    Close();
    return s;
  }
  return Status::OK();
}

void KafkaSocket::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Status KafkaSocket::SendAll(std::span<const uint8_t> bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("send", errno);
    }
    sent += static_cast<size_t>(n);
  }
  return Status::OK();
}

namespace {
// Reads exactly n bytes; 0 = done, otherwise an errno-like code (-1 for EOF).
int ReadExactly(int fd, uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = recv(fd, out + got, n - got, 0);
    if (r == 0) return -1;
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    got += static_cast<size_t>(r);
  }
  return 0;
}

KafkaSocket::ReadOutcome OutcomeOf(int err) {
  if (err == -1 || err == ECONNRESET || err == EPIPE) return KafkaSocket::ReadOutcome::kClosed;
  if (err == EAGAIN || err == EWOULDBLOCK) return KafkaSocket::ReadOutcome::kTimeout;
  return KafkaSocket::ReadOutcome::kError;
}
}  // namespace

KafkaSocket::ReadOutcome KafkaSocket::ReadFrame(std::vector<uint8_t>* payload) {
  uint8_t size_bytes[4];
  if (int err = ReadExactly(fd_, size_bytes, 4); err != 0) return OutcomeOf(err);
  const int32_t size =
      static_cast<int32_t>((uint32_t{size_bytes[0]} << 24) | (uint32_t{size_bytes[1]} << 16) |
                           (uint32_t{size_bytes[2]} << 8) | size_bytes[3]);
  if (size < 4 || size > kMaxResponseBytes) return ReadOutcome::kError;
  payload->resize(static_cast<size_t>(size));
  if (int err = ReadExactly(fd_, payload->data(), payload->size()); err != 0) return OutcomeOf(err);
  return ReadOutcome::kFrame;
}

KafkaSocket::ReadOutcome KafkaSocket::WaitForClose(std::vector<uint8_t>* received) {
  received->clear();
  uint8_t buf[4096];
  while (true) {
    const ssize_t r = recv(fd_, buf, sizeof buf, 0);
    if (r > 0) {
      received->insert(received->end(), buf, buf + r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    const ReadOutcome o = OutcomeOf(r == 0 ? -1 : errno);
    if (o == ReadOutcome::kClosed && !received->empty()) return ReadOutcome::kFrame;
    return o;
  }
}

Status KafkaSocket::ReadResponse(std::vector<uint8_t>* payload) {
  switch (ReadFrame(payload)) {
    case ReadOutcome::kFrame:
      return Status::OK();
    case ReadOutcome::kClosed:
      return Status::IOError("connection closed by the broker");
    case ReadOutcome::kTimeout:
      return Status::Timeout("no response from the broker");
    case ReadOutcome::kError:
      break;
  }
  return Status::IOError("bad response frame");
}

Status CreateTopic(KafkaSocket& s, const std::string& topic, int32_t partitions) {
  msg::CreateTopicsRequest req;
  msg::CreateTopicsRequest::CreatableTopic t;
  t.name = topic;
  t.num_partitions = partitions;
  t.replication_factor = 1;
  req.topics.push_back(t);
  ASSIGN_OR_RETURN(auto resp,
                   (s.Call<msg::CreateTopicsRequest, msg::CreateTopicsResponse>(kCreateTopicsVersion, req)));
  if (resp.topics.size() != 1) return Status::Corruption("CreateTopics: expected one topic result");
  const int16_t err = resp.topics[0].error_code;
  if (err != 0 && err != static_cast<int16_t>(kafka::ErrorCode::kTopicAlreadyExists)) {
    return Status::Internal("CreateTopics " + topic + ": error " + std::to_string(err));
  }
  return Status::OK();
}

Result<int64_t> ProduceValues(KafkaSocket& s, const std::string& topic,
                              const std::vector<std::string>& values, int16_t acks) {
  kafka::RecordBatchBuilder builder;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (const std::string& v : values) builder.Append(now_ms, std::nullopt, kafka::AsBytes(v));
  ASSIGN_OR_RETURN(std::vector<uint8_t> batch, builder.Build());
  msg::ProduceRequest req;
  req.acks = acks;
  req.timeout_ms = 30000;
  msg::ProduceRequest::TopicProduceData td;
  td.name = topic;
  msg::ProduceRequest::PartitionProduceData pd;
  pd.index = 0;
  pd.records = kafka::SharedBytes(std::move(batch));
  td.partition_data.push_back(std::move(pd));
  req.topic_data.push_back(std::move(td));
  ASSIGN_OR_RETURN(auto resp, (s.Call<msg::ProduceRequest, msg::ProduceResponse>(kProduceVersion, req)));
  if (resp.responses.size() != 1 || resp.responses[0].partition_responses.size() != 1) {
    return Status::Corruption("Produce: expected one partition response");
  }
  const auto& pr = resp.responses[0].partition_responses[0];
  if (pr.error_code != 0) return Status::Internal("Produce: error " + std::to_string(pr.error_code));
  return pr.base_offset;
}

msg::FetchRequest FetchRequestFor(const std::string& topic, int64_t offset, int32_t partition_max_bytes,
                                  int32_t max_bytes) {
  msg::FetchRequest req;
  req.max_wait_ms = 0;
  req.min_bytes = 1;
  req.max_bytes = max_bytes;
  msg::FetchRequest::FetchTopic ft;
  ft.topic = topic;
  msg::FetchRequest::FetchPartition fp;
  fp.partition = 0;
  fp.fetch_offset = offset;
  fp.partition_max_bytes = partition_max_bytes;
  ft.partitions.push_back(fp);
  req.topics.push_back(ft);
  return req;
}

Result<std::vector<FetchedRecord>> FetchAll(KafkaSocket& s, const std::string& topic, int64_t offset) {
  std::vector<FetchedRecord> out;
  while (true) {
    msg::FetchRequest req = FetchRequestFor(topic, offset, 1024 * 1024, 4 * 1024 * 1024);
    req.min_bytes = 0;
    ASSIGN_OR_RETURN(auto resp, (s.Call<msg::FetchRequest, msg::FetchResponse>(kFetchVersion, req)));
    if (resp.error_code != 0) return Status::Internal("Fetch: error " + std::to_string(resp.error_code));
    if (resp.responses.size() != 1 || resp.responses[0].partitions.size() != 1) {
      return Status::Corruption("Fetch: expected one partition");
    }
    const auto& pd = resp.responses[0].partitions[0];
    if (pd.error_code != 0) {
      return Status::Internal("Fetch at " + std::to_string(offset) + ": partition error " +
                              std::to_string(pd.error_code) + " (log start " +
                              std::to_string(pd.log_start_offset) + ", high watermark " +
                              std::to_string(pd.high_watermark) + ")");
    }
    if (offset >= pd.high_watermark) return out;
    if (!pd.records || pd.records->empty()) {
      return Status::Corruption("Fetch at " + std::to_string(offset) + " below the high watermark " +
                                std::to_string(pd.high_watermark) + " returned no records");
    }
    kafka::RecordBatchIterator it(pd.records->span());
    kafka::RecordBatchView batch;
    const int64_t before = offset;
    while (it.Next(&batch)) {
      RETURN_IF_ERROR(batch.VerifyCrc());
      kafka::DecodedBatch decoded;
      RETURN_IF_ERROR(kafka::DecodeRecordBatch(batch, &decoded));
      for (const kafka::Record& r : decoded.records) {
        if (r.offset < offset) continue;
        out.push_back({r.offset, r.value ? std::string(kafka::AsStringView(*r.value)) : std::string()});
      }
      offset = batch.header.next_offset();
    }
    RETURN_IF_ERROR(it.status());
    if (offset == before) return Status::Corruption("Fetch returned no complete batch");
  }
}

Status WellBehavedRound(KafkaSocket& s, int port, const std::string& topic, const std::string& value) {
  ASSIGN_OR_RETURN(auto versions, (s.Call<msg::ApiVersionsRequest, msg::ApiVersionsResponse>(
                                      kApiVersionsVersion, msg::ApiVersionsRequest{})));
  if (versions.error_code != 0)
    return Status::Internal("ApiVersions: error " + std::to_string(versions.error_code));
  bool produce = false, fetch = false;
  for (const auto& k : versions.api_keys) {
    produce |= k.api_key == 0 && k.min_version <= kProduceVersion && kProduceVersion <= k.max_version;
    fetch |= k.api_key == 1 && k.min_version <= kFetchVersion && kFetchVersion <= k.max_version;
  }
  if (!produce || !fetch) return Status::Internal("ApiVersions does not advertise Produce/Fetch");

  msg::MetadataRequest mreq;
  msg::MetadataRequest::MetadataRequestTopic mt;
  mt.name = topic;
  mreq.topics->push_back(mt);
  mreq.allow_auto_topic_creation = false;
  ASSIGN_OR_RETURN(auto meta, (s.Call<msg::MetadataRequest, msg::MetadataResponse>(kMetadataVersion, mreq)));
  if (meta.brokers.size() != 1 || meta.brokers[0].port != port) {
    return Status::Internal("Metadata: expected this broker only");
  }
  if (meta.topics.size() != 1 || meta.topics[0].error_code != 0 || meta.topics[0].partitions.empty() ||
      meta.topics[0].partitions[0].leader_id != meta.brokers[0].node_id) {
    return Status::Internal("Metadata: topic " + topic + " missing or not led by this broker");
  }

  ASSIGN_OR_RETURN(int64_t offset, ProduceValues(s, topic, {value}));
  ASSIGN_OR_RETURN(auto records, FetchAll(s, topic, offset));
  if (records.empty() || records[0].offset != offset || records[0].value != value) {
    return Status::Internal("Fetch at " + std::to_string(offset) + " did not return the value produced");
  }
  return Status::OK();
}

}  // namespace sluice::testing
