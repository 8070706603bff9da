// Java's text forms of floating-point numbers, as Double.toString and Float.toString print them (JDK 19+:
// the shortest decimal that reads back as the same value, so Double.MIN_VALUE is "4.9E-324"). Used by
// config values (base) and by Connect's converters and transformations.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace sluice {

// Java's Double.toString: "1.0", "0.001", "1.0E7", "1.0E-4", "4.9E-324", "NaN", "-Infinity", "-0.0".
// Plain notation for 1e-3 <= |d| < 1e7, d.dddE<n> otherwise.
std::string JavaDoubleToString(double d);
// Java's Float.toString: "1.1", "1.0E10", "3.4028235E38", "1.4E-45".
std::string JavaFloatToString(float f);

}  // namespace sluice
