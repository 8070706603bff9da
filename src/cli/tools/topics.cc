// kafka-topics: creates, lists, describes, deletes and adds partitions to topics with Kafka 3.x's
// options (--create/--list/--describe/--delete/--alter, --topic as Kafka's include regex, --partitions,
// --replication-factor, --config k=v, --if-exists, --if-not-exists, --exclude-internal,
// --topics-with-overrides, --under-replicated-partitions, --unavailable-partitions, --command-config)
// and output ("Created topic x.", the "Topic: x\tTopicId: ...\tPartitionCount: ..." describe lines).
// Admin requests go through librdkafka; topic ids, which librdkafka 2.0 does not expose, are read with
// a Metadata v10+ request on our own client connection (left out, as Kafka does for a zero id, when that
// fails or the connection is not plaintext).
//
// Thread-safety: runs on the main thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/tools/tool_support.h"
#include "kafka/client/connection.h"
#include "kafka/protocol/generated/metadata.h"

namespace sluice::cli {
namespace {

using tools::ArgKind;
using tools::OptionSpec;

constexpr std::string_view kDescription = "This tool helps to create, delete, describe, or change a topic.";
constexpr std::chrono::milliseconds kTimeout{30000};

constexpr OptionSpec kOptions[] = {
    {"alter", ArgKind::kNone, "", "Alter the number of partitions of the topic."},
    {"bootstrap-server", ArgKind::kRequired, "String: server to connect to",
     "REQUIRED: The Kafka server to connect to."},
    {"command-config", ArgKind::kRequired, "String: command config property file",
     "Property file containing configs to be passed to Admin Client."},
    {"config", ArgKind::kRequired, "String: name=value",
     "A topic configuration override for the topic being created (repeatable)."},
    {"create", ArgKind::kNone, "", "Create a new topic."},
    {"delete", ArgKind::kNone, "", "Delete a topic"},
    {"describe", ArgKind::kNone, "", "List details for the given topics."},
    {"exclude-internal", ArgKind::kNone, "",
     "exclude internal topics when running list or describe command."},
    {"help", ArgKind::kNone, "", "Print usage information."},
    {"if-exists", ArgKind::kNone, "",
     "if set when altering or deleting or describing topics, the action will only execute if the topic "
     "exists."},
    {"if-not-exists", ArgKind::kNone, "",
     "if set when creating topics, the action will only execute if the topic does not already exist."},
    {"list", ArgKind::kNone, "", "List all available topics."},
    {"partitions", ArgKind::kRequired, "Integer: # of partitions",
     "The number of partitions for the topic being created or altered. If not supplied for create, defaults "
     "to the cluster default."},
    {"replication-factor", ArgKind::kRequired, "Integer: replication factor",
     "The replication factor for each partition in the topic being created. If not supplied, defaults to the "
     "cluster default."},
    {"topic", ArgKind::kRequired, "String: topic",
     "The topic to create, alter, describe or delete. It also accepts a regular expression, except for "
     "--create option."},
    {"topics-with-overrides", ArgKind::kNone, "",
     "if set when describing topics, only show topics that have overridden configs"},
    {"unavailable-partitions", ArgKind::kNone, "",
     "if set when describing topics, only show partitions whose leader is not available"},
    {"under-replicated-partitions", ArgKind::kNone, "",
     "if set when describing topics, only show under replicated partitions"},
    {"version", ArgKind::kNone, "", "Display Kafka version."},
};

int Fail(std::string_view message) { return tools::UsageError(message, kDescription, kOptions); }

// Kafka's printException: the message on stdout, the error in the log (stderr); exit code 1.
int CommandError(const std::string& message) {
  std::printf("Error while executing topic command : %s\n", message.c_str());
  tools::Log("ERROR", message, "kafka.admin.TopicCommand$");
  return 1;
}

struct Partition {
  int id;
  int leader;
  std::vector<int> replicas;
  std::vector<int> isr;
};

// Topic names (sorted) with their partitions, from librdkafka's view of the cluster.
Result<std::map<std::string, std::vector<Partition>>> ListTopics(rd_kafka_t* rk) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, static_cast<int>(kTimeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable(tools::ErrorText(err));
  std::map<std::string, std::vector<Partition>> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    auto& parts = out[t.topic];
    for (int p = 0; p < t.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& mp = t.partitions[p];
      parts.push_back({mp.id, mp.leader, std::vector<int>(mp.replicas, mp.replicas + mp.replica_cnt),
                       std::vector<int>(mp.isrs, mp.isrs + mp.isr_cnt)});
    }
    std::sort(parts.begin(), parts.end(), [](const Partition& a, const Partition& b) { return a.id < b.id; });
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

// Kafka's TopicFilter.IncludeList over the sorted names: --topic is a regex matched against the whole
// name (commas are alternatives, quotes and spaces dropped).
Result<std::vector<std::string>> FilterTopics(const std::map<std::string, std::vector<Partition>>& all,
                                              const std::optional<std::string>& include,
                                              bool exclude_internal) {
  std::optional<std::regex> re;
  if (include) {
    std::string r = *include;
    r.erase(std::remove(r.begin(), r.end(), ' '), r.end());
    std::replace(r.begin(), r.end(), ',', '|');
    while (!r.empty() && (r.front() == '"' || r.front() == '\'')) r.erase(0, 1);
    while (!r.empty() && (r.back() == '"' || r.back() == '\'')) r.pop_back();
    try {
      re.emplace(r);
    } catch (const std::regex_error&) {
      return Status::InvalidArgument(r + " is an invalid regex.");
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, parts] : all) {
    if (exclude_internal && tools::IsInternalTopic(name)) continue;
    if (re && !std::regex_match(name, *re)) continue;
    out.push_back(name);
  }
  return out;
}

// Topic ids by name (Metadata v10+), or an empty map when they cannot be had.
std::map<std::string, std::string> TopicIds(const std::string& bootstrap, const Properties& admin) {
  std::map<std::string, std::string> ids;
  if (admin.GetOr("security.protocol", "PLAINTEXT") != "PLAINTEXT") return ids;
  auto conn = tools::ConnectAny(bootstrap, "kafka-topics", kTimeout);
  if (!conn.ok() || (*conn)->NegotiatedVersion(kafka::messages::MetadataRequest::kApiKey) < 10) return ids;
  kafka::messages::MetadataRequest req;
  req.topics = std::nullopt;  // all topics
  req.allow_auto_topic_creation = false;
  auto resp = (*conn)->Call<kafka::messages::MetadataResponse>(req);
  if (!resp.ok()) return ids;
  for (const auto& t : resp->topics) {
    if (t.name && !t.topic_id.IsZero()) ids[*t.name] = t.topic_id.ToBase64();
  }
  return ids;
}

// The non-default config entries ("name=value") of each topic, in the broker's order.
Result<std::map<std::string, std::vector<std::string>>> OverriddenConfigs(
    rd_kafka_t* rk, const std::vector<std::string>& topics) {
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const auto& t : topics)
    resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str()));
  auto ev = tools::RunAdmin(rk, kTimeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), o, q);
  });
  rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
  if (!ev.ok()) return ev.status();
  RETURN_IF_ERROR(tools::EventStatus(ev->get()));
  std::map<std::string, std::vector<std::string>> out;
  size_t count = 0;
  const rd_kafka_DescribeConfigs_result_t* result = rd_kafka_event_DescribeConfigs_result(ev->get());
  const rd_kafka_ConfigResource_t** res = rd_kafka_DescribeConfigs_result_resources(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(res[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Unavailable(tools::ErrorText(err, rd_kafka_ConfigResource_error_string(res[i])));
    }
    auto& entries = out[rd_kafka_ConfigResource_name(res[i])];
    size_t n = 0;
    const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(res[i], &n);
    for (size_t j = 0; j < n; ++j) {
      if (rd_kafka_ConfigEntry_source(configs[j]) == RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG) continue;
      const char* value = rd_kafka_ConfigEntry_value(configs[j]);
      entries.push_back(std::string(rd_kafka_ConfigEntry_name(configs[j])) + "=" + (value ? value : "null"));
    }
  }
  return out;
}

