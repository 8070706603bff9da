// The messages every client test produces to topic `golden` (the client scripts in this directory
// hard-code the same list), the clients, and where their golden request files live.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "capture_broker.h"

namespace sluice::kafka::testing {

// The records a client's Produce requests must carry, in order. kcat's -H adds its header to every
// message; the other clients put a header on the third message only.
inline std::vector<ProducedRecord> ExpectedRecords(std::string_view client) {
  const bool header_on_all = client == "kcat";
  const std::vector<ProducedHeader> h1 = {{"h1", "hv1"}};
  return {
      {"k1", "v1", header_on_all ? h1 : std::vector<ProducedHeader>{}},
      {"k2", "hello golden", header_on_all ? h1 : std::vector<ProducedHeader>{}},
      {"k3", "v3", h1},
  };
}

inline std::string SourceDir() {
  const char* dir = std::getenv("SLUICE_SOURCE_DIR");
  return dir != nullptr ? dir : SLUICE_DEFAULT_SOURCE_DIR;
}
inline std::string ClientsDir() { return SourceDir() + "/tests/kafka/clients"; }
// Golden files: golden/<client>_<api>_v<version>.bin, each one whole request frame (int32 size prefix
// included) as the client sent it; <api> is the lower-case API name ("produce", "apiversions").
inline std::string GoldenDir() { return ClientsDir() + "/golden"; }

}  // namespace sluice::kafka::testing
