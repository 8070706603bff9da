// Request and response frames: the size-prefixed envelopes that carry a header and a message body.
//
// Frame layout (Kafka protocol guide):
//   int32 size                       bytes that follow (not counting these 4)
//   request header v0: int16 api_key, int16 api_version, int32 correlation_id
//            v1: + nullable string client_id (classic int16 length even in flexible versions)
//            v2: + tagged fields
//   response header v0: int32 correlation_id; v1: + tagged fields
//   body: the message for (api_key, api_version)
// The header version follows from (api_key, api_version): see RequestHeaderVersion/ResponseHeaderVersion.
//
// Thread-safety: free functions; DecodedRequest is a plain value.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/generated/api_registry.h"
#include "kafka/protocol/generated/request_header.h"
#include "kafka/protocol/generated/response_header.h"
#include "kafka/protocol/wire.h"

namespace sluice::kafka {

struct DecodedRequest {
  messages::RequestHeader header;
  int16_t header_version = 0;
  // nullptr when the API key is unknown or the version unsupported (see `status`).
  std::unique_ptr<AnyMessage> body;
  // Bytes after the body, ignored as Kafka ignores them (0 for a well-formed request).
  size_t trailing_bytes = 0;
};

// Peeks api_key, api_version and correlation_id, which every request header starts with, so that a
// request that cannot be decoded can still be answered. Corruption if fewer than 8 bytes.
Status PeekRequestHeader(std::span<const uint8_t> payload, int16_t* api_key, int16_t* api_version,
                         int32_t* correlation_id);

// Decodes a request payload (the bytes after the size prefix). `payload` stays referenced by bytes and
// records fields of the body (zero copy). Unknown API keys and versions outside the schema give
// Unsupported; malformed bytes give Corruption. Bytes after the body are ignored (trailing_bytes).
Result<DecodedRequest> DecodeRequest(const SharedBytes& payload);

// Appends a complete request frame (size prefix, header, body) to *out.
template <typename Body>
Status EncodeRequestFrame(const messages::RequestHeader& header, const Body& body,
                          std::vector<uint8_t>* out) {
  const int16_t hv = RequestHeaderVersion(header.request_api_key, header.request_api_version);
  Writer w(out);
  const size_t start = out->size();
  w.WriteInt32(0);
  RETURN_IF_ERROR(header.Encode(w, hv));
  RETURN_IF_ERROR(body.Encode(w, header.request_api_version));
  w.PatchInt32(start, static_cast<int32_t>(out->size() - start - 4));
  return Status::OK();
}

// Appends a complete response frame for a request (api_key, api_version, correlation_id) to *out.
// With `refs`, large bytes values (Fetch records) are not copied: they are appended to *refs and the
// frame is *out with each ref inserted at its position (see Writer); the size prefix counts them.
template <typename Body>
Status EncodeResponseFrame(int16_t api_key, int16_t api_version, int32_t correlation_id, const Body& body,
                           std::vector<uint8_t>* out, std::vector<BytesRef>* refs = nullptr) {
  messages::ResponseHeader header;
  header.correlation_id = correlation_id;
  Writer w = refs != nullptr ? Writer(out, refs) : Writer(out);
  const size_t start = out->size();
  // With refs the buffer holds only the small fields around them; it grows as needed.
  out->reserve(start + 4 + 8 + (refs == nullptr ? body.Size(api_version) : 1024));
  w.WriteInt32(0);
  RETURN_IF_ERROR(header.Encode(w, ResponseHeaderVersion(api_key, api_version)));
  RETURN_IF_ERROR(body.Encode(w, api_version));
  w.PatchInt32(start, static_cast<int32_t>(w.size() - start - 4));
  return Status::OK();
}

}  // namespace sluice::kafka