std::string JoinIds(const std::vector<int>& ids) {
  std::vector<std::string> text;
  for (int id : ids) text.push_back(std::to_string(id));
  return tools::Join(text, ",");
}

int Describe(const tools::ParsedArgs& a, rd_kafka_t* rk, const std::vector<std::string>& topics,
             const std::map<std::string, std::vector<Partition>>& all, const Properties& admin) {
  const bool under_replicated = a.Has("under-replicated-partitions");
  const bool unavailable = a.Has("unavailable-partitions");
  const bool describe_configs = !under_replicated && !unavailable;
  const bool overrides_only = a.Has("topics-with-overrides");
  std::map<std::string, std::vector<std::string>> configs;
  std::map<std::string, std::string> ids;
  if (describe_configs && !topics.empty()) {
    auto c = OverriddenConfigs(rk, topics);
    if (!c.ok()) return CommandError(c.status().message());
    configs = std::move(*c);
    ids = TopicIds(*a.Value("bootstrap-server"), admin);
  }
  for (const std::string& name : topics) {
    const std::vector<Partition>& parts = all.at(name);
    const std::vector<std::string>& overridden = configs[name];
    if (describe_configs && (!overrides_only || !overridden.empty())) {
      const std::string joined = tools::Join(overridden, ",");
      std::printf("Topic: %s", name.c_str());
      if (ids.count(name)) std::printf("\tTopicId: %s", ids[name].c_str());
      std::printf("\tPartitionCount: %zu\tReplicationFactor: %zu\tConfigs: %s\n", parts.size(),
                  parts.empty() ? size_t{0} : parts[0].replicas.size(), joined.c_str());
    }
    if (overrides_only) continue;
    for (const Partition& p : parts) {
      const bool no_leader = p.leader < 0;
      if (!describe_configs && !(under_replicated && p.replicas.size() > p.isr.size()) &&
          !(unavailable && no_leader)) {
        continue;
      }
      std::printf("\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\n", name.c_str(), p.id,
                  no_leader ? "none" : std::to_string(p.leader).c_str(), JoinIds(p.replicas).c_str(),
                  JoinIds(p.isr).c_str());
    }
  }
  return 0;
}

