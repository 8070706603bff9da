// A minimal blocking Kafka client over one TCP socket, built on our codec (kafka/protocol), for
// integration tests that must control the bytes on the wire: raw sends, exact frames, typed
// request/response calls, and the well-behaved client round used by the robustness and durability
// tests (ApiVersions + Metadata + Produce + Fetch).
// Thread-safety: a KafkaSocket is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/generated/api_versions.h"
#include "kafka/protocol/generated/create_topics.h"
#include "kafka/protocol/generated/fetch.h"
#include "kafka/protocol/generated/metadata.h"
#include "kafka/protocol/generated/produce.h"

namespace sluice::testing {

class KafkaSocket {
 public:
  KafkaSocket() = default;
  ~KafkaSocket();
  KafkaSocket(const KafkaSocket&) = delete;
  KafkaSocket& operator=(const KafkaSocket&) = delete;
  KafkaSocket(KafkaSocket&& other) noexcept
      : fd_(other.fd_), next_correlation_id_(other.next_correlation_id_) {
    other.fd_ = -1;
  }

  // Connects to 127.0.0.1:port. Reads and writes fail after `io_timeout` without progress, so that a
  // hung broker fails a test instead of blocking it.
  Status Connect(int port, std::chrono::milliseconds io_timeout = std::chrono::seconds(30));
  void Close();
  int fd() const { return fd_; }

  Status SendAll(std::span<const uint8_t> bytes);

  enum class ReadOutcome { kFrame, kClosed, kTimeout, kError };
  // Reads one response frame (the bytes after the size prefix). kClosed: the peer closed the connection
  // (EOF or reset) before a complete frame.
  ReadOutcome ReadFrame(std::vector<uint8_t>* payload);
  // Reads until the peer closes; kClosed if it did without sending anything, kFrame if bytes arrived
  // first (*received holds them), kTimeout/kError otherwise.
  ReadOutcome WaitForClose(std::vector<uint8_t>* received);

  int32_t NextCorrelationId() { return next_correlation_id_++; }

  // Sends `request` at `version` and decodes the response (correlation id checked, no trailing bytes).
  template <typename Request, typename Response>
  Result<Response> Call(int16_t version, const Request& request) {
    kafka::messages::RequestHeader header;
    header.request_api_key = Request::kApiKey;
    header.request_api_version = version;
    header.correlation_id = NextCorrelationId();
    header.client_id = "sluice-integration-test";
    std::vector<uint8_t> frame;
    RETURN_IF_ERROR(kafka::EncodeRequestFrame(header, request, &frame));
    RETURN_IF_ERROR(SendAll(frame));
    std::vector<uint8_t> payload;
    RETURN_IF_ERROR(ReadResponse(&payload));
    Response response;
    RETURN_IF_ERROR(DecodeResponse(Request::kApiKey, version, header.correlation_id, payload, &response));
    return response;
  }

  // Decodes a response payload: header for (api_key, version), then the body; no trailing bytes.
  template <typename Response>
  static Status DecodeResponse(int16_t api_key, int16_t version, int32_t correlation_id,
                               const std::vector<uint8_t>& payload, Response* response) {
    kafka::Reader r(std::span<const uint8_t>(payload.data(), payload.size()));
    kafka::messages::ResponseHeader header;
    RETURN_IF_ERROR(header.Decode(r, kafka::ResponseHeaderVersion(api_key, version)));
    if (header.correlation_id != correlation_id) {
      return Status::Corruption("correlation id " + std::to_string(header.correlation_id) + ", expected " +
                                std::to_string(correlation_id));
    }
    RETURN_IF_ERROR(response->Decode(r, version));
    if (r.remaining() != 0) return Status::Corruption("trailing bytes after the response body");
    return Status::OK();
  }

 private:
  Status ReadResponse(std::vector<uint8_t>* payload);

  int fd_ = -1;
  int32_t next_correlation_id_ = 1;
};

// Versions the helpers below use (all advertised by the broker).
inline constexpr int16_t kApiVersionsVersion = 3;
inline constexpr int16_t kMetadataVersion = 9;
inline constexpr int16_t kCreateTopicsVersion = 5;
inline constexpr int16_t kProduceVersion = 9;
inline constexpr int16_t kFetchVersion = 12;

// Creates a topic with one partition (TOPIC_ALREADY_EXISTS counts as success).
Status CreateTopic(KafkaSocket& s, const std::string& topic, int32_t partitions = 1);

// One uncompressed batch holding `values` as record values (null keys), produced to partition 0 of
// `topic` with the given acks. Returns the base offset the broker assigned.
Result<int64_t> ProduceValues(KafkaSocket& s, const std::string& topic,
                              const std::vector<std::string>& values, int16_t acks = -1);

// A Fetch of partition 0 of `topic` from `offset` (max_wait_ms 0, min_bytes 1).
kafka::messages::FetchRequest FetchRequestFor(const std::string& topic, int64_t offset,
                                              int32_t partition_max_bytes, int32_t max_bytes);

struct FetchedRecord {
  int64_t offset = 0;
  std::string value;
};
// Reads partition 0 of `topic` from `offset` up to its high watermark (CRC of every batch checked).
Result<std::vector<FetchedRecord>> FetchAll(KafkaSocket& s, const std::string& topic, int64_t offset);

// A well-behaved client round on an open connection: ApiVersions (no error, Produce and Fetch
// advertised), Metadata for `topic` (this broker, partition 0 led by it), Produce of `value` with
// acks=all, Fetch of that offset returning `value`. An error describes the first wrong answer.
Status WellBehavedRound(KafkaSocket& s, int port, const std::string& topic, const std::string& value);

}  // namespace sluice::testing
