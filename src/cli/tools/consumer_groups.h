// The --reset-offsets action of kafka-consumer-groups (consumer_groups_reset.cc), called by
// consumer_groups.cc once the options are checked and the groups described.
// Thread-safety: runs on the main thread.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli/tools/group_admin.h"
#include "cli/tools/tool_support.h"

namespace sluice::cli::tools {

// Computes the new offsets of each inactive group (--to-earliest, --to-latest, --to-offset N, --to-current,
// --shift-by N over --topic t[:p,...] or --all-topics), commits them with --execute, and prints Kafka's
// GROUP TOPIC PARTITION NEW-OFFSET table. Returns the exit code.
int ResetOffsets(const ParsedArgs& args, rd_kafka_t* rk, const std::string& bootstrap,
                 const std::vector<GroupDescription>& groups, std::chrono::milliseconds timeout);

}  // namespace sluice::cli::tools
