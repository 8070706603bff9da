// Reuse of one idle connection between the steps that follow each other at a connector's start:
// validation, table discovery (the connector's Start) and the task each connected and authenticated on
// their own. A step that is done with a clean connection (no open result, transaction or prepared
// statement; the session settings come from the options) parks it; the next Connect with the same
// options (URL, user, password, isolation) within kParkedMs takes it after checking it with a round
// trip, else connects. A connection nobody takes is closed when its time is up.
//
// Thread-safety: all functions may be called from any thread; a connection is used by one thread at a
// time (the one that took it).
#pragma once

#include <memory>

#include "base/status.h"
#include "connectors/jdbc/database.h"

namespace sluice::connectors::jdbc {

// How long a parked connection waits for the next step.
inline constexpr int kParkedMs = 3000;

// Parks `db` for the next ConnectOrReuse with the same options (replacing one parked before).
void ParkConnection(const ConnectOptions& options, std::unique_ptr<Database> db);

// The parked connection for these options if there is one and it works, else Connect(options).
Result<std::unique_ptr<Database>> ConnectOrReuse(const ConnectOptions& options);

}  // namespace sluice::connectors::jdbc
