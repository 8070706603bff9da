// PostgreSQL binary-format result cells (the FETCH of a cursor asked for resultFormat 1): which column
// types are read that way, and their conversion to Connect values, with exactly the results of the
// text path in column_types.cc (same targets, infinity sentinels, db.timezone for `timestamp`). Binary
// output spares the server its text formatting (timestamps especially) and the client its parsing.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "connect/api/value.h"
#include "connectors/jdbc/column_types.h"
#include "connectors/jdbc/time_zone.h"

namespace sluice::connectors::jdbc {

// Whether a column of this (base) type OID can be read in binary: bool, int2/4/8, float4/8, text,
// varchar, bpchar, name, json, bytea, date, time, timestamp, timestamptz. A result with any other
// column type is read as text.
bool PgBinaryReadable(uint32_t type_oid);

// Converts one non-null binary cell (ColumnInfo::format kPgBinary). *nanos as ConvertCell.
Result<connect::Value> PgBinaryValue(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone,
                                     int32_t* nanos);
// The same, appended to `out` (constructed in place: no intermediate value).
Status PgBinaryAppend(const ColumnPlan& plan, const Cell& cell, const TimeZone& zone, int32_t* nanos,
                      std::vector<connect::Value>& out);

}  // namespace sluice::connectors::jdbc
