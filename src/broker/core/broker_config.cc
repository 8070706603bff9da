// Broker configuration definitions. Thread-safety: Definition() is built once (static local).
#include "broker/core/broker_config.h"

#include <charconv>

namespace sluice::broker {

namespace {

ConfigDef BuildDefinition() {
  ConfigDef d;
  auto def = [&d](ConfigKey k) { d.Define(std::move(k)); };
  using T = ConfigType;
  def(ConfigKey("node.id", T::kInt)
          .Default("-1")
          .Importance(Importance::kHigh)
          .Doc("This broker's id (broker.id is accepted as its older name)."));
  def(ConfigKey("broker.id", T::kInt).Default("-1").Importance(Importance::kHigh).Doc("Alias of node.id."));
  def(ConfigKey("listeners", T::kList)
          .Default("PLAINTEXT://127.0.0.1:9092")
          .Importance(Importance::kHigh)
          .Doc("Comma-separated NAME://host:port the broker listens on."));
  def(ConfigKey("advertised.listeners", T::kList)
          .NullDefault()
          .Importance(Importance::kHigh)
          .Doc("Addresses given to clients in Metadata; defaults to listeners."));
  def(ConfigKey("log.dirs", T::kList)
          .NullDefault()
          .Importance(Importance::kHigh)
          .Doc("Directories of the partition logs."));
  def(ConfigKey("log.dir", T::kString)
          .Default("/tmp/sluice-logs")
          .Importance(Importance::kHigh)
          .Doc("The log directory when log.dirs is not set."));
  def(ConfigKey("num.partitions", T::kInt)
          .Default("1")
          .Validate(Range::AtLeast(1))
          .Doc("Default partitions per topic."));
  def(ConfigKey("auto.create.topics.enable", T::kBoolean).Default("true").Doc("Create topics on first use."));
  def(ConfigKey("default.replication.factor", T::kShort)
          .Default("1")
          .Validate(Range::AtLeast(1))
          .Doc("Accepted for compatibility; a single node keeps one replica."));
  def(ConfigKey("log.segment.bytes", T::kInt)
          .Default("1073741824")
          .Validate(Range::AtLeast(14))
          .Doc("Maximum size of one segment file."));
  def(ConfigKey("log.roll.ms", T::kLong).NullDefault().Doc("Roll a segment after this long."));
  def(ConfigKey("log.roll.hours", T::kInt)
          .Default("168")
          .Validate(Range::AtLeast(1))
          .Doc("log.roll.ms in hours."));
  def(ConfigKey("log.retention.ms", T::kLong)
          .NullDefault()
          .Doc("Delete segments older than this; -1 keeps them."));
  def(ConfigKey("log.retention.minutes", T::kInt).NullDefault().Doc("log.retention.ms in minutes."));
  def(ConfigKey("log.retention.hours", T::kInt).Default("168").Doc("log.retention.ms in hours."));
  def(ConfigKey("log.retention.bytes", T::kLong)
          .Default("-1")
          .Doc("Delete old segments beyond this size; -1: no limit."));
  def(ConfigKey("log.retention.check.interval.ms", T::kLong)
          .Default("300000")
          .Validate(Range::AtLeast(1))
          .Doc("How often retention is checked."));
  def(ConfigKey("log.cleanup.policy", T::kList)
          .Default("delete")
          .Validate(ValidList::In({"delete", "compact"}))
          .Doc("delete, compact or both."));
  def(ConfigKey("log.flush.interval.messages", T::kLong)
          .Default("9223372036854775807")
          .Validate(Range::AtLeast(1))
          .Doc("fsync after this many messages; 1 makes every acknowledged write durable."));
  def(ConfigKey("log.flush.interval.ms", T::kLong).NullDefault().Doc("fsync at least this often."));
  def(ConfigKey("message.max.bytes", T::kInt)
          .Default("1048588")
          .Validate(Range::AtLeast(0))
          .Doc("Largest record batch accepted."));
  def(ConfigKey("socket.request.max.bytes", T::kInt)
          .Default("104857600")
          .Validate(Range::AtLeast(1))
          .Doc("Largest request frame; larger ones close the connection."));
  def(ConfigKey("connections.max.idle.ms", T::kLong)
          .Default("600000")
          .Doc("Close connections idle for longer than this (-1: never)."));
  def(ConfigKey("max.connections", T::kInt)
          .Default("2147483647")
          .Validate(Range::AtLeast(0))
          .Doc("Connections accepted at once; more are closed on accept."));
  def(ConfigKey("max.connections.per.ip", T::kInt)
          .Default("2147483647")
          .Validate(Range::AtLeast(0))
          .Doc("Connections accepted from one address; more are closed on accept."));
  def(ConfigKey("log.index.interval.bytes", T::kInt)
          .Default("4096")
          .Validate(Range::AtLeast(0))
          .Doc("Bytes between offset index entries."));
  def(ConfigKey("offsets.topic.num.partitions", T::kInt)
          .Default("50")
          .Validate(Range::AtLeast(1))
          .Doc("Partitions of __consumer_offsets."));
  def(ConfigKey("offsets.retention.minutes", T::kInt)
          .Default("10080")
          .Validate(Range::AtLeast(1))
          .Doc("Committed offsets of a group Empty this long (or committed this long ago without a group) "
               "are deleted."));
  def(ConfigKey("offsets.retention.check.interval.ms", T::kLong)
          .Default("600000")
          .Validate(Range::AtLeast(1))
          .Doc("How often expired offsets are looked for."));
  def(ConfigKey("offsets.topic.replication.factor", T::kShort).Default("1").Doc("Accepted; effectively 1."));
  def(ConfigKey("transaction.state.log.replication.factor", T::kShort)
          .Default("1")
          .Doc("Accepted; effectively 1."));
  def(ConfigKey("transaction.state.log.min.isr", T::kInt).Default("1").Doc("Accepted; effectively 1."));
  def(ConfigKey("group.initial.rebalance.delay.ms", T::kInt)
          .Default("3000")
          .Validate(Range::AtLeast(0))
          .Doc("Wait for more members before the first rebalance of an empty group."));
  def(ConfigKey("group.min.session.timeout.ms", T::kInt)
          .Default("6000")
          .Doc("Smallest session timeout allowed."));
  def(ConfigKey("group.max.session.timeout.ms", T::kInt)
          .Default("1800000")
          .Doc("Largest session timeout allowed."));
  def(ConfigKey("log.cleaner.delete.retention.ms", T::kLong)
          .Default("86400000")
          .Doc("Keep tombstones this long."));
  def(ConfigKey("log.cleaner.min.compaction.lag.ms", T::kLong)
          .Default("0")
          .Doc("Never compact newer records."));
  def(ConfigKey("compression.type", T::kString)
          .Default("producer")
          .Validate(ValidString::In({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}))
          .Doc("Codec of stored batches; producer keeps what the producer sent."));
  def(ConfigKey("log.message.timestamp.type", T::kString)
          .Default("CreateTime")
          .Validate(ValidString::In({"CreateTime", "LogAppendTime"}))
          .Doc("Timestamp kept for records."));
  def(ConfigKey("cluster.id", T::kString)
          .NullDefault()
          .Doc("Cluster id; generated on first start when absent."));
  return d;
}

}  // namespace

const ConfigDef& BrokerConfig::Definition() {
  static const ConfigDef def = BuildDefinition();
  return def;
}

Result<std::vector<Listener>> ParseListeners(const std::string& key, const std::vector<std::string>& items) {
  std::vector<Listener> out;
  for (const auto& item : items) {
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("Invalid value " + item + " for configuration " + key + ": " + why);
    };
    auto sep = item.find("://");
    if (sep == std::string::npos) return bad("expected NAME://host:port");
    Listener l;
    l.name = item.substr(0, sep);
    std::string hostport = item.substr(sep + 3);
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos) return bad("missing port");
    l.host = hostport.substr(0, colon);
    if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']')
      l.host = l.host.substr(1, l.host.size() - 2);
    const std::string port = hostport.substr(colon + 1);
    int p = -1;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535)
      return bad("invalid port " + port);
    l.port = static_cast<uint16_t>(p);
    if (l.name != "PLAINTEXT") return bad("only PLAINTEXT listeners are supported");
    out.push_back(l);
  }
  if (out.empty()) return Status::InvalidArgument("Invalid value for configuration " + key + ": no listener");
  return out;
}

