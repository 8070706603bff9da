// kafka-console-producer: reads lines from stdin and produces each as one record, with Kafka's options
// (--bootstrap-server, --topic, --property for the line reader: parse.key, key.separator, parse.headers,
// headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error;
// --producer-property, --producer.config, --request-required-acks, --compression-codec, --sync,
// --timeout (linger.ms), --batch-size, ...) and Kafka's producer defaults (acks=-1, linger.ms=1000,
// client.id=console-producer, the Java client's murmur2 partitioner for keyed records). At end of input
// or on SIGINT/SIGTERM it waits for every record to be acknowledged. A ">" prompt is printed when stdin
// and stdout are terminals.
//
// Thread-safety: runs on the main thread; delivery reports are served by rd_kafka_poll on that thread.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/tools/tool_support.h"

namespace sluice::cli {
namespace {

using tools::ArgKind;
using tools::OptionSpec;

constexpr std::string_view kDescription =
    "This tool helps to read data from standard input and publish it to Kafka.";

constexpr OptionSpec kOptions[] = {
    {"batch-size", ArgKind::kRequired, "Integer: size",
     "Number of messages to send in a single batch if they are not being sent synchronously. (default: "
     "16384)"},
    {"bootstrap-server", ArgKind::kRequired, "String: server to connect to",
     "REQUIRED: The server(s) to connect to."},
    {"compression-codec", ArgKind::kOptional, "String: compression-codec",
     "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, "
     "then it defaults to 'gzip'"},
    {"help", ArgKind::kNone, "", "Print usage information."},
    {"line-reader", ArgKind::kRequired, "String: reader_class",
     "The class name of the class to use for reading lines from standard in (only the default one)."},
    {"max-block-ms", ArgKind::kRequired, "Long: max block on send", "Ignored (a Java producer setting)."},
    {"max-memory-bytes", ArgKind::kRequired, "Long: total memory in bytes",
     "The total memory used by the producer to buffer records waiting to be sent to the server."},
    {"max-partition-memory-bytes", ArgKind::kRequired, "Integer: memory in bytes per partition",
     "The buffer size allocated for a partition (batch.size)."},
    {"message-send-max-retries", ArgKind::kRequired, "Integer",
     "The number of retries before the producer gives up and drops a message. (default: 3)"},
    {"metadata-expiry-ms", ArgKind::kRequired, "Long: metadata expiration interval",
     "The period of time in milliseconds after which we force a refresh of metadata. (default: 300000)"},
    {"producer-property", ArgKind::kRequired, "String: producer_prop",
     "A mechanism to pass user-defined properties in the form key=value to the producer."},
    {"producer.config", ArgKind::kRequired, "String: config file",
     "Producer config properties file. Note that [producer-property] takes precedence over this config."},
    {"property", ArgKind::kRequired, "String: prop",
     "A mechanism to pass user-defined properties in the form key=value to the message reader: parse.key, "
     "key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, "
     "null.marker, ignore.error."},
    {"reader-config", ArgKind::kRequired, "String: config file",
     "Config properties file for the message reader."},
    {"request-required-acks", ArgKind::kRequired, "String: request required acks",
     "The required acks of the producer requests (default: -1)"},
    {"request-timeout-ms", ArgKind::kRequired, "Integer: request timeout ms",
     "The ack timeout of the producer requests. Value must be non-negative and non-zero. (default: 1500)"},
    {"retry-backoff-ms", ArgKind::kRequired, "Long",
     "Wait time before the producer retries (retry.backoff.ms). (default: 100)"},
    {"socket-buffer-size", ArgKind::kRequired, "Integer: size",
     "The size of the tcp send buffer. (default: 102400)"},
    {"sync", ArgKind::kNone, "",
     "If set message send requests to the brokers are synchronously, one at a time."},
    {"timeout", ArgKind::kRequired, "Long: timeout_ms",
     "If set and the producer is running in asynchronous mode, this gives the maximum amount of time a "
     "message "
     "will queue awaiting sufficient batch size (linger.ms). (default: 1000)"},
    {"topic", ArgKind::kRequired, "String: topic", "REQUIRED: The topic id to produce messages to."},
    {"version", ArgKind::kNone, "", "Display Kafka version."},
};

int Fail(std::string_view message) { return tools::UsageError(message, kDescription, kOptions); }

// Kafka's LineMessageReader settings.
struct Reader {
  bool parse_key = false;
  std::string key_separator = "\t";
  bool parse_headers = false;
  std::string headers_delimiter = "\t";
  std::string headers_separator = ",";
  std::string headers_key_separator = ":";
  std::optional<std::string> null_marker;
  bool ignore_error = false;
};

bool IsTrue(const Properties& p, const char* key) {
  std::string v = p.GetOr(key, "false");
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true";
}

struct Record {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

// Splits one line into headers, key and value as Kafka's LineMessageReader; InvalidArgument with Kafka's
// message for a missing separator (unless ignore.error).
Result<Record> ParseLine(const Reader& r, const std::string& line, long line_number) {
  auto part = [&](bool enabled, size_t start, const std::string& sep, const char* what,
                  std::optional<std::string>* out) -> Status {
    if (!enabled) return Status::OK();
    const size_t at = line.find(sep, start);
    if (at != std::string::npos) {
      *out = line.substr(start, at - start);
    } else if (r.ignore_error) {
      *out = line.substr(start);
    } else {
      return Status::InvalidArgument("No " + std::string(what) + " found on line number " +
                                     std::to_string(line_number) + ": '" + line + "'");
    }
    return Status::OK();
  };
  std::optional<std::string> headers, key;
  RETURN_IF_ERROR(part(r.parse_headers, 0, r.headers_delimiter, "headers delimiter", &headers));
  const size_t header_end = headers ? headers->size() + r.headers_delimiter.size() : 0;
  RETURN_IF_ERROR(
      part(r.parse_key, std::min(header_end, line.size()), r.key_separator, "key separator", &key));
  const size_t key_end = header_end + (key ? key->size() + r.key_separator.size() : 0);
  Record rec;
  rec.value = key_end <= line.size() ? line.substr(key_end) : std::string();
  if (key && key != r.null_marker) rec.key = key;
  if (rec.value == r.null_marker) rec.value.reset();
  if (headers && headers != r.null_marker) {
    size_t pos = 0;
    while (pos <= headers->size()) {
      size_t end = headers->find(r.headers_separator, pos);
      if (end == std::string::npos) end = headers->size();
      const std::string pair = headers->substr(pos, end - pos);
      const size_t colon = pair.find(r.headers_key_separator);
      if (colon == std::string::npos) {
        if (!r.ignore_error) {
          return Status::InvalidArgument("No header key separator found in pair '" + pair +
                                         "' on line number " + std::to_string(line_number));
        }
        rec.headers.emplace_back(pair, std::nullopt);
      } else {
        std::optional<std::string> v = pair.substr(colon + r.headers_key_separator.size());
        if (v == r.null_marker) v.reset();
        rec.headers.emplace_back(pair.substr(0, colon), v);
      }
      pos = end + r.headers_separator.size();
    }
  }
  return rec;
}

std::atomic<long> g_failed{0};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  ++g_failed;
  const std::string key = m->key ? std::to_string(m->key_len) + " bytes" : "null";
  const std::string value = m->payload ? std::to_string(m->len) + " bytes" : "null";
  tools::Log("ERROR",
             "Error when sending message to topic " + std::string(rd_kafka_topic_name(m->rkt)) +
                 " with key: " + key + ", value: " + value +
                 " with error: " + tools::ErrorText(m->err, rd_kafka_message_errstr(m)),
             "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback");
}

rd_kafka_resp_err_t Send(rd_kafka_t* rk, const std::string& topic, Record& rec) {
  rd_kafka_headers_t* headers = nullptr;
  if (!rec.headers.empty()) {
    headers = rd_kafka_headers_new(rec.headers.size());
    for (const auto& [k, v] : rec.headers) {
      rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()), v ? v->data() : nullptr,
                          v ? static_cast<ssize_t>(v->size()) : 0);
    }
  }
  rd_kafka_vu_t vu[6];
  size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vu[n++].u.cstr = topic.c_str();
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  vu[n].vtype = RD_KAFKA_VTYPE_KEY;
  vu[n].u.mem.ptr = rec.key ? rec.key->data() : nullptr;
  vu[n++].u.mem.size = rec.key ? rec.key->size() : 0;
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = rec.value ? rec.value->data() : nullptr;
  vu[n++].u.mem.size = rec.value ? rec.value->size() : 0;
  if (headers != nullptr) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = headers;
  }
  for (;;) {
    rd_kafka_error_t* e = rd_kafka_produceva(rk, vu, n);
    if (e == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;  // the headers now belong to librdkafka
    const rd_kafka_resp_err_t code = rd_kafka_error_code(e);
    rd_kafka_error_destroy(e);
    if (code != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (headers != nullptr) rd_kafka_headers_destroy(headers);
      return code;
    }
    rd_kafka_poll(rk, 100);
  }
}

