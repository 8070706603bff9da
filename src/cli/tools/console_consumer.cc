// kafka-console-consumer: reads records from Kafka and prints them on stdout, one per line, with
// Kafka's options (--topic/--include, --from-beginning, --group, --partition/--offset, --max-messages,
// --timeout-ms, --property for the formatter, --consumer-property, --consumer.config,
// --isolation-level, --skip-message-on-error) and Kafka's behaviour: without a group it joins a random
// "console-consumer-NNNNN" group and commits nothing; on exit (limits reached, SIGINT/SIGTERM, closed
// stdout) it closes the consumer (committing what it printed when auto-commit is on) and prints
// "Processed a total of N messages" on stderr.
//
// Thread-safety: runs on the main thread; the signal handler only sets a flag that the poll loop checks.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <span>
#include <string>

#include "cli/commands.h"
#include "cli/tools/message_formatter.h"
#include "cli/tools/tool_support.h"

namespace sluice::cli {
namespace {

using tools::ArgKind;
using tools::OptionSpec;

constexpr std::string_view kDescription =
    "This tool helps to read data from Kafka topics and outputs it to standard output.";

constexpr OptionSpec kOptions[] = {
    {"bootstrap-server", ArgKind::kRequired, "String: server to connect to",
     "REQUIRED: The server(s) to connect to."},
    {"consumer-property", ArgKind::kRequired, "String: consumer_prop",
     "A mechanism to pass user-defined properties in the form key=value to the consumer."},
    {"consumer.config", ArgKind::kRequired, "String: config file",
     "Consumer config properties file. Note that [consumer-property] takes precedence over this config."},
    {"enable-systest-events", ArgKind::kNone, "",
     "Log lifecycle events of the consumer (shutdown_complete)."},
    {"formatter", ArgKind::kRequired, "String: class",
     "The name of a class to use for formatting kafka messages for display (only the default one)."},
    {"formatter-config", ArgKind::kRequired, "String: config file",
     "Config properties file to initialize the message formatter."},
    {"from-beginning", ArgKind::kNone, "",
     "If the consumer does not already have an established offset to consume from, start with the earliest "
     "message present in the log rather than the latest message."},
    {"group", ArgKind::kRequired, "String: consumer group id", "The consumer group id of the consumer."},
    {"help", ArgKind::kNone, "", "Print usage information."},
    {"include", ArgKind::kRequired, "String: Java regex (String)",
     "Regular expression specifying list of topics to include for consumption."},
    {"isolation-level", ArgKind::kRequired, "String",
     "Set to read_committed in order to filter out transactional messages which are not committed. Set to "
     "read_uncommitted to read all messages. (default: read_uncommitted)"},
    {"key-deserializer", ArgKind::kRequired, "String: deserializer for key",
     "The name of the class to use for deserializing keys."},
    {"max-messages", ArgKind::kRequired, "Integer: num_messages",
     "The maximum number of messages to consume before exiting. If not set, consumption is continual."},
    {"offset", ArgKind::kRequired, "String: consume offset",
     "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or "
     "'latest' which means from end (default: latest)"},
    {"partition", ArgKind::kRequired, "Integer: partition",
     "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is "
     "specified."},
    {"property", ArgKind::kRequired, "String: prop",
     "The properties to initialize the message formatter: print.timestamp, print.key, print.offset, "
     "print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, "
     "null.literal, key.deserializer, value.deserializer, headers.deserializer."},
    {"skip-message-on-error", ArgKind::kNone, "",
     "If there is an error when processing a message, skip it instead of halt."},
    {"timeout-ms", ArgKind::kRequired, "Long: timeout_ms",
     "If specified, exit if no message is available for consumption for the specified interval."},
    {"topic", ArgKind::kRequired, "String: topic", "The topic to consume on."},
    {"value-deserializer", ArgKind::kRequired, "String: deserializer for values",
     "The name of the class to use for deserializing values."},
    {"version", ArgKind::kNone, "", "Display Kafka version."},
};

// The logger name Kafka's log lines carry.
constexpr char kLogSource[] = "org.apache.kafka.tools.consumer.ConsoleConsumer";

int Fail(std::string_view message) { return tools::UsageError(message, kDescription, kOptions); }

bool ParseLong(const std::string& text, long long* out) {
  char* end = nullptr;
  errno = 0;
  *out = std::strtoll(text.c_str(), &end, 10);
  return !text.empty() && end != nullptr && *end == '\0' && errno == 0;
}

struct Settings {
  Properties consumer;                         // librdkafka/Java client properties
  Properties formatter;                        // --property and friends
  std::string topic;                           // --topic, or the ^(regex)$ subscription for --include
  int partition = -1;                          // >= 0: assign instead of subscribe
  int64_t start_offset = RD_KAFKA_OFFSET_END;  // with --partition
  long long max_messages = -1;
  long long timeout_ms = -1;
  bool skip_on_error = false;
  bool systest_events = false;
};

// Validates the options as Kafka's ConsoleConsumerOptions and builds the settings; returns an exit code
// when the tool must stop here.
std::optional<int> BuildSettings(const tools::ParsedArgs& a, Settings* s) {
  if (a.Has("topic") == a.Has("include")) return Fail("Exactly one of --include/--topic is required. ");
  long long number = 0;
  if (a.Has("partition")) {
    if (!a.Has("topic")) return Fail("The topic is required when partition is specified.");
    if (!ParseLong(*a.Value("partition"), &number) || number < 0) return Fail("Invalid partition");
    s->partition = static_cast<int>(number);
    if (a.Has("from-beginning") && a.Has("offset")) {
      return Fail("Options from-beginning and offset cannot be specified together.");
    }
  } else if (a.Has("offset")) {
    return Fail("The partition is required when offset is specified.");
  }
  if (!a.Has("bootstrap-server")) return Fail("Missing required argument \"[bootstrap-server]\"");
  if (a.Has("offset")) {
    std::string o = *a.Value("offset");
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (o == "earliest") {
      s->start_offset = RD_KAFKA_OFFSET_BEGINNING;
    } else if (o == "latest") {
      s->start_offset = RD_KAFKA_OFFSET_END;
    } else if (ParseLong(o, &number) && number >= 0) {
      s->start_offset = number;
    } else {
      return Fail("The provided offset value '" + *a.Value("offset") +
                  "' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
    }
  } else if (a.Has("from-beginning")) {
    s->start_offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (a.Has("max-messages") && !ParseLong(*a.Value("max-messages"), &s->max_messages)) {
    return Fail("Invalid --max-messages");
  }
  if (a.Has("timeout-ms") && !ParseLong(*a.Value("timeout-ms"), &s->timeout_ms))
    return Fail("Invalid --timeout-ms");
  s->topic = a.Has("topic") ? *a.Value("topic") : "^(" + *a.Value("include") + ")$";
  s->skip_on_error = a.Has("skip-message-on-error");
  s->systest_events = a.Has("enable-systest-events");

  // Consumer properties: the file, then --consumer-property; the group id may come from any of these
  // and --group, but they must agree.
  Properties file;
  if (auto path = a.Value("consumer.config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return Fail(loaded.status().message());
    file = std::move(*loaded);
  }
  auto extra = tools::ParseKeyValues(a.Values("consumer-property"));
  if (!extra.ok()) return Fail(extra.status().message());
  std::vector<std::string> groups;
  for (const auto& g : {a.Value("group"), file.Get("group.id"), extra->Get("group.id")}) {
    if (g && std::find(groups.begin(), groups.end(), *g) == groups.end()) groups.push_back(*g);
  }
  if (groups.size() > 1) {
    std::vector<std::string> quoted;
    for (const auto& g : groups) quoted.push_back("'" + g + "'");
    const std::string list = tools::Join(quoted, ", ");
    return Fail(
        "The group ids provided in different places (directly using '--group', via '--consumer-property', or "
        "via '--consumer.config') do not match. Detected group ids: " +
        list);
  }
  if (!groups.empty() && s->partition >= 0)
    return Fail("Options group and partition cannot be specified together.");
  for (const auto& [k, v] : file) s->consumer.Set(k, v);
  for (const auto& [k, v] : *extra) s->consumer.Set(k, v);
  if (const std::string* reset = s->consumer.Find("auto.offset.reset")) {
    if (a.Has("from-beginning") && *reset != "earliest") {
      std::fprintf(
          stderr,
          "Can't simultaneously specify --from-beginning and 'auto.offset.reset=%s', please remove one "
          "option\n",
          reset->c_str());
      return 1;
    }
  } else {
    s->consumer.Set("auto.offset.reset", a.Has("from-beginning") ? "earliest" : "latest");
  }
  s->consumer.Set("bootstrap.servers", *a.Value("bootstrap-server"));
  if (!s->consumer.Contains("client.id")) s->consumer.Set("client.id", "console-consumer");
  if (a.Has("isolation-level") || !s->consumer.Contains("isolation.level")) {
    s->consumer.Set("isolation.level", a.ValueOr("isolation-level", "read_uncommitted"));
  }
  if (groups.empty()) {
    std::random_device rd;
    s->consumer.Set("group.id", "console-consumer-" + std::to_string(rd() % 100000));
    // The generated group and its offsets are not meant to be used again: do not commit.
    if (!s->consumer.Contains("enable.auto.commit")) s->consumer.Set("enable.auto.commit", "false");
  } else {
    s->consumer.Set("group.id", groups.front());
  }
  // The Java consumer's default, which librdkafka does not share.
  if (!s->consumer.Contains("allow.auto.create.topics")) s->consumer.Set("allow.auto.create.topics", "true");

  if (auto path = a.Value("formatter-config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return Fail(loaded.status().message());
    s->formatter = std::move(*loaded);
  }
  if (auto d = a.Value("key-deserializer"); d && !d->empty()) s->formatter.Set("key.deserializer", *d);
  if (auto d = a.Value("value-deserializer"); d && !d->empty()) s->formatter.Set("value.deserializer", *d);
  auto props = tools::ParseKeyValues(a.Values("property"));
  if (!props.ok()) return Fail(props.status().message());
  for (const auto& [k, v] : *props) s->formatter.Set(k, v);
  return std::nullopt;
}

// Polls until a record arrives (returned), the timeout passes or a stop is requested (nullptr).
// Records are written in batches: stdout is flushed whenever the consumer has nothing ready.
rd_kafka_message_t* Receive(rd_kafka_t* rk, long long timeout_ms, bool* timed_out) {
  const auto start = std::chrono::steady_clock::now();
  while (!tools::StopRequested()) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 0);
    if (m == nullptr) {
      std::fflush(stdout);
      m = rd_kafka_consumer_poll(rk, 100);
    }
    if (m != nullptr && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return m;
    if (m != nullptr) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        tools::Log("WARN", tools::ErrorText(m->err, rd_kafka_message_errstr(m)), kLogSource);
      }
      rd_kafka_message_destroy(m);
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    if (timeout_ms >= 0 && waited > std::chrono::milliseconds(timeout_ms)) {
      *timed_out = true;
      return nullptr;
    }
  }
  return nullptr;
}

}  // namespace

int RunConsoleConsumer(std::span<char*> args) {
  if (args.empty()) return Fail(kDescription);
  auto parsed = tools::ParseArgs(args, kOptions);
  if (!parsed.ok()) return Fail(parsed.status().message());
  if (auto code = tools::AnswerHelpOrVersion(*parsed, kDescription, kOptions)) return *code;
  if (auto f = parsed->Value("formatter"); f && f->find("DefaultMessageFormatter") == std::string::npos) {
    return Fail("Only the default formatter (DefaultMessageFormatter) is supported, not " + *f);
  }
  Settings s;
  if (auto exit_code = BuildSettings(*parsed, &s)) return *exit_code;
  const tools::MessageFormat format = tools::MessageFormat::FromProperties(s.formatter);

  tools::InstallStopSignals();
  auto consumer = tools::NewClient(RD_KAFKA_CONSUMER, s.consumer);
  if (!consumer.ok()) {
    tools::Log("ERROR", "Unknown error when running consumer: " + consumer.status().message(), kLogSource);
    return 1;
  }
  rd_kafka_t* rk = consumer->get();
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_resp_err_t err;
  if (s.partition >= 0) {
    rd_kafka_topic_partition_list_add(topics, s.topic.c_str(), s.partition)->offset = s.start_offset;
    err = rd_kafka_assign(rk, topics);
  } else {
    rd_kafka_topic_partition_list_add(topics, s.topic.c_str(), RD_KAFKA_PARTITION_UA);
    err = rd_kafka_subscribe(rk, topics);
  }
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    tools::Log("ERROR", "Unknown error when running consumer: " + tools::ErrorText(err), kLogSource);
    return 1;
  }

  long long count = 0;
  int exit_code = 0;
  while (s.max_messages < 0 || count < s.max_messages) {
    bool timed_out = false;
    rd_kafka_message_t* m = Receive(rk, s.timeout_ms, &timed_out);
    if (m == nullptr) {
      if (timed_out) {
        tools::Log("ERROR", "Error processing message, terminating consumer process: ", kLogSource);
        std::fprintf(stderr, "org.apache.kafka.common.errors.TimeoutException\n");
      }
      break;
    }
    ++count;
    auto text = format.Format(m);
    rd_kafka_message_destroy(m);
    if (!text.ok()) {
      const std::string what =
          "org.apache.kafka.common.errors.SerializationException: " + text.status().message();
      tools::Log("ERROR",
                 s.skip_on_error ? "Error processing message, skipping this message: "
                                 : "Unknown error when running consumer: ",
                 kLogSource);
      std::fprintf(stderr, "%s\n", what.c_str());
      if (s.skip_on_error) continue;
      exit_code = 1;
      break;
    }
    if (std::fwrite(text->data(), 1, text->size(), stdout) != text->size() || std::ferror(stdout)) {
      std::fprintf(stderr, "Unable to write to standard out, closing consumer.\n");
      break;
    }
  }
  std::fflush(stdout);
  rd_kafka_consumer_close(rk);
  consumer->reset();
  std::fprintf(stderr, "Processed a total of %lld messages\n", count);
  if (s.systest_events) std::printf("shutdown_complete\n");
  return exit_code;
}

}  // namespace sluice::cli
