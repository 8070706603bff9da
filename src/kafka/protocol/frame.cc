// Request/response frames. Thread-safety: see frame.h.
#include "kafka/protocol/frame.h"

#include <string>

namespace sluice::kafka {

Status PeekRequestHeader(std::span<const uint8_t> payload, int16_t* api_key, int16_t* api_version,
                         int32_t* correlation_id) {
  Reader r(payload);
  RETURN_IF_ERROR(r.ReadInt16(api_key));
  RETURN_IF_ERROR(r.ReadInt16(api_version));
  return r.ReadInt32(correlation_id);
}

Result<DecodedRequest> DecodeRequest(const SharedBytes& payload) {
  int16_t api_key = 0, api_version = 0;
  int32_t correlation_id = 0;
  RETURN_IF_ERROR(PeekRequestHeader(payload.span(), &api_key, &api_version, &correlation_id));
  const ApiInfo* api = FindApi(api_key);
  if (api == nullptr) return Status::Unsupported("unknown API key " + std::to_string(api_key));
  DecodedRequest req;
  req.header_version = RequestHeaderVersion(api_key, api_version);
  Reader r(payload);
  RETURN_IF_ERROR(req.header.Decode(r, req.header_version).WithContext("request header"));
  if (api_version < api->min_version || api_version > api->max_version) {
    return Status::Unsupported(std::string(api->name) + " version " + std::to_string(api_version) +
                               " is not in " + std::to_string(api->min_version) + "-" +
                               std::to_string(api->max_version));
  }
  req.body = NewRequest(api_key);
  RETURN_IF_ERROR(req.body->Decode(r, api_version).WithContext(std::string(api->name) + " request"));
  // Bytes after the body are ignored, as Kafka's request parsing does: librdkafka 2.0.2 sends a stray
  // byte after ListGroups v4 and OffsetFetch v8 bodies.
  req.trailing_bytes = r.remaining();
  return req;
}

}  // namespace sluice::kafka
