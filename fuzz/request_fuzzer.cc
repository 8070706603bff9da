// libFuzzer target for the request decoder: header + body of every API key and version.
// Input: a request payload (the bytes after the 4-byte size prefix). Oracle, besides ASan/UBSan:
// whatever decodes must re-encode to exactly Size() bytes, and those bytes must decode and re-encode to
// the same bytes (decode and encode agree on every version).
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "kafka/protocol/frame.h"

using sluice::kafka::DecodeRequest;
using sluice::kafka::NewRequest;
using sluice::kafka::Reader;
using sluice::kafka::SharedBytes;
using sluice::kafka::Writer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SharedBytes payload(std::vector<uint8_t>(data, data + size));
  auto req = DecodeRequest(payload);
  if (!req.ok()) return 0;
  const int16_t version = req->header.request_api_version;
  std::vector<uint8_t> out;
  Writer w(&out);
  if (!req->body->Encode(w, version).ok()) std::abort();
  if (req->body->Size(version) != out.size()) std::abort();
  auto again = NewRequest(req->header.request_api_key);
  Reader r(out.data(), out.size());
  if (!again->Decode(r, version).ok() || r.remaining() != 0) std::abort();
  // Compare bytes, not structs: a float64 NaN (AlterClientQuotas) never equals itself.
  std::vector<uint8_t> out2;
  Writer w2(&out2);
  if (!again->Encode(w2, version).ok() || out2 != out) std::abort();
  return 0;
}