// Producer properties: the file, --producer-property, then the options (which win when given, and
// otherwise only fill what is absent, as Kafka's maybeMergeOptions).
std::optional<int> BuildProducerProps(const tools::ParsedArgs& a, Properties* props) {
  if (auto path = a.Value("producer.config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return Fail(loaded.status().message());
    for (const auto& [k, v] : *loaded) props->Set(k, v);
  }
  auto extra = tools::ParseKeyValues(a.Values("producer-property"));
  if (!extra.ok()) return Fail(extra.status().message());
  for (const auto& [k, v] : *extra) props->Set(k, v);
  props->Set("bootstrap.servers", *a.Value("bootstrap-server"));
  if (!props->Contains("client.id")) props->Set("client.id", "console-producer");
  auto merge = [&](const char* option, const char* key, const char* fallback) {
    if (a.Has(option)) {
      props->Set(key, *a.Value(option));
    } else if (!props->Contains(key) && fallback != nullptr) {
      props->Set(key, fallback);
    }
  };
  merge("timeout", "linger.ms", "1000");
  merge("request-required-acks", "acks", "-1");
  merge("request-timeout-ms", "request.timeout.ms", "1500");
  merge("message-send-max-retries", "retries", "3");
  merge("retry-backoff-ms", "retry.backoff.ms", "100");
  merge("socket-buffer-size", "send.buffer.bytes", "102400");
  merge("max-memory-bytes", "buffer.memory", nullptr);
  merge("batch-size", "batch.size", "16384");
  merge("max-partition-memory-bytes", "batch.size", nullptr);
  merge("metadata-expiry-ms", "metadata.max.age.ms", "300000");
  if (a.Has("compression-codec")) {
    static constexpr std::string_view kCodecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
    const std::string given = a.ValueOr("compression-codec", "");
    const std::string_view codec = given.empty() ? std::string_view("gzip") : std::string_view(given);
    if (std::find(std::begin(kCodecs), std::end(kCodecs), codec) == std::end(kCodecs)) {
      return Fail("Invalid compression codec: " + given);
    }
    props->Set("compression.type", codec);
  }
  // Keyed records go to the partition the Java client would pick.
  if (!props->Contains("partitioner")) props->Set("partitioner", "murmur2_random");
  return std::nullopt;
}

}  // namespace

