// The JSON text layer under the JsonConverter, written as Kafka's Jackson writes and read keeping the
// text of numbers: a JSON tree (nlohmann::ordered_json, so keys keep their order) whose numbers that need
// their exact text (doubles and floats as Java prints them, NUMERIC decimals, every non-integer number
// read) are "raw number" nodes carrying that text; the Jackson-compatible compact writer (Jackson's
// string escapes, raw UTF-8); a parser that builds such a tree with a depth bound; and Decimal <-> text
// (BigDecimal.toString, exact parsing). Java's Double/Float.toString come from base/java_number.h.
//
// Thread-safety: pure functions; no shared state.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "base/java_number.h"  // JavaDoubleToString, JavaFloatToString (shared with converters/)
#include "base/status.h"
#include "connect/api/value.h"

namespace sluice::connect {

// BigDecimal.toString of unscaled × 10^-scale, the unscaled value being big-endian two's complement of
// any length up to 4 KiB (a Decimal value): "12.30", "-0.05", "1E-8", "1.2E+3". Fails on empty bytes.
Result<std::string> DecimalToString(const Bytes& unscaled, int32_t scale);
// Parses a decimal number ("-12.3", "1.50E+2", "7") into the unscaled value at `scale` (minimal two's
// complement, as BigInteger.toByteArray). Fails if the text is not a number or needs rounding (more
// fractional digits than `scale` allows, ignoring trailing zeros) or has more than 10000 digits.
Result<Bytes> DecimalFromString(std::string_view text, int32_t scale);

namespace json_text {

using Json = nlohmann::ordered_json;

// A raw number node holding `text` (written verbatim).
Json RawNumber(std::string_view text);
bool IsRaw(const Json& j);
// The text of a raw number node (IsRaw must hold).
std::string_view RawText(const Json& j);
// An integer, float or raw number node.
bool IsNumber(const Json& j);
// The JSON type name for messages: "number" for raw numbers, else nlohmann's ("string", "object", ...).
std::string TypeName(const Json& j);
// The text of an integer or raw number node.
std::string NumberText(const Json& j);
// float or double (the only instantiations) from a number node; out-of-range text gives +-infinity or
// +-0 as in Java.
template <typename T>
T NumberAs(const Json& j);
// A double or float as Jackson writes it: Java's text as a raw number; NaN and infinities as strings.
Json JavaNumber(double v);
Json JavaNumber(float v);

// Length of the well-formed UTF-8 sequence at s[i] (a non-ASCII byte; no overlongs, no surrogates, at
// most U+10FFFF: what nlohmann's lexer accepts), 0 if there is none.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// A JSON string as Jackson escapes it: \" \\ \b \t \n \f \r, other controls as \u00XX (upper-case hex),
// everything else raw UTF-8. Invalid UTF-8 (impossible in Java) becomes U+FFFD.
void WriteString(std::string_view s, std::string& out);
// Compact JSON as Jackson writes it, appended to `out` (a float node as Java prints the double).
void Write(const Json& j, std::string& out);
std::string Dump(const Json& j);

// Parses JSON text like nlohmann's DOM parser, but non-integer numbers become raw numbers keeping their
// text, and nesting deeper than 1000 levels is an error. A repeated key keeps the last value (Jackson).
// Errors are InvalidArgument "serialization error at byte N: ..." or the depth message.
Result<Json> Parse(std::string_view text);

}  // namespace json_text
}  // namespace sluice::connect
