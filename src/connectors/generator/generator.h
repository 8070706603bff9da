// Generator source and counting sink: connectors with no external system, for benchmarks and for
// trying the runtime (like Kafka's VerifiableSource / MockSink tools).
//   io.sluice.connect.generator.GeneratorSourceConnector (alias Generator): records
//     {"id": INT64, "payload": STRING} of about record.size bytes as JSON, to `topic`, batch.size per
//     poll, max.records in total per task (-1: unlimited); offsets {"id": n} per task partition
//     {"task": i}, so a restarted task resumes after the last committed id.
//   io.sluice.connect.generator.CountingSinkConnector (alias CountingSink): counts records and bytes
//     of value payloads; logs the totals every log.interval.records records.
// Thread-safety: as the Task API (one thread per task; Stop from another).
#pragma once

#include "connect/api/plugin.h"

namespace sluice::connect {

void RegisterGeneratorConnectors(PluginRegistry& registry);

}  // namespace sluice::connect