int RunConsoleProducer(std::span<char*> args) {
  if (args.empty()) return Fail(kDescription);
  auto parsed = tools::ParseArgs(args, kOptions);
  if (!parsed.ok()) return Fail(parsed.status().message());
  const tools::ParsedArgs& a = *parsed;
  if (auto code = tools::AnswerHelpOrVersion(a, kDescription, kOptions)) return *code;
  if (!a.Has("topic")) return Fail("Missing required argument \"[topic]\"");
  if (!a.Has("bootstrap-server")) return Fail("Missing required argument \"[bootstrap-server]\"");
  if (auto r = a.Value("line-reader"); r && r->find("LineMessageReader") == std::string::npos) {
    return Fail("Only the default line reader (LineMessageReader) is supported, not " + *r);
  }
  Properties props;
  if (auto exit_code = BuildProducerProps(a, &props)) return *exit_code;
  Properties reader_props;
  if (auto path = a.Value("reader-config")) {
    auto loaded = LoadPropertiesFile(*path);
    if (!loaded.ok()) return Fail(loaded.status().message());
    reader_props = std::move(*loaded);
  }
  auto kv = tools::ParseKeyValues(a.Values("property"));
  if (!kv.ok()) return Fail(kv.status().message());
  for (const auto& [k, v] : *kv) reader_props.Set(k, v);
  Reader reader;
  reader.parse_key = IsTrue(reader_props, "parse.key");
  reader.key_separator = reader_props.GetOr("key.separator", "\t");
  reader.parse_headers = IsTrue(reader_props, "parse.headers");
  reader.headers_delimiter = reader_props.GetOr("headers.delimiter", "\t");
  reader.headers_separator = reader_props.GetOr("headers.separator", ",");
  reader.headers_key_separator = reader_props.GetOr("headers.key.separator", ":");
  reader.null_marker = reader_props.Get("null.marker");
  reader.ignore_error = IsTrue(reader_props, "ignore.error");

  tools::InstallStopSignals();
  auto producer = tools::NewClient(
      RD_KAFKA_PRODUCER, props, [](rd_kafka_conf_t* conf) { rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery); });
  if (!producer.ok()) {
    std::fprintf(stderr, "%s\n", producer.status().message().c_str());
    return 1;
  }
  rd_kafka_t* rk = producer->get();
  const std::string topic = *a.Value("topic");
  const bool sync = a.Has("sync");
  const bool prompt = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  int exit_code = 0;
  char* buf = nullptr;
  size_t cap = 0;
  long line_number = 0;
  while (!tools::StopRequested()) {
    if (prompt) {
      std::printf(">");
      std::fflush(stdout);
    }
    const ssize_t n = getline(&buf, &cap, stdin);
    if (n < 0) break;  // end of input, or a signal interrupted the read
    std::string line(buf, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto rec = ParseLine(reader, line, ++line_number);
    if (!rec.ok()) {
      std::fprintf(stderr, "org.apache.kafka.common.KafkaException: %s\n", rec.status().message().c_str());
      exit_code = 1;
      break;
    }
    const rd_kafka_resp_err_t err = Send(rk, topic, *rec);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      tools::Log("ERROR", "Error when sending message to topic " + topic + ": " + tools::ErrorText(err),
                 "console-producer");
      exit_code = 1;
      break;
    }
    if (sync) rd_kafka_flush(rk, 60000);
    rd_kafka_poll(rk, 0);
  }
  std::free(buf);
  // Every record is acknowledged or has failed (message.timeout.ms) before exit; a second stop signal
  // gives up on the rest.
  while (rd_kafka_outq_len(rk) > 0 && tools::StopSignalCount() < 2) rd_kafka_flush(rk, 200);
  producer->reset();
  if (g_failed.load() > 0) exit_code = 1;
  return exit_code;
}

}  // namespace sluice::cli
