// Writes a seed corpus for request_fuzzer: randomised valid requests (header + body) of every API key at
// every version, one file each, into the directory given as argv[1].
#include <cstdio>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kafka/protocol/frame.h"
#include "kafka/protocol/generated/random_messages.h"

namespace {

template <typename T>
int WriteSeeds(const std::string& dir, const char* name, sluice::kafka::RandomSource& rng) {
  if constexpr (requires { T::kApiKey; }) {
    if (std::string_view(name).ends_with("Request")) {
      int n = 0;
      for (int v = T::kLowestSupportedVersion; v <= T::kHighestSupportedVersion; ++v) {
        T body;
        sluice::kafka::messages::Randomize(&body, rng, static_cast<int16_t>(v));
        sluice::kafka::messages::RequestHeader header;
        header.request_api_key = T::kApiKey;
        header.request_api_version = static_cast<int16_t>(v);
        header.correlation_id = static_cast<int32_t>(rng.Next());
        header.client_id = "fuzz";
        std::vector<uint8_t> frame;
        if (!sluice::kafka::EncodeRequestFrame(header, body, &frame).ok()) continue;
        std::ofstream(dir + "/" + name + "_v" + std::to_string(v), std::ios::binary)
            .write(reinterpret_cast<const char*>(frame.data() + 4),
                   static_cast<std::streamsize>(frame.size() - 4));
        ++n;
      }
      return n;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  sluice::kafka::RandomSource rng(42);
  int total = 0;
  sluice::kafka::messages::ForEachMessageType([&](auto tag, const char* name) {
    using T = typename decltype(tag)::type;
    total += WriteSeeds<T>(argv[1], name, rng);
  });
  std::printf("wrote %d seeds to %s\n", total, argv[1]);
  return 0;
}
