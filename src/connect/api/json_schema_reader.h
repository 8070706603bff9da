// The JsonConverter's fast path for reading: JSON text straight to Connect data under a known schema,
// with no intermediate tree. It takes only the plain common case (objects of the schema's fields,
// integers, numbers, strings, booleans, nulls, base64 bytes, arrays) and gives up on anything else:
// malformed or unusual text (unknown keys, maps, NUMERIC decimals, "NaN" strings, integers beyond 18
// digits, lone surrogates, ...) and every value the schema refuses. The caller then takes the general
// path (nlohmann), which gives the same value or Kafka's error; so whatever this reader accepts it
// reads exactly as that path would.
//
// Thread-safety: pure function; no shared state.
#pragma once

#include <optional>
#include <string_view>

#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect::json_text {

// The value of `text` (one whole JSON value, whitespace around allowed) under `schema` (not null), or
// nullopt when the general path must decide. `replace_null_with_default` as JsonConverterConfig's.
std::optional<Value> ReadWithSchema(const SchemaPtr& schema, std::string_view text,
                                    bool replace_null_with_default);

}  // namespace sluice::connect::json_text
