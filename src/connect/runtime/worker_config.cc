// Worker config definition and parsing. See worker_config.h.
#include "connect/runtime/worker_config.h"

#include <unistd.h>

#include <cctype>
#include <string_view>

namespace sluice::connect {
namespace {

ConfigDef BuildDefinition(WorkerMode mode) {
  ConfigDef def;
  auto str = [&](std::string name, std::string dflt, std::string doc) {
    def.Define(ConfigKey(std::move(name), ConfigType::kString).Default(std::move(dflt)).Doc(std::move(doc)));
  };
  auto num = [&](std::string name, ConfigType type, std::string dflt, int64_t min, std::string doc) {
    def.Define(ConfigKey(std::move(name), type)
                   .Default(std::move(dflt))
                   .Validate(Range::AtLeast(min))
                   .Doc(std::move(doc)));
  };
  def.Define(ConfigKey("bootstrap.servers", ConfigType::kList)
                 .Default("localhost:9092")
                 .Importance(Importance::kHigh)
                 .Doc("Kafka brokers to connect to (host:port list)."));
  if (mode == WorkerMode::kDistributed) {
    def.Define(ConfigKey("group.id", ConfigType::kString)
                   .Importance(Importance::kHigh)
                   .Doc("The Connect cluster this worker belongs to."));
    def.Define(ConfigKey("config.storage.topic", ConfigType::kString)
                   .Importance(Importance::kHigh)
                   .Doc("Topic of connector configs."));
    def.Define(ConfigKey("offset.storage.topic", ConfigType::kString)
                   .Importance(Importance::kHigh)
                   .Doc("Topic of source offsets."));
    def.Define(ConfigKey("status.storage.topic", ConfigType::kString)
                   .Importance(Importance::kHigh)
                   .Doc("Topic of connector and task status."));
    num("offset.storage.partitions", ConfigType::kInt, "25", -1,
        "Partitions of the offset topic when created.");
    num("status.storage.partitions", ConfigType::kInt, "5", -1,
        "Partitions of the status topic when created.");
    num("config.storage.replication.factor", ConfigType::kShort, "3", -1,
        "Replication factor (capped by the cluster).");
    num("offset.storage.replication.factor", ConfigType::kShort, "3", -1,
        "Replication factor (capped by the cluster).");
    num("status.storage.replication.factor", ConfigType::kShort, "3", -1,
        "Replication factor (capped by the cluster).");
    num("session.timeout.ms", ConfigType::kInt, "10000", 1, "Group session timeout.");
    num("heartbeat.interval.ms", ConfigType::kInt, "3000", 1, "Group heartbeat interval.");
    num("rebalance.timeout.ms", ConfigType::kInt, "60000", 1,
        "Time a worker has to rejoin during a rebalance.");
    num("scheduled.rebalance.max.delay.ms", ConfigType::kInt, "0", 0,
        "How long a departed worker's work waits for it to come back (Sluice default 0: moved at once).");
    str("connect.protocol", "sessioned", "Accepted for compatibility; Sluice uses eager rebalancing.");
    str("worker.sync.timeout.ms", "3000", "Accepted for compatibility.");
  } else {
    def.Define(ConfigKey("offset.storage.file.filename", ConfigType::kString)
                   .Importance(Importance::kHigh)
                   .Doc("File of source offsets (standalone)."));
  }
  def.Define(ConfigKey("key.converter", ConfigType::kClass)
                 .Default("org.apache.kafka.connect.json.JsonConverter")
                 .Importance(Importance::kHigh)
                 .Doc("Converter of record keys."));
  def.Define(ConfigKey("value.converter", ConfigType::kClass)
                 .Default("org.apache.kafka.connect.json.JsonConverter")
                 .Importance(Importance::kHigh)
                 .Doc("Converter of record values."));
  def.Define(ConfigKey("header.converter", ConfigType::kClass)
                 .Default("org.apache.kafka.connect.storage.SimpleHeaderConverter")
                 .Doc("Converter of record headers."));
  num("offset.flush.interval.ms", ConfigType::kLong, "60000", 0, "How often source offsets are committed.");
  num("offset.flush.timeout.ms", ConfigType::kLong, "5000", 0,
      "How long an offset commit may wait for acks.");
  num("task.shutdown.graceful.timeout.ms", ConfigType::kLong, "5000", 0, "How long tasks get to stop.");
  def.Define(ConfigKey("listeners", ConfigType::kList).Default("http://:8083").Doc("REST listeners."));
  str("rest.host.name", "", "Deprecated: host of the REST listener.");
  num("rest.port", ConfigType::kInt, "8083", 0, "Deprecated: port of the REST listener.");
  str("rest.advertised.host.name", "", "Host name given to other workers.");
  num("rest.advertised.port", ConfigType::kInt, "0", 0, "Port given to other workers.");
  str("rest.advertised.listener", "http", "Scheme given to other workers.");
  def.Define(ConfigKey("plugin.path", ConfigType::kList)
                 .Default("")
                 .Doc("Accepted; every Sluice plugin is built in."));
  str("client.id", "", "Prefix of the Kafka client ids.");
  def.Define(
      ConfigKey("config.providers", ConfigType::kList).Default("").Doc("Config providers (file, env)."));
  return def;
}

ConfigMap Prefixed(const Properties& props, std::string_view prefix) {
  ConfigMap out;
  for (const auto& [k, v] : props) {
    if (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0)
      out[k.substr(prefix.size())] = v;
  }
  return out;
}

bool HasPassThroughPrefix(std::string_view key) {
  for (std::string_view p :
       {"producer.", "consumer.", "admin.", "key.converter.", "value.converter.", "header.converter.",
        "config.providers.", "internal.", "metric", "ssl.", "sasl.", "security."}) {
    if (key.substr(0, p.size()) == p) return true;
  }
  return false;
}

// "http://host:port" or "host:port" → host, port.
Status ParseListener(const std::string& listener, std::string* host, int32_t* port) {
  std::string_view s = listener;
  if (auto pos = s.find("://"); pos != std::string_view::npos) {
    std::string scheme(s.substr(0, pos));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // as Kafka
    if (scheme != "http")
      return Status::InvalidArgument("listeners: only http is supported, got " + listener);
    s.remove_prefix(pos + 3);
  }
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return Status::InvalidArgument("listeners: no port in " + listener);
  *host = std::string(s.substr(0, colon));
  if (!host->empty() && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  try {
    *port = std::stoi(std::string(s.substr(colon + 1)));
  } catch (...) {
    return Status::InvalidArgument("listeners: bad port in " + listener);
  }
  return Status::OK();
}

}  // namespace

const ConfigDef& WorkerConfig::Definition(WorkerMode mode) {
  static const ConfigDef distributed = BuildDefinition(WorkerMode::kDistributed);
  static const ConfigDef standalone = BuildDefinition(WorkerMode::kStandalone);
  return mode == WorkerMode::kDistributed ? distributed : standalone;
}

Result<WorkerConfig> WorkerConfig::Parse(const Properties& props, WorkerMode mode) {
  const ConfigDef& def = Definition(mode);
  ASSIGN_OR_RETURN(ParsedConfig cfg, def.Parse(props));
  WorkerConfig w;
  w.mode = mode;
  std::string servers;
  for (const std::string& s : cfg.GetList("bootstrap.servers")) servers += (servers.empty() ? "" : ",") + s;
  w.bootstrap_servers = servers;
  if (mode == WorkerMode::kDistributed) {
    w.group_id = cfg.GetString("group.id");
    w.config_storage_topic = cfg.GetString("config.storage.topic");
    w.offset_storage_topic = cfg.GetString("offset.storage.topic");
    w.status_storage_topic = cfg.GetString("status.storage.topic");
    w.offset_storage_partitions = cfg.GetInt("offset.storage.partitions");
    w.status_storage_partitions = cfg.GetInt("status.storage.partitions");
    w.config_storage_replication_factor = cfg.GetShort("config.storage.replication.factor");
    w.offset_storage_replication_factor = cfg.GetShort("offset.storage.replication.factor");
    w.status_storage_replication_factor = cfg.GetShort("status.storage.replication.factor");
    w.session_timeout_ms = cfg.GetInt("session.timeout.ms");
    w.heartbeat_interval_ms = cfg.GetInt("heartbeat.interval.ms");
    w.rebalance_timeout_ms = cfg.GetInt("rebalance.timeout.ms");
    w.scheduled_rebalance_max_delay_ms = cfg.GetInt("scheduled.rebalance.max.delay.ms");
    if (w.offset_storage_partitions == 0 || w.status_storage_partitions == 0) {
      return Status::InvalidArgument(
          "offset.storage.partitions and status.storage.partitions must be positive or -1");
    }
  } else {
    w.offset_storage_file = cfg.GetString("offset.storage.file.filename");
  }
  w.key_converter = cfg.GetString("key.converter");
  w.value_converter = cfg.GetString("value.converter");
  w.header_converter = cfg.GetString("header.converter");
  w.key_converter_props = Prefixed(props, "key.converter.");
  w.value_converter_props = Prefixed(props, "value.converter.");
  w.header_converter_props = Prefixed(props, "header.converter.");
  w.offset_flush_interval_ms = cfg.GetLong("offset.flush.interval.ms");
  w.offset_flush_timeout_ms = cfg.GetLong("offset.flush.timeout.ms");
  w.task_shutdown_graceful_timeout_ms = cfg.GetLong("task.shutdown.graceful.timeout.ms");

  // listeners wins over the deprecated rest.host.name/rest.port when given.
  if (cfg.WasSet("listeners") || !cfg.WasSet("rest.port")) {
    const auto& listeners = cfg.GetList("listeners");
    if (listeners.empty()) return Status::InvalidArgument("listeners must name at least one listener");
    RETURN_IF_ERROR(ParseListener(listeners.front(), &w.rest_host, &w.rest_port));
    if (w.rest_host.empty()) w.rest_host = "0.0.0.0";
  } else {
    w.rest_port = cfg.GetInt("rest.port");
    w.rest_host = cfg.GetString("rest.host.name").empty() ? "0.0.0.0" : cfg.GetString("rest.host.name");
  }
  w.rest_advertised_host = cfg.GetString("rest.advertised.host.name");
  w.rest_advertised_port = cfg.GetInt("rest.advertised.port");
  w.rest_advertised_scheme = cfg.GetString("rest.advertised.listener");
  if (!cfg.GetString("client.id").empty()) w.client_id_prefix = cfg.GetString("client.id");
  w.producer_props = Prefixed(props, "producer.");
  w.consumer_props = Prefixed(props, "consumer.");
  w.admin_props = Prefixed(props, "admin.");
  w.config_providers = Prefixed(props, "config.providers.");
  if (auto v = props.Get("config.providers")) w.config_providers[""] = *v;
  for (const std::string& k : def.UnknownKeys(props)) {
    if (!HasPassThroughPrefix(k)) w.unknown_keys.push_back(k);
  }
  return w;
}

std::string WorkerConfig::AdvertisedHostPort() const {
  std::string host = rest_advertised_host;
  if (host.empty()) {
    if (rest_host != "0.0.0.0" && rest_host != "::") {
      host = rest_host;
    } else {
      char buf[256] = {};
      host = gethostname(buf, sizeof(buf) - 1) == 0 ? std::string(buf) : std::string("localhost");
    }
  }
  int32_t port = rest_advertised_port != 0 ? rest_advertised_port : rest_port;
  return host + ":" + std::to_string(port);
}

std::string WorkerConfig::AdvertisedUrl() const {
  return rest_advertised_scheme + "://" + AdvertisedHostPort() + "/";
}

}  // namespace sluice::connect
