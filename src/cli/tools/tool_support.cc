// Shared pieces of the Kafka command-line tools. Thread-safety: see tool_support.h.
#include "cli/tools/tool_support.h"

#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <ctime>
#include <mutex>

#include "cli/version.h"
#include "kafka/protocol/error_codes.h"

namespace sluice::cli::tools {
namespace {

std::atomic<int> g_stop_signals{0};

void OnStopSignal(int) { g_stop_signals.fetch_add(1); }

// Java client property names that mean nothing to librdkafka (serializer classes and Java-client
// internals): skipped silently, as they only matter to the JVM client.
constexpr std::string_view kJavaOnly[] = {
    "key.serializer",   "value.serializer",       "key.deserializer",    "value.deserializer",
    "max.poll.records", "max.block.ms",           "interceptor.classes", "partitioner.class",
    "metric.reporters", "default.api.timeout.ms",
};

std::string_view AssignorName(std::string_view java) {
  if (java.find("CooperativeStickyAssignor") != std::string_view::npos) return "cooperative-sticky";
  if (java.find("RoundRobinAssignor") != std::string_view::npos) return "roundrobin";
  if (java.find("RangeAssignor") != std::string_view::npos) return "range";
  return java;
}

// librdkafka's own warnings and errors; connection failures are left to ErrorCallback, which reports
// each once.
void LogCallback(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  if (level > 4 || std::string_view(fac) == "FAIL") return;
  Log(level <= 3 ? "ERROR" : "WARN", std::string(fac) + ": " + buf, "librdkafka");
}

// Client-level errors (a broker cannot be reached, ...): warnings, as the Java clients log them; the
// clients keep retrying.
void ErrorCallback(rd_kafka_t*, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) return;  // follows a failure already reported
  Log("WARN", reason, "librdkafka");
}

}  // namespace

std::optional<std::string> ParsedArgs::Value(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string ParsedArgs::ValueOr(std::string_view name, std::string_view fallback) const {
  auto v = Value(name);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> ParsedArgs::Values(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<ParsedArgs> ParseArgs(std::span<char*> args, std::span<const OptionSpec> specs) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") continue;  // not an option: ignored, as joptsimple
    std::string_view name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      inline_value = std::string(name.substr(eq + 1));
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = nullptr;
    int prefix_matches = 0;
    for (const OptionSpec& s : specs) {
      if (s.name == name) {
        spec = &s;
        prefix_matches = 1;
        break;
      }
      if (s.name.substr(0, name.size()) == name) {
        spec = &s;
        ++prefix_matches;
      }
    }
    if (spec == nullptr) return Status::InvalidArgument(std::string(name) + " is not a recognized option");
    if (prefix_matches > 1) return Status::InvalidArgument("Option '" + std::string(name) + "' is ambiguous");
    std::string value;
    switch (spec->arg) {
      case ArgKind::kNone:
        if (inline_value) {
          return Status::InvalidArgument("Option " + std::string(spec->name) + " does not take an argument");
        }
        break;
      case ArgKind::kRequired:
        if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return Status::InvalidArgument("Option " + std::string(spec->name) + " requires an argument");
        }
        break;
      case ArgKind::kOptional:
        if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < args.size() && std::string_view(args[i + 1]).substr(0, 2) != "--") {
          value = args[++i];
        }
        break;
    }
    parsed.Add(std::string(spec->name), std::move(value));
  }
  return parsed;
}

void PrintUsage(FILE* out, std::string_view description, std::span<const OptionSpec> specs) {
  std::vector<std::string> left;
  size_t width = 6;
  for (const OptionSpec& s : specs) {
    std::string l = "--" + std::string(s.name);
    if (s.arg == ArgKind::kRequired) l += " <" + std::string(s.meta) + ">";
    if (s.arg == ArgKind::kOptional) l += " [" + std::string(s.meta) + "]";
    width = std::max(width, l.size());
    left.push_back(std::move(l));
  }
  width = std::min<size_t>(width + 2, 48);
  std::fprintf(out, "%.*s\n", static_cast<int>(description.size()), description.data());
  std::fprintf(out, "%-*s%s\n%-*s%s\n", static_cast<int>(width), "Option", "Description",
               static_cast<int>(width), "------", "-----------");
  for (size_t i = 0; i < specs.size(); ++i) {
    const std::string_view help = specs[i].help;
    if (left[i].size() >= width) {
      std::fprintf(out, "%s\n%-*s%.*s\n", left[i].c_str(), static_cast<int>(width), "",
                   static_cast<int>(help.size()), help.data());
    } else {
      std::fprintf(out, "%-*s%.*s\n", static_cast<int>(width), left[i].c_str(), static_cast<int>(help.size()),
                   help.data());
    }
  }
}

int UsageError(std::string_view message, std::string_view description, std::span<const OptionSpec> specs) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
  PrintUsage(stderr, description, specs);
  return 1;
}

int PrintVersion() {
  std::printf("%s (Commit:%s)\n", sluice::kVersion, sluice::kGitCommit);
  return 0;
}

