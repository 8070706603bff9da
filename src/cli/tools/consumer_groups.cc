// kafka-consumer-groups: lists, describes and deletes consumer groups, and resets their offsets, with
// Kafka 3.x's options and output: --list [--state], --describe (--group g... | --all-groups) with the
// GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID table (or --members
// [--verbose], --state), --delete, and --reset-offsets (see consumer_groups_reset.cc).
//
// Thread-safety: runs on the main thread.
#include "cli/tools/consumer_groups.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/tools/group_admin.h"
#include "cli/tools/tool_support.h"

namespace sluice::cli {
namespace {

using tools::ArgKind;
using tools::OptionSpec;
using tools::TopicPartition;

constexpr std::string_view kDescription =
    "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or "
    "reset consumer group offsets.";
constexpr std::string_view kMissing = "-";

constexpr OptionSpec kOptions[] = {
    {"all-groups", ArgKind::kNone, "", "Apply to all consumer groups."},
    {"all-topics", ArgKind::kNone, "",
     "Consider all topics assigned to a group in the `reset-offsets` process."},
    {"bootstrap-server", ArgKind::kRequired, "String: server to connect to",
     "REQUIRED: The server(s) to connect to."},
    {"command-config", ArgKind::kRequired, "String: command config property file",
     "Property file containing configs to be passed to Admin Client and Consumer."},
    {"delete", ArgKind::kNone, "",
     "Pass in groups to delete topic partition offsets and ownership information."},
    {"describe", ArgKind::kNone, "",
     "Describe consumer group and list offset lag (number of messages not yet "
     "processed) related to given group."},
    {"dry-run", ArgKind::kNone, "", "Only show results without executing changes on Consumer Groups."},
    {"execute", ArgKind::kNone, "", "Execute operation. Supported operations: reset-offsets."},
    {"group", ArgKind::kRequired, "String: consumer group", "The consumer group we wish to act on."},
    {"help", ArgKind::kNone, "", "Print usage information."},
    {"list", ArgKind::kNone, "", "List all consumer groups."},
    {"members", ArgKind::kNone, "", "Describe members of the group."},
    {"offsets", ArgKind::kNone, "",
     "Describe the group and list all topic partitions in the group along with "
     "their offset lag. This is the default sub-action."},
    {"reset-offsets", ArgKind::kNone, "",
     "Reset offsets of consumer group. Supports one consumer group at the time, and instances should be "
     "inactive."},
    {"shift-by", ArgKind::kRequired, "Long: number-of-offsets",
     "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative."},
    {"state", ArgKind::kOptional, "String",
     "When specified with '--describe', includes the state of the group. When specified with '--list', it "
     "displays the state of all groups."},
    {"timeout", ArgKind::kRequired, "Long: timeout (ms)",
     "The timeout that can be set for some use cases. (default: 5000)"},
    {"to-current", ArgKind::kNone, "", "Reset offsets to current offset."},
    {"to-earliest", ArgKind::kNone, "", "Reset offsets to earliest offset."},
    {"to-latest", ArgKind::kNone, "", "Reset offsets to latest offset."},
    {"to-offset", ArgKind::kRequired, "Long: offset", "Reset offsets to a specific offset."},
    {"topic", ArgKind::kRequired, "String: topic",
     "The topic whose consumer group information should be deleted or topic whose should be included in the "
     "reset offset process. Specific partitions can be given as 'topic1:0,1,2'."},
    {"verbose", ArgKind::kNone, "", "Provide additional information, if any, when describing the group."},
    {"version", ArgKind::kNone, "", "Display Kafka version."},
};

int Fail(std::string_view message) { return tools::UsageError(message, kDescription, kOptions); }

// Kafka's printError: "\nError: <message>" on stdout.
void PrintError(const std::string& message) { std::printf("\nError: %s\n", message.c_str()); }

// Kafka's shouldPrintMemberState: reports Dead/Empty/rebalancing groups on the way.
bool ShouldPrint(const tools::GroupDescription& g, size_t rows) {
  if (g.state == "Dead") {
    PrintError("Consumer group '" + g.group_id + "' does not exist.");
    return false;
  }
  if (g.state == "Empty") {
    std::fprintf(stderr, "\nConsumer group '%s' has no active members.\n", g.group_id.c_str());
  } else if (g.state == "PreparingRebalance" || g.state == "CompletingRebalance") {
    std::fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", g.group_id.c_str());
  }
  return rows > 0;
}

struct Row {
  std::string topic;
  int partition;
  std::string current;  // committed offset or "-"
  std::string log_end;
  std::string lag;
  std::string consumer_id;
  std::string host;
  std::string client_id;
};

// Rows for `partitions` (sorted by topic, then partition) owned by one member (or by none: "-").
void AddRows(std::vector<TopicPartition> partitions, const std::map<TopicPartition, int64_t>& committed,
             const std::map<TopicPartition, int64_t>& ends, const std::string& consumer_id,
             const std::string& host, const std::string& client_id, std::vector<Row>* rows) {
  std::sort(partitions.begin(), partitions.end());
  for (const TopicPartition& tp : partitions) {
    Row r{
        tp.first, tp.second, std::string(kMissing), std::string(kMissing), std::string(kMissing), consumer_id,
        host,     client_id};
    auto c = committed.find(tp);
    auto e = ends.find(tp);
    if (c != committed.end()) r.current = std::to_string(c->second);
    if (e != ends.end()) r.log_end = std::to_string(e->second);
    if (c != committed.end() && e != ends.end()) r.lag = std::to_string(e->second - c->second);
    rows->push_back(std::move(r));
  }
}

int DescribeOffsets(rd_kafka_t* rk, const std::string& bootstrap, const tools::GroupDescription& g,
                    std::chrono::milliseconds timeout) {
  auto committed = tools::CommittedOffsets(bootstrap, g.group_id, timeout);
  if (!committed.ok()) {
    PrintError("Executing consumer group command failed due to " + committed.status().message());
    return 1;
  }
  std::vector<const tools::GroupMember*> members;
  for (const auto& m : g.members) {
    if (!m.assignment.empty()) members.push_back(&m);
  }
  std::stable_sort(members.begin(), members.end(),
                   [](const tools::GroupMember* a, const tools::GroupMember* b) {
                     return a->assignment.size() > b->assignment.size();
                   });
  std::vector<TopicPartition> all;
  for (const auto* m : members) all.insert(all.end(), m->assignment.begin(), m->assignment.end());
  std::vector<TopicPartition> unassigned;
  for (const auto& [tp, offset] : *committed) {
    if (std::find(all.begin(), all.end(), tp) == all.end()) unassigned.push_back(tp);
  }
  all.insert(all.end(), unassigned.begin(), unassigned.end());
  const auto ends = tools::LogOffsets(rk, all, /*earliest=*/false, timeout);
  std::vector<Row> rows;
  for (const auto* m : members)
    AddRows(m->assignment, *committed, ends, m->consumer_id, m->host, m->client_id, &rows);
  const std::string none(kMissing);
  AddRows(unassigned, *committed, ends, none, none, none, &rows);
  if (!ShouldPrint(g, rows.size())) return 0;

  size_t group_w = std::max<size_t>(15, g.group_id.size()), topic_w = 15, consumer_w = 15, host_w = 15;
  for (const Row& r : rows) {
    topic_w = std::max(topic_w, r.topic.size());
    consumer_w = std::max(consumer_w, r.consumer_id.size());
    host_w = std::max(host_w, r.host.size());
  }
  auto line = [&](const std::string& group, const std::string& topic, const std::string& partition,
                  const std::string& current, const std::string& end, const std::string& lag,
                  const std::string& consumer, const std::string& host, const std::string& client) {
    std::printf("\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s", static_cast<int>(group_w), group.c_str(),
                static_cast<int>(topic_w), topic.c_str(), partition.c_str(), current.c_str(), end.c_str(),
                lag.c_str(), static_cast<int>(consumer_w), consumer.c_str(), static_cast<int>(host_w),
                host.c_str(), client.c_str());
  };
  line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
       "CLIENT-ID");
  for (const Row& r : rows) {
    line(g.group_id, r.topic, std::to_string(r.partition), r.current, r.log_end, r.lag, r.consumer_id, r.host,
         r.client_id);
  }
  std::printf("\n");
  return 0;
}

void DescribeMembers(const tools::GroupDescription& g, bool verbose) {
  if (!ShouldPrint(g, g.members.size())) return;
  size_t group_w = std::max<size_t>(15, g.group_id.size()), consumer_w = 15, instance_w = 17, host_w = 15,
         client_w = 15;
  bool with_instance = false;
  for (const auto& m : g.members) {
    consumer_w = std::max(consumer_w, m.consumer_id.size());
    instance_w = std::max(instance_w, m.group_instance_id.size());
    host_w = std::max(host_w, m.host.size());
    client_w = std::max(client_w, m.client_id.size());
    with_instance = with_instance || !m.group_instance_id.empty();
  }
  auto line = [&](const std::string& group, const std::string& consumer, const std::string& instance,
                  const std::string& host, const std::string& client, const std::string& count) {
    std::printf("%-*s %-*s ", static_cast<int>(group_w), group.c_str(), static_cast<int>(consumer_w),
                consumer.c_str());
    if (with_instance) std::printf("%-*s ", static_cast<int>(instance_w), instance.c_str());
    std::printf("%-*s %-*s %-15s ", static_cast<int>(host_w), host.c_str(), static_cast<int>(client_w),
                client.c_str(), count.c_str());
  };
  std::printf("\n");
  line("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
  if (verbose) std::printf("ASSIGNMENT");
  std::printf("\n");
  for (const auto& m : g.members) {
    line(g.group_id, m.consumer_id, m.group_instance_id, m.host, m.client_id,
         std::to_string(m.assignment.size()));
    if (verbose) {
      std::map<std::string, std::vector<int>> by_topic;
      for (const auto& [topic, partition] : m.assignment) by_topic[topic].push_back(partition);
      std::vector<std::string> topics;
      for (auto& [topic, parts] : by_topic) {
        std::sort(parts.begin(), parts.end());
        std::vector<std::string> numbers;
        for (int p : parts) numbers.push_back(std::to_string(p));
        topics.push_back(topic + "(" + tools::Join(numbers, ",") + ")");
      }
      const std::string text = tools::Join(topics, ", ");
      std::printf("%s", text.empty() ? std::string(kMissing).c_str() : text.c_str());
    }
    std::printf("\n");
  }
}

void DescribeState(const tools::GroupDescription& g) {
  if (!ShouldPrint(g, 1)) return;
  const std::string coordinator = g.coordinator_host + ":" + std::to_string(g.coordinator_port) + "  (" +
                                  std::to_string(g.coordinator_id) + ")";
  const int group_w = static_cast<int>(std::max<size_t>(15, g.group_id.size()));
  const int coordinator_w = static_cast<int>(std::max<size_t>(25, coordinator.size()));
  const std::string assignor = g.assignor.empty() ? std::string(kMissing) : g.assignor;
  std::printf("\n%-*s %-*s %-20s %-20s %s", group_w, "GROUP", coordinator_w, "COORDINATOR (ID)",
              "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
  std::printf("\n%-*s %-*s %-20s %-20s %zu\n", group_w, g.group_id.c_str(), coordinator_w,
              coordinator.c_str(), assignor.c_str(), g.state.c_str(), g.members.size());
}

int List(const std::string& bootstrap, bool with_state, std::chrono::milliseconds timeout) {
  auto groups = tools::ListGroups(bootstrap, timeout);
  if (!groups.ok()) {
    PrintError("Executing consumer group command failed due to " + groups.status().message());
    return 1;
  }
  if (!with_state) {
    for (const auto& g : *groups) std::printf("%s\n", g.group_id.c_str());
    return 0;
  }
  size_t width = 15;
  for (const auto& g : *groups) width = std::max(width, g.group_id.size());
  std::printf("%-*s %s\n", static_cast<int>(width), "GROUP", "STATE");
  for (const auto& g : *groups)
    std::printf("%-*s %s\n", static_cast<int>(width), g.group_id.c_str(), g.state.c_str());
  return 0;
}

int Delete(rd_kafka_t* rk, const std::vector<std::string>& ids, std::chrono::milliseconds timeout) {
  auto results = tools::DeleteGroups(rk, ids, timeout);
  if (!results.ok()) {
    PrintError("Executing consumer group command failed due to " + results.status().message());
    return 1;
  }
  std::vector<std::string> deleted;
  std::vector<std::pair<std::string, std::string>> failed;
  for (const auto& [group, error] : *results) {
    if (error.empty()) {
      deleted.push_back("'" + group + "'");
    } else {
      failed.emplace_back(group, error);
    }
  }
  const std::string ok = tools::Join(deleted, ", ");
  if (failed.empty()) {
    std::printf("Deletion of requested consumer groups (%s) was successful.\n", ok.c_str());
    return 0;
  }
  PrintError("Deletion of some consumer groups failed:");
  for (const auto& [group, error] : failed) {
    std::printf("* Group '%s' could not be deleted due to: %s\n", group.c_str(), error.c_str());
  }
  if (!ok.empty()) std::printf("\nThese consumer groups were deleted successfully: %s\n", ok.c_str());
  return 1;
}

// Kafka's ConsumerGroupCommandOptions.checkArgs, for the options we have.
std::optional<int> CheckArgs(const tools::ParsedArgs& a) {
  const char* actions[] = {"list", "describe", "delete", "reset-offsets"};
  if (std::count_if(std::begin(actions), std::end(actions), [&](const char* x) { return a.Has(x); }) != 1) {
    return Fail("Command must include exactly one action: --list, --describe, --delete, --reset-offsets");
  }
  if (!a.Has("bootstrap-server")) return Fail("Missing required argument \"[bootstrap-server]\"");
  for (const char* action : {"describe", "delete", "reset-offsets"}) {
    if (a.Has(action) && a.Has("group") == a.Has("all-groups")) {
      return Fail("Option [" + std::string(action) + "] takes one of these options: [all-groups], [group]");
    }
  }
  if (a.Has("describe") && int{a.Has("members")} + int{a.Has("offsets")} + int{a.Has("state")} > 1) {
    return Fail("Option [describe] takes at most one of these options: [members], [offsets], [state]");
  }
  if (a.Has("reset-offsets")) {
    if (a.Has("dry-run") && a.Has("execute")) {
      return Fail("Option [reset-offsets] only accepts one of [execute] and [dry-run]");
    }
    const char* scenarios[] = {"to-earliest", "to-latest", "to-offset", "to-current", "shift-by"};
    if (std::count_if(std::begin(scenarios), std::end(scenarios), [&](const char* x) { return a.Has(x); }) !=
        1) {
      return Fail(
          "Option [reset-offsets] takes exactly one of these options: [to-earliest], [to-latest], "
          "[to-offset], "
          "[to-current], [shift-by]");
    }
    if (!a.Has("topic") && !a.Has("all-topics")) {
      return Fail("One of the reset scopes should be defined: --all-topics, --topic.");
    }
  }
  return std::nullopt;
}

}  // namespace

int RunConsumerGroups(std::span<char*> args) {
  if (args.empty()) return Fail(kDescription);
  auto parsed = tools::ParseArgs(args, kOptions);
  if (!parsed.ok()) return Fail(parsed.status().message());
  const tools::ParsedArgs& a = *parsed;
  if (auto code = tools::AnswerHelpOrVersion(a, kDescription, kOptions)) return *code;
  if (auto exit_code = CheckArgs(a)) return *exit_code;
  const std::chrono::milliseconds timeout(std::atoll(a.ValueOr("timeout", "5000").c_str()));

  Properties props;
  if (auto path = a.Value("command-config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return Fail(loaded.status().message());
    props = std::move(*loaded);
  }
  props.Set("bootstrap.servers", *a.Value("bootstrap-server"));
  if (!props.Contains("client.id")) props.Set("client.id", "kafka-consumer-groups");
  props.Set("isolation.level", "read_uncommitted");  // log end offsets, not the last stable offsets
  props.Erase("group.id");
  auto client = tools::NewClient(RD_KAFKA_CONSUMER, props);
  if (!client.ok()) {
    PrintError("Executing consumer group command failed due to " + client.status().message());
    return 1;
  }
  rd_kafka_t* rk = client->get();
  const std::string bootstrap = *a.Value("bootstrap-server");
  if (a.Has("list")) return List(bootstrap, a.Has("state"), timeout);

  std::vector<std::string> ids = a.Values("group");
  if (a.Has("all-groups")) {
    auto groups = tools::ListGroups(bootstrap, timeout);
    if (!groups.ok()) {
      PrintError("Executing consumer group command failed due to " + groups.status().message());
      return 1;
    }
    ids.clear();
    for (const auto& g : *groups) ids.push_back(g.group_id);
  }
  if (ids.empty()) return 0;
  if (a.Has("delete")) return Delete(rk, ids, timeout);
  auto described = tools::DescribeGroups(rk, ids, timeout);
  if (!described.ok()) {
    PrintError("Executing consumer group command failed due to " + described.status().message());
    return 1;
  }
  std::sort(described->begin(), described->end(),
            [](const auto& x, const auto& y) { return x.group_id < y.group_id; });
  if (a.Has("reset-offsets")) return tools::ResetOffsets(a, rk, bootstrap, *described, timeout);
  int exit_code = 0;
  for (const auto& g : *described) {
    if (a.Has("members")) {
      DescribeMembers(g, a.Has("verbose"));
    } else if (a.Has("state")) {
      DescribeState(g);
    } else {
      exit_code = std::max(exit_code, DescribeOffsets(rk, bootstrap, g, timeout));
    }
  }
  return exit_code;
}

}  // namespace sluice::cli
