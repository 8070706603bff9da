// kafka-consumer-groups --reset-offsets, as Kafka's GroupOffsetsResetter: only inactive groups (Empty,
// or unknown to the broker) are reset; requested offsets outside [log start, log end] are clamped with a
// warning; without --execute nothing is committed (a dry run, with Kafka's warning when --dry-run is not
// given either).
//
// Thread-safety: runs on the main thread.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "cli/tools/consumer_groups.h"

namespace sluice::cli::tools {
namespace {

std::string Name(const TopicPartition& tp) { return tp.first + "-" + std::to_string(tp.second); }

// The partitions named by --topic (t, or t:0,1) or, with --all-topics, those with committed offsets.
Result<std::vector<TopicPartition>> PartitionsToReset(const ParsedArgs& args, rd_kafka_t* rk,
                                                      const std::map<TopicPartition, int64_t>& committed,
                                                      std::chrono::milliseconds timeout) {
  std::vector<TopicPartition> out;
  if (args.Has("all-topics")) {
    for (const auto& [tp, offset] : committed) out.push_back(tp);
    return out;
  }
  std::vector<std::string> whole_topics;
  for (const std::string& spec : args.Values("topic")) {
    const size_t colon = spec.find(':');
    if (colon == std::string::npos) {
      whole_topics.push_back(spec);
      continue;
    }
    const std::string topic = spec.substr(0, colon);
    size_t pos = colon + 1;
    while (pos <= spec.size()) {
      size_t end = spec.find(',', pos);
      if (end == std::string::npos) end = spec.size();
      out.emplace_back(topic, std::atoi(spec.substr(pos, end - pos).c_str()));
      pos = end + 1;
    }
  }
  ASSIGN_OR_RETURN(auto counts, PartitionCounts(rk, whole_topics, timeout));
  for (const std::string& topic : whole_topics) {
    auto it = counts.find(topic);
    if (it == counts.end()) return Status::NotFound("This server does not host this topic-partition.");
    for (int p = 0; p < it->second; ++p) out.emplace_back(topic, p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::map<TopicPartition, int64_t>> NewOffsets(const ParsedArgs& args, rd_kafka_t* rk,
                                                     const std::vector<TopicPartition>& partitions,
                                                     const std::map<TopicPartition, int64_t>& committed,
                                                     std::chrono::milliseconds timeout) {
  const auto starts = LogOffsets(rk, partitions, /*earliest=*/true, timeout);
  const auto ends = LogOffsets(rk, partitions, /*earliest=*/false, timeout);
  std::map<TopicPartition, int64_t> out;
  for (const TopicPartition& tp : partitions) {
    auto start = starts.find(tp);
    auto end = ends.find(tp);
    if (start == starts.end() || end == ends.end()) {
      return Status::NotFound("This server does not host this topic-partition.");
    }
    auto current = committed.find(tp);
    int64_t offset;
    if (args.Has("to-earliest")) {
      out[tp] = start->second;
      continue;
    }
    if (args.Has("to-latest")) {
      out[tp] = end->second;
      continue;
    }
    if (args.Has("to-current")) {
      out[tp] = current != committed.end() ? current->second : end->second;
      continue;
    }
    if (args.Has("to-offset")) {
      offset = std::atoll(args.Value("to-offset")->c_str());
    } else {  // --shift-by
      if (current == committed.end()) {
        return Status::InvalidArgument("Cannot shift offset for partition " + Name(tp) +
                                       " since there is no current committed offset");
      }
      offset = current->second + std::atoll(args.Value("shift-by")->c_str());
    }
    if (offset > end->second) {
      Log("WARN",
          "New offset (" + std::to_string(offset) + ") is higher than latest offset for topic partition " +
              Name(tp) + ". Value will be set to " + std::to_string(end->second),
          "kafka.admin.ConsumerGroupCommand$");
      offset = end->second;
    } else if (offset < start->second) {
      Log("WARN",
          "New offset (" + std::to_string(offset) + ") is lower than earliest offset for topic partition " +
              Name(tp) + ". Value will be set to " + std::to_string(start->second),
          "kafka.admin.ConsumerGroupCommand$");
      offset = start->second;
    }
    out[tp] = offset;
  }
  return out;
}

}  // namespace

int ResetOffsets(const ParsedArgs& args, rd_kafka_t* rk, const std::string& bootstrap,
                 const std::vector<GroupDescription>& groups, std::chrono::milliseconds timeout) {
  const bool execute = args.Has("execute");
  if (!execute && !args.Has("dry-run")) {
    std::fprintf(
        stderr,
        "WARN: No action will be performed as the --execute option is missing. In a future major release, "
        "the default behavior of this command will be to prompt the user before executing the reset "
        "rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting "
        "this command and want to keep the current default behavior without prompting.\n");
  }
  std::map<std::string, std::map<TopicPartition, int64_t>> plans;
  for (const GroupDescription& g : groups) {
    if (g.state != "Empty" && g.state != "Dead") {
      std::printf(
          "\nError: Assignments can only be reset if the group '%s' is inactive, but the current state is "
          "%s.\n",
          g.group_id.c_str(), g.state.c_str());
      plans[g.group_id];
      continue;
    }
    auto committed = CommittedOffsets(bootstrap, g.group_id, timeout);
    Result<std::vector<TopicPartition>> partitions =
        committed.ok() ? PartitionsToReset(args, rk, *committed, timeout) : committed.status();
    Result<std::map<TopicPartition, int64_t>> plan =
        partitions.ok() ? NewOffsets(args, rk, *partitions, *committed, timeout) : partitions.status();
    Status s = plan.ok() && execute ? CommitOffsets(rk, g.group_id, *plan, timeout) : plan.status();
    if (!s.ok()) {
      std::printf("\nError: Executing consumer group command failed due to %s\n", s.message().c_str());
      return 1;
    }
    plans[g.group_id] = std::move(*plan);
  }
  const char* format = "\n%-30s %-30s %-10s %-15s";
  if (!plans.empty()) std::printf(format, "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
  for (const auto& [group, plan] : plans) {
    for (const auto& [tp, offset] : plan) {
      std::printf(format, group.c_str(), tp.first.c_str(), std::to_string(tp.second).c_str(),
                  std::to_string(offset).c_str());
    }
  }
  std::printf("\n");
  return 0;
}

}  // namespace sluice::cli::tools
