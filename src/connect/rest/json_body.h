// Parsing of REST request bodies. Malformed JSON is reported the way Kafka Connect (Jackson) reports it,
// with the line and column of the problem, e.g. for `"connection.password" : connectpass",`:
//
//   Unexpected character ('c' (code 99)): expected a valid value (JSON String, Number, Array, Object or
//   token 'null', 'true' or 'false')
//    at [Source: (REST request body); line: 7, column: 30]
//
// Lines count LF, CR and CRLF; columns are 1-based bytes and, as in Jackson, name the input position
// after the offending character. Nesting deeper than 1000 levels is refused (Jackson's default limit).
//
// Thread-safety: stateless functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "base/status.h"

namespace sluice::connect::rest {

// Key order is kept: bodies we write list fields in Kafka's order.
using Json = nlohmann::ordered_json;

// Parses a whole request body (one JSON value, whitespace around it allowed). An empty or blank body,
// malformed JSON or trailing content is InvalidArgument with a Jackson-style message.
Result<Json> ParseJsonBody(std::string_view body);

}  // namespace sluice::connect::rest