std::optional<int> AnswerHelpOrVersion(const ParsedArgs& args, std::string_view description,
                                       std::span<const OptionSpec> specs) {
  if (args.Has("help")) {
    PrintUsage(stdout, description, specs);
    return 0;
  }
  if (args.Has("version")) return PrintVersion();
  return std::nullopt;
}

Result<Properties> ParseKeyValues(const std::vector<std::string>& args) {
  Properties props;
  for (const std::string& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument("Missing value for key " + a);
    props.Set(a.substr(0, eq), a.substr(eq + 1));
  }
  return props;
}

void Log(std::string_view level, std::string_view message, std::string_view source) {
  static std::mutex mu;
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  localtime_r(&tv.tv_sec, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "[%s,%03d] ", stamp, static_cast<int>(tv.tv_usec / 1000));
  std::string line(prefix);
  line.append(level).append(" ").append(message);
  if (!source.empty()) line.append(" (").append(source).append(")");
  line.append("\n");
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool StopRequested() { return g_stop_signals.load() > 0; }

int StopSignalCount() { return g_stop_signals.load(); }

std::string ErrorText(rd_kafka_resp_err_t err, const char* detail) {
  std::string d = detail != nullptr ? detail : "";
  const int code = static_cast<int>(err);
  if (code > 0 && kafka::IsKnownErrorCode(static_cast<int16_t>(code))) {
    if (!d.empty() && d.rfind("Broker: ", 0) != 0) return d;
    return std::string(kafka::ErrorMessage(kafka::ErrorFromInt(static_cast<int16_t>(code))));
  }
  return d.empty() ? rd_kafka_err2str(err) : d;
}

Result<RdKafkaPtr> NewClient(rd_kafka_type_t type, const Properties& props, ConfHook hook) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value) -> Status {
    std::string k = key;
    std::string v = value;
    if (k == "buffer.memory") {
      k = "queue.buffering.max.kbytes";
      v = std::to_string(std::max<long long>(1, std::atoll(value.c_str()) / 1024));
    } else if (k == "send.buffer.bytes" || k == "receive.buffer.bytes") {
      k = "socket." + k;
    } else if (k == "partition.assignment.strategy") {
      v = std::string(AssignorName(value));
    }
    switch (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr)) {
      case RD_KAFKA_CONF_OK:
        return Status::OK();
      case RD_KAFKA_CONF_UNKNOWN:
        if (std::find(std::begin(kJavaOnly), std::end(kJavaOnly), key) == std::end(kJavaOnly)) {
          Log("WARN", "The configuration '" + key + "' was supplied but isn't a known config.");
        }
        return Status::OK();
      case RD_KAFKA_CONF_INVALID:
        break;
    }
    return Status::InvalidArgument("Invalid value " + value + " for configuration " + key + ": " + errstr);
  };
  for (const auto& [k, v] : props) {
    Status s = set(k, v);
    if (!s.ok()) {
      rd_kafka_conf_destroy(conf);
      return s;
    }
  }
  if (!props.Contains("log.connection.close")) {
    rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof errstr);
  }
  rd_kafka_conf_set_log_cb(conf, LogCallback);
  rd_kafka_conf_set_error_cb(conf, ErrorCallback);
  if (hook != nullptr) hook(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(errstr);
  }
  return RdKafkaPtr(rk);
}

Status EventStatus(rd_kafka_event_t* ev) {
  rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  return Status::Unavailable(ErrorText(err, rd_kafka_event_error_string(ev)));
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(items[i]);
  }
  return out;
}

Result<std::unique_ptr<kafka::client::Connection>> ConnectAny(const std::string& bootstrap,
                                                              const std::string& client_id,
                                                              std::chrono::milliseconds timeout) {
  Status last = Status::InvalidArgument("no bootstrap server given");
  size_t pos = 0;
  while (pos < bootstrap.size()) {
    size_t end = bootstrap.find(',', pos);
    if (end == std::string::npos) end = bootstrap.size();
    std::string server = bootstrap.substr(pos, end - pos);
    pos = end + 1;
    server.erase(0, server.find_first_not_of(' '));
    server.erase(server.find_last_not_of(' ') + 1);
    auto hp = kafka::client::ParseHostPort(server);
    if (!hp.ok()) {
      last = hp.status();
      continue;
    }
    kafka::client::ConnectionOptions options;
    options.client_id = client_id;
    options.connect_timeout = timeout;
    options.request_timeout = timeout;
    auto conn = kafka::client::Connection::Open(hp->first, hp->second, options);
    if (conn.ok()) return conn;
    last = conn.status();
  }
  return last;
}

bool IsInternalTopic(std::string_view topic) {
  return topic == "__consumer_offsets" || topic == "__transaction_state";
}

Result<std::map<std::string, int>> PartitionCounts(rd_kafka_t* rk, const std::vector<std::string>& topics,
                                                   std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Unavailable(ErrorText(err));
  std::map<std::string, int> counts;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (std::find(topics.begin(), topics.end(), t.topic) != topics.end()) counts[t.topic] = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return counts;
}

}  // namespace sluice::cli::tools
