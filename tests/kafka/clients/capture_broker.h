// A loopback "capture broker" for golden tests against real Kafka clients: it listens on 127.0.0.1
// (ephemeral port), decodes every request frame with our codec, checks that re-encoding the decoded
// header and body reproduces the client's bytes exactly, and answers ApiVersions, Metadata and
// Produce with responses encoded by our codec so the client makes progress. Produced records of
// topic `golden` are decoded with the record batch API and kept for the test to compare.
//
// Thread-safety: one accept thread plus one thread per connection; every accessor is safe to call
// from any thread (state is guarded by a mutex; accessors return copies).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka::testing {

inline constexpr char kGoldenTopic[] = "golden";
inline constexpr int32_t kBrokerNodeId = 1;
inline constexpr char kClusterId[] = "sluice-golden-cluster";

// An API version range the capture broker advertises in ApiVersions.
struct AdvertisedApi {
  int16_t api_key;
  int16_t min_version;
  int16_t max_version;
};
// What the capture broker advertises by default, ascending by key. Fetch is never answered: it is
// advertised because librdkafka derives the record format from it (MsgVer2 needs Produce v3 and
// Fetch v4 in range; without Fetch it sends legacy magic 0 message sets even in Produce v7).
inline const std::vector<AdvertisedApi>& DefaultAdvertisedApis() {
  static const std::vector<AdvertisedApi> kApis = {
      {0, 3, 9},   // Produce: v3 is the first with record batch v2
      {1, 4, 12},  // Fetch: advertised only (see above)
      {3, 0, 12},  // Metadata
      {18, 0, 3},  // ApiVersions
  };
  return kApis;
}

// The golden check: re-encodes the decoded header and body of `req` and compares with `payload` (the
// request frame without its size prefix). Corruption naming the first differing byte if the bytes
// differ or if Size() disagrees with the encoded length.
Status VerifyRoundTrip(std::span<const uint8_t> payload, const DecodedRequest& req);

// DecodeRequest then VerifyRoundTrip. On success *decoded (if non-null) is the request.
Status DecodeAndVerifyRoundTrip(const SharedBytes& payload, DecodedRequest* decoded);

// "Produce", "Metadata", ... from the API table; "api<key>" for an unknown key.
std::string ApiName(int16_t api_key);

struct CapturedRequest {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  std::vector<uint8_t> frame;                     // as received: int32 size prefix + payload
  Status decode_status;                           // DecodeRequest
  Status roundtrip_status;                        // re-encoding reproduces the bytes
  std::shared_ptr<const DecodedRequest> decoded;  // null unless decode_status is OK
  // ApiVersions above the advertised range: not decoded, answered v0 with UNSUPPORTED_VERSION.
  bool above_advertised_api_versions = false;
};

struct ProducedHeader {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const ProducedHeader&) const = default;
};

struct ProducedRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<ProducedHeader> headers;
  bool operator==(const ProducedRecord&) const = default;
};

// Decodes every batch of a Produce partition's `records` (ValidateProduceRecords, then the records).
Status DecodeProducedRecords(const SharedBytes& records, std::vector<ProducedRecord>* out);

// A minimal client for tests of the broker itself: connects to 127.0.0.1:port, sends each frame and
// reads one response frame (size prefix included) after each.
Status ExchangeFrames(uint16_t port, const std::vector<std::vector<uint8_t>>& frames,
                      std::vector<std::vector<uint8_t>>* responses);

class CaptureBroker {
 public:
  // `advertised` must contain ApiVersions (key 18); only ApiVersions, Metadata and Produce are answered.
  explicit CaptureBroker(std::vector<AdvertisedApi> advertised = DefaultAdvertisedApis())
      : advertised_(std::move(advertised)) {}
  ~CaptureBroker() { Stop(); }
  CaptureBroker(const CaptureBroker&) = delete;
  CaptureBroker& operator=(const CaptureBroker&) = delete;

  // Binds 127.0.0.1:0 and starts accepting.
  Status Start();
  // Closes the listener and every connection and joins the threads. Idempotent.
  void Stop();

  uint16_t port() const { return port_; }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }

  std::vector<CapturedRequest> Requests() const;
  // Records of topic `golden` partition 0, in the order the Produce requests arrived.
  std::vector<ProducedRecord> Records() const;
  // Anything unexpected: frames that do not decode, APIs or versions we did not advertise, records
  // that do not decode, responses we failed to encode.
  std::vector<std::string> Problems() const;

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Records the request and appends the response frame (if any) to *response. False closes the
  // connection (as Kafka does for requests it cannot parse).
  bool Handle(std::vector<uint8_t> frame, std::vector<uint8_t>* response);
  Status Answer(const DecodedRequest& req, std::vector<uint8_t>* response);
  void AddProblem(std::string problem);
  // nullptr if the key is not advertised.
  const AdvertisedApi* FindAdvertised(int16_t api_key) const;

  const std::vector<AdvertisedApi> advertised_;

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mu_;
  bool stopping_ = false;                  // guarded by mu_
  std::vector<int> open_fds_;              // guarded by mu_
  std::vector<std::thread> conn_threads_;  // guarded by mu_
  std::vector<CapturedRequest> requests_;  // guarded by mu_
  std::vector<ProducedRecord> records_;    // guarded by mu_
  std::vector<std::string> problems_;      // guarded by mu_
};

}  // namespace sluice::kafka::testing
