// Pieces shared by the long-running commands (broker, connect-distributed, connect-standalone and
// standalone): logging from SLUICE_LOG_LEVEL, the open files limit, shutdown signals, connector files,
// and a Connect worker served until a shutdown signal.
// Thread-safety: call from the main thread; BlockShutdownSignals before any other thread starts, so
// every thread inherits the mask and only sigwait takes SIGINT/SIGTERM.
#pragma once

#include <csignal>
#include <string>
#include <vector>

#include "base/status.h"
#include "connect/runtime/worker_config.h"

namespace sluice::cli {

// InitLogging at $SLUICE_LOG_LEVEL (default info); a bad level is reported on stderr.
void InitLoggingFromEnv();

// Raises the soft RLIMIT_NOFILE to the hard limit (every connection costs a descriptor).
void RaiseOpenFilesLimit();

// Blocks SIGINT and SIGTERM in the calling thread (and threads started after) and returns the set
// for sigwait.
sigset_t BlockShutdownSignals();

// A connector file for connect-standalone: .properties, or JSON ({"name":..,"config":{..}} or a flat
// object) as Kafka 3.x accepts.
Result<connect::ConfigMap> LoadConnectorFile(const std::string& path);

// Runs a Connect worker with its REST API, creates `connectors` (standalone only), then waits for a
// signal of `signals` (already blocked) and shuts the worker down cleanly. Returns the exit code.
int ServeWorker(connect::WorkerConfig config, bool distributed,
                const std::vector<connect::ConfigMap>& connectors, const sigset_t& signals);

}  // namespace sluice::cli