int Create(const tools::ParsedArgs& a, rd_kafka_t* rk) {
  const std::string name = *a.Value("topic");
  int partitions = -1;
  int replication = -1;
  if (a.Has("partitions")) {
    partitions = std::atoi(a.Value("partitions")->c_str());
    if (partitions < 1) return CommandError("The partitions must be greater than 0");
  }
  if (a.Has("replication-factor")) {
    replication = std::atoi(a.Value("replication-factor")->c_str());
    if (replication < 1 || replication > 32767) {
      return CommandError("The replication factor must be between 1 and 32767 inclusive");
    }
  }
  std::vector<std::pair<std::string, std::string>> configs;
  for (const std::string& c : a.Values("config")) {
    static const std::regex kPair(R"(^\s*([^=\s]+)\s*=\s*([^=]*?)\s*$)");
    std::smatch m;
    if (!std::regex_match(c, m, kPair)) {
      return CommandError(
          "requirement failed: Invalid topic config: all configs to be added must be in the format "
          "\"key=val\".");
    }
    configs.emplace_back(m[1], m[2]);
  }
  if (name.find_first_of("._") != std::string::npos) {
    std::printf(
        "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could "
        "collide. To avoid issues it is best to use either, but not both.\n");
  }
  char errstr[256];
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(name.c_str(), partitions, replication, errstr, sizeof errstr);
  if (topic == nullptr) return CommandError(errstr);
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(topic, k.c_str(), v.c_str());
  auto ev = tools::RunAdmin(rk, kTimeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_CreateTopics(rk, &topic, 1, o, q);
  });
  rd_kafka_NewTopic_destroy(topic);
  if (!ev.ok()) return CommandError(ev.status().message());
  if (Status s = tools::EventStatus(ev->get()); !s.ok()) return CommandError(s.message());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && a.Has("if-not-exists")) return 0;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return CommandError(tools::ErrorText(err, rd_kafka_topic_result_error_string(results[i])));
    }
  }
  std::printf("Created topic %s.\n", name.c_str());
  return 0;
}

int Delete(rd_kafka_t* rk, const std::vector<std::string>& topics) {
  if (topics.empty()) return 0;
  std::vector<rd_kafka_DeleteTopic_t*> del;
  for (const auto& t : topics) del.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  auto ev = tools::RunAdmin(rk, kTimeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_DeleteTopics(rk, del.data(), del.size(), o, q);
  });
  rd_kafka_DeleteTopic_destroy_array(del.data(), del.size());
  if (!ev.ok()) return CommandError(ev.status().message());
  if (Status s = tools::EventStatus(ev->get()); !s.ok()) return CommandError(s.message());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return CommandError(tools::ErrorText(err, rd_kafka_topic_result_error_string(results[i])));
    }
  }
  return 0;
}