Result<BrokerConfig> BrokerConfig::Parse(const Properties& props) {
  ASSIGN_OR_RETURN(ParsedConfig c, Definition().Parse(props));
  c.LogUnknownKeysOnce("broker");
  BrokerConfig b;
  b.node_id = c.GetInt("node.id") >= 0 ? c.GetInt("node.id")
                                       : (c.GetInt("broker.id") >= 0 ? c.GetInt("broker.id") : 1);
  ASSIGN_OR_RETURN(b.listeners, ParseListeners("listeners", c.GetList("listeners")));
  if (c.IsNull("advertised.listeners")) {
    b.advertised_listeners = b.listeners;
  } else {
    ASSIGN_OR_RETURN(b.advertised_listeners,
                     ParseListeners("advertised.listeners", c.GetList("advertised.listeners")));
  }
  for (auto& l : b.advertised_listeners) {
    if (l.host.empty() || l.host == "0.0.0.0") l.host = "127.0.0.1";
  }
  b.log_dirs =
      c.IsNull("log.dirs") ? std::vector<std::string>{c.GetString("log.dir")} : c.GetList("log.dirs");
  b.num_partitions = c.GetInt("num.partitions");
  b.auto_create_topics = c.GetBool("auto.create.topics.enable");
  b.default_replication_factor = c.GetShort("default.replication.factor");
  b.log_segment_bytes = c.GetInt("log.segment.bytes");
  b.log_roll_ms =
      c.IsNull("log.roll.ms") ? int64_t{c.GetInt("log.roll.hours")} * 3600000 : c.GetLong("log.roll.ms");
  if (!c.IsNull("log.retention.ms")) {
    b.log_retention_ms = c.GetLong("log.retention.ms");
  } else if (!c.IsNull("log.retention.minutes")) {
    b.log_retention_ms = int64_t{c.GetInt("log.retention.minutes")} * 60000;
  } else {
    b.log_retention_ms = int64_t{c.GetInt("log.retention.hours")} * 3600000;
  }
  if (b.log_retention_ms < 0) b.log_retention_ms = -1;
  b.log_retention_bytes = c.GetLong("log.retention.bytes");
  b.log_retention_check_interval_ms = c.GetLong("log.retention.check.interval.ms");
  {
    std::string policy;
    for (const auto& p : c.GetList("log.cleanup.policy")) policy += (policy.empty() ? "" : ",") + p;
    b.log_cleanup_policy = policy.empty() ? "delete" : policy;
  }
  b.log_flush_interval_messages = c.GetLong("log.flush.interval.messages");
  b.log_flush_interval_ms =
      c.IsNull("log.flush.interval.ms") ? INT64_MAX : c.GetLong("log.flush.interval.ms");
  b.message_max_bytes = c.GetInt("message.max.bytes");
  b.socket_request_max_bytes = c.GetInt("socket.request.max.bytes");
  b.connections_max_idle_ms = c.GetLong("connections.max.idle.ms");
  b.max_connections = c.GetInt("max.connections");
  b.max_connections_per_ip = c.GetInt("max.connections.per.ip");
  b.log_index_interval_bytes = c.GetInt("log.index.interval.bytes");
  b.offsets_topic_num_partitions = c.GetInt("offsets.topic.num.partitions");
  b.offsets_retention_ms = int64_t{c.GetInt("offsets.retention.minutes")} * 60000;
  b.offsets_retention_check_interval_ms = c.GetLong("offsets.retention.check.interval.ms");
  b.group_initial_rebalance_delay_ms = c.GetInt("group.initial.rebalance.delay.ms");
  b.group_min_session_timeout_ms = c.GetInt("group.min.session.timeout.ms");
  b.group_max_session_timeout_ms = c.GetInt("group.max.session.timeout.ms");
  b.log_cleaner_delete_retention_ms = c.GetLong("log.cleaner.delete.retention.ms");
  b.log_cleaner_min_compaction_lag_ms = c.GetLong("log.cleaner.min.compaction.lag.ms");
  b.compression_type = c.GetString("compression.type");
  b.log_message_timestamp_type = c.GetString("log.message.timestamp.type");
  b.cluster_id = c.GetString("cluster.id");
  return b;
}

}  // namespace sluice::broker
