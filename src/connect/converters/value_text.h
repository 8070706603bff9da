// Text forms of Connect values, as Kafka produces and parses them:
//  - JavaString: Java's String.valueOf(value), what Kafka's StringConverter and FileStreamSinkTask write
//    (1.0E20, [1, 2], {a=1}, Struct{id=1,name=x}).
//  - ValuesToString / ParseValueString: Kafka's Values.convertToString and Values.parseString, used by
//    SimpleHeaderConverter (JSON-like: ["a",1], {"k":true}; "12" reads back as INT8 12).
// Logical types need the schema: Decimal prints as BigDecimal.toString, Date/Time/Timestamp as dates.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "connect/api/json_converter.h"
#include "connect/api/schema.h"
#include "connect/api/value.h"

namespace sluice::connect {

// String.valueOf(value): null is "null"; floats as Double/Float.toString; Decimal as BigDecimal.toString;
// Date/Time/Timestamp as java.util.Date.toString in UTC ("Thu Jan 01 00:00:00 UTC 1970"); lists
// "[a, b]"; maps "{k=v, k2=v2}"; structs "Struct{f=v,g=w}" without null fields. Bytes (which Java
// prints as "[B@1b6d3586") are base64 here. Fails only on a broken Decimal value or schema.
Result<std::string> JavaString(const Schema* schema, const Value& value);

// Values.convertToString for a non-null value: strings and base64 bytes as-is at the top level and
// quoted (only \ and " escaped) inside arrays, maps and structs; numbers and booleans as Java prints
// them; structs as {"field":value,...} (null fields replaced by their defaults); Date/Time/Timestamp as
// ISO-8601 (yyyy-MM-dd, HH:mm:ss.SSS'Z' or yyyy-MM-dd'T'HH:mm:ss.SSS'Z', chosen by Kafka's rule on the
// millisecond value).
Result<std::string> ValuesToString(const Schema* schema, const Value& value);

// Values.parseString for the common cases: "" is STRING; "null" is a null value (no schema);
// true/false are BOOLEAN; integers are the smallest of INT8..INT64 that holds them (larger ones a
// Decimal of scale 0); other numbers FLOAT32 (Kafka's choice, even if precision is lost), FLOAT64 if
// out of float range, else a Decimal;
// yyyy-MM-dd, HH:mm:ss.SSSZ and yyyy-MM-ddTHH:mm:ss.SSSZ are Date, Time and Timestamp. Anything else,
// arrays and maps included, is the STRING itself. Surrounding whitespace is ignored except in strings.
SchemaAndValue ParseValueString(std::string_view text);

}  // namespace sluice::connect