int AddPartitions(const tools::ParsedArgs& a, rd_kafka_t* rk, const std::vector<std::string>& topics) {
  if (topics.empty()) return 0;
  const int count = std::atoi(a.Value("partitions")->c_str());
  char errstr[256];
  std::vector<rd_kafka_NewPartitions_t*> parts;
  for (const auto& t : topics) {
    rd_kafka_NewPartitions_t* p =
        rd_kafka_NewPartitions_new(t.c_str(), static_cast<size_t>(std::max(count, 0)), errstr, sizeof errstr);
    if (p == nullptr) {
      rd_kafka_NewPartitions_destroy_array(parts.data(), parts.size());
      return CommandError(errstr);
    }
    parts.push_back(p);
  }
  auto ev = tools::RunAdmin(rk, kTimeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_CreatePartitions(rk, parts.data(), parts.size(), o, q);
  });
  rd_kafka_NewPartitions_destroy_array(parts.data(), parts.size());
  if (!ev.ok()) return CommandError(ev.status().message());
  if (Status s = tools::EventStatus(ev->get()); !s.ok()) return CommandError(s.message());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return CommandError(tools::ErrorText(err, rd_kafka_topic_result_error_string(results[i])));
    }
  }
  return 0;
}

// Kafka's TopicCommandOptions.checkArgs, for the options we have.
std::optional<int> CheckArgs(const tools::ParsedArgs& a) {
  const char* actions[] = {"create", "list", "alter", "describe", "delete"};
  if (std::count_if(std::begin(actions), std::end(actions), [&](const char* x) { return a.Has(x); }) != 1) {
    return Fail("Command must include exactly one action: --list, --describe, --create, --alter or --delete");
  }
  if (!a.Has("bootstrap-server")) return CommandError("--bootstrap-server must be specified");
  if (!a.Has("list") && !a.Has("describe") && !a.Has("topic"))
    return Fail("Missing required argument \"[topic]\"");
  if (a.Has("alter")) {
    if (a.Has("config")) {
      return Fail(
          "Option combination \"[bootstrap-server],[config]\" can't be used with option \"[alter]\" (the "
          "kafka-configs CLI supports altering topic configs with a --bootstrap-server option)");
    }
    if (!a.Has("partitions")) return Fail("Missing required argument \"[partitions]\"");
  }
  // Options and the actions they may be used with.
  struct Allowed {
    const char* option;
    std::vector<std::string_view> actions;
  };
  const Allowed kAllowed[] = {
      {"config", {"create"}},
      {"partitions", {"create", "alter"}},
      {"replication-factor", {"create"}},
      {"if-exists", {"alter", "delete", "describe"}},
      {"if-not-exists", {"create"}},
      {"exclude-internal", {"list", "describe"}},
      {"topics-with-overrides", {"describe"}},
      {"under-replicated-partitions", {"describe"}},
      {"unavailable-partitions", {"describe"}},
  };
  for (const Allowed& rule : kAllowed) {
    if (!a.Has(rule.option)) continue;
    for (const char* action : actions) {
      if (a.Has(action) &&
          std::find(rule.actions.begin(), rule.actions.end(), action) == rule.actions.end()) {
        return Fail("Option \"[" + std::string(rule.option) + "]\" can't be used with option \"[" + action +
                    "]\"");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

int RunTopics(std::span<char*> args) {
  if (args.empty()) return Fail("Create, delete, describe, or change a topic.");
  auto parsed = tools::ParseArgs(args, kOptions);
  if (!parsed.ok()) return Fail(parsed.status().message());
  const tools::ParsedArgs& a = *parsed;
  if (auto code = tools::AnswerHelpOrVersion(a, kDescription, kOptions)) return *code;
  if (auto exit_code = CheckArgs(a)) return *exit_code;

  Properties admin;
  if (auto path = a.Value("command-config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return CommandError(loaded.status().message());
    admin = std::move(*loaded);
  }
  admin.Set("bootstrap.servers", *a.Value("bootstrap-server"));
  if (!admin.Contains("client.id")) admin.Set("client.id", "kafka-topics");
  auto client = tools::NewClient(RD_KAFKA_PRODUCER, admin);
  if (!client.ok()) return CommandError(client.status().message());
  rd_kafka_t* rk = client->get();
  if (a.Has("create")) return Create(a, rk);

  auto all = ListTopics(rk);
  if (!all.ok()) return CommandError(all.status().message());
  auto topics = FilterTopics(*all, a.Value("topic"), a.Has("exclude-internal"));
  if (!topics.ok()) return CommandError(topics.status().message());
  if (a.Has("list")) {
    std::printf("%s\n", tools::Join(*topics, "\n").c_str());
    return 0;
  }
  if (a.Has("topic") && topics->empty() && !a.Has("if-exists")) {
    return CommandError("Topic '" + *a.Value("topic") + "' does not exist as expected");
  }
  if (a.Has("describe")) return Describe(a, rk, *topics, *all, admin);
  if (a.Has("delete")) return Delete(rk, *topics);
  return AddPartitions(a, rk, *topics);
}

}  // namespace sluice::cli
