// Standard base64 (RFC 4648, padded), as Jackson writes and reads binary JSON values.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::connect {

std::string Base64Encode(const std::vector<uint8_t>& bytes);
// nullopt if the text is not valid padded base64.
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace sluice::connect
