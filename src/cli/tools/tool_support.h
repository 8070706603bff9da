// What Kafka's command-line tools (kafka-console-consumer, kafka-console-producer, kafka-topics,
// kafka-consumer-groups) share here: joptsimple-style option parsing (`--name value`, `--name=value`,
// unique prefixes, repeatable options), usage text, `k=v` argument lists, Kafka-style log lines on
// stderr, SIGINT/SIGTERM as a stop flag, and librdkafka clients built from Java client properties
// (names librdkafka does not know are skipped with the Java client's warning).
//
// Thread-safety: the parser and formatting helpers are pure. InstallStopSignals() is called once from
// main; StopRequested() is safe from any thread and from signal handlers' point of view. Log() writes
// whole lines to stderr and may be called from librdkafka's threads.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/properties.h"
#include "base/status.h"
#include "kafka/client/connection.h"

namespace sluice::cli::tools {

enum class ArgKind { kNone, kRequired, kOptional };

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  ArgKind arg;
  std::string_view meta;  // e.g. "String: server to connect to"; empty for flags
  std::string_view help;
};

// The options given on a command line.
class ParsedArgs {
 public:
  bool Has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  // The last value given (an optional-argument option given without one yields "").
  std::optional<std::string> Value(std::string_view name) const;
  std::string ValueOr(std::string_view name, std::string_view fallback) const;
  // Every value, in order (repeatable options such as --property).
  std::vector<std::string> Values(std::string_view name) const;

  void Add(std::string name, std::string value) { values_[std::move(name)].push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

// Parses `args` (after the tool name) as joptsimple does: options start with "--"; `--name=value` or
// `--name value`; an abbreviation that is a unique prefix of one option names it; arguments that are
// not options are ignored. Errors (InvalidArgument) name the bad option.
Result<ParsedArgs> ParseArgs(std::span<char*> args, std::span<const OptionSpec> specs);

// The joptsimple-style option table (with `description` above it) on `out`.
void PrintUsage(FILE* out, std::string_view description, std::span<const OptionSpec> specs);

// Prints the version (for --version); returns exit code 0.
int PrintVersion();

// --help (usage on stdout) and --version, which every tool answers the same way: the exit code when
// one of them was given, nullopt otherwise.
std::optional<int> AnswerHelpOrVersion(const ParsedArgs& args, std::string_view description,
                                       std::span<const OptionSpec> specs);

// Kafka's CommandLineUtils.printUsageAndExit: `message`, then the usage, on stderr; returns exit code 1.
int UsageError(std::string_view message, std::string_view description, std::span<const OptionSpec> specs);

// `k=v` arguments (--property, --consumer-property, ...) into properties; the value is everything after
// the first '='. InvalidArgument "Missing value for key k" when there is no '='.
Result<Properties> ParseKeyValues(const std::vector<std::string>& args);

// A line on stderr as Kafka's tools log: "[2024-05-01 12:00:00,123] LEVEL message (source)".
void Log(std::string_view level, std::string_view message, std::string_view source = "");

// SIGINT and SIGTERM set the stop flag (the handler does nothing else); SIGPIPE is ignored so that a
// closed stdout shows up as a write error.
void InstallStopSignals();
bool StopRequested();
// How many stop signals arrived (a second one cuts a final flush short).
int StopSignalCount();

// Java Kafka's text for a Kafka error code (e.g. "The group id does not exist."), librdkafka's for its
// local errors (negative codes). `detail` (a broker's error message) wins when it says more than
// librdkafka's generic "Broker: ..." text.
std::string ErrorText(rd_kafka_resp_err_t err, const char* detail = nullptr);

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdKafkaPtr = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

struct EventDeleter {
  void operator()(rd_kafka_event_t* ev) const { rd_kafka_event_destroy(ev); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

// A librdkafka client of `type` configured from Java client properties. Java-only names (serializer
// classes, max.poll.records, ...) and other unknown names are skipped with Kafka's "supplied but isn't
// a known config" warning; a few are translated (buffer.memory, send.buffer.bytes, assignor class
// names). A value librdkafka refuses is an InvalidArgument error.
// `hook`, when given, sets callbacks (e.g. the delivery report) on the configuration before creation.
using ConfHook = void (*)(rd_kafka_conf_t* conf);
Result<RdKafkaPtr> NewClient(rd_kafka_type_t type, const Properties& props, ConfHook hook = nullptr);

// Runs one admin request: `start(options, queue)` issues it (e.g. rd_kafka_CreateTopics), then waits up
// to `timeout` for its result event. The event's own error (rd_kafka_event_error) is the caller's to check.
template <typename Start>
Result<EventPtr> RunAdmin(rd_kafka_t* rk, std::chrono::milliseconds timeout, Start start) {
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY);
  char errstr[256];
  rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr,
                                            sizeof errstr);
  start(options, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  if (ev == nullptr) return Status::Timeout("timed out waiting for the broker's answer");
  return EventPtr(ev);
}

// The error of an admin result event as a Status (OK when it has none).
Status EventStatus(rd_kafka_event_t* ev);

// The items with `separator` between them.
std::string Join(const std::vector<std::string>& items, std::string_view separator);

// A connection (our own client, PLAINTEXT only) to the first of the comma-separated `bootstrap` servers
// that answers.
Result<std::unique_ptr<kafka::client::Connection>> ConnectAny(const std::string& bootstrap,
                                                              const std::string& client_id,
                                                              std::chrono::milliseconds timeout);

// Kafka's Topic.isInternal: __consumer_offsets and __transaction_state.
bool IsInternalTopic(std::string_view topic);

// Current partition count of each of `topics` (from cluster metadata); topics that do not exist are
// absent from the result.
Result<std::map<std::string, int>> PartitionCounts(rd_kafka_t* rk, const std::vector<std::string>& topics,
                                                   std::chrono::milliseconds timeout);

}  // namespace sluice::cli::tools
