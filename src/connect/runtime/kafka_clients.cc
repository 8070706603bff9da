// librdkafka client construction and admin helpers. See kafka_clients.h.
#include "connect/runtime/kafka_clients.h"

#include <algorithm>

#include "base/logging.h"

namespace sluice::connect {
namespace {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// Java client keys with no librdkafka meaning (serializers, poll sizes handled by the runtime).
bool IgnoredJavaKey(const std::string& key) {
  static const char* const kIgnored[] = {
      "key.serializer",          "value.serializer",     "key.deserializer",
      "value.deserializer",      "max.poll.records",     "max.poll.interval.ms.java",
      "interceptor.classes",     "metric.reporters",     "default.api.timeout.ms",
      "request.timeout.ms.java", "retry.backoff.max.ms", "delivery.timeout.ms.java"};
  return std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored);
}

Result<ConfPtr> BuildConf(const ClientOptions& o) {
  ConfPtr conf(rd_kafka_conf_new());
  char err[512];
  auto set = [&](const std::string& k, const std::string& v, bool user) -> Status {
    if (user && IgnoredJavaKey(k)) {
      LOG_ONCE(::spdlog::level::info, "rdkafka-ignored:" + k,
               "client config {} has no librdkafka equivalent; ignored", k);
      return Status::OK();
    }
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof(err));
    if (r == RD_KAFKA_CONF_UNKNOWN && user) {
      LOG_ONCE(::spdlog::level::warn, "rdkafka-unknown:" + k,
               "client config {} is unknown to librdkafka; ignored", k);
      return Status::OK();
    }
    if (r != RD_KAFKA_CONF_OK) return Status::InvalidArgument("client config " + k + "=" + v + ": " + err);
    return Status::OK();
  };
  RETURN_IF_ERROR(set("bootstrap.servers", o.bootstrap_servers, false));
  if (!o.client_id.empty()) RETURN_IF_ERROR(set("client.id", o.client_id, false));
  RETURN_IF_ERROR(set("log.connection.close", "false", false));
  for (const auto& [k, v] : o.base) RETURN_IF_ERROR(set(k, v, false));
  for (const auto& [k, v] : o.overrides) RETURN_IF_ERROR(set(k, v, true));
  if (o.dr_msg_cb != nullptr) rd_kafka_conf_set_dr_msg_cb(conf.get(), o.dr_msg_cb);
  if (o.rebalance_cb != nullptr) rd_kafka_conf_set_rebalance_cb(conf.get(), o.rebalance_cb);
  if (o.opaque != nullptr) rd_kafka_conf_set_opaque(conf.get(), o.opaque);
  return conf;
}

Result<KafkaHandle> NewHandle(rd_kafka_type_t type, const ClientOptions& options) {
  ASSIGN_OR_RETURN(ConfPtr conf, BuildConf(options));
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof(err));
  if (rk == nullptr) return Status::InvalidArgument(std::string("cannot create Kafka client: ") + err);
  conf.release();  // owned by rk now
  return KafkaHandle(rk);
}

}  // namespace

void RdKafkaDeleter::operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }

Result<KafkaHandle> NewProducer(const ClientOptions& options) {
  return NewHandle(RD_KAFKA_PRODUCER, options);
}

Result<KafkaHandle> NewConsumer(const ClientOptions& options) {
  return NewHandle(RD_KAFKA_CONSUMER, options);
}

Status KafkaError(rd_kafka_resp_err_t err, std::string_view context) {
  std::string msg = std::string(context) + ": " + rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
      return Status::Unavailable(msg);
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      return Status::NotFound(msg);
    default:
      return Status::IOError(msg);
  }
}

rd_kafka_resp_err_t Produce(rd_kafka_t* rk, const ProduceArgs& a) {
  rd_kafka_vu_t vu[9];
  size_t n = 0;
  if (a.rkt != nullptr) {
    vu[n].vtype = RD_KAFKA_VTYPE_RKT;
    vu[n++].u.rkt = a.rkt;
  } else {
    vu[n].vtype = RD_KAFKA_VTYPE_TOPIC;
    vu[n++].u.cstr = a.topic;
  }
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = a.partition;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  vu[n].vtype = RD_KAFKA_VTYPE_KEY;
  vu[n].u.mem.ptr = const_cast<void*>(a.key);
  vu[n++].u.mem.size = a.key_len;
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = const_cast<void*>(a.value);
  vu[n++].u.mem.size = a.value_len;
  vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  vu[n++].u.i64 = a.timestamp;
  vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu[n++].u.ptr = a.opaque;
  if (a.headers != nullptr) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = a.headers;
  }
  rd_kafka_error_t* e = rd_kafka_produceva(rk, vu, n);
  if (e == nullptr) return RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_resp_err_t code = rd_kafka_error_code(e);
  rd_kafka_error_destroy(e);
  return code;
}

int ProduceBatch(rd_kafka_topic_t* rkt, int32_t partition, rd_kafka_message_t* messages, int count) {
  return rd_kafka_produce_batch(rkt, partition, RD_KAFKA_MSG_F_COPY, messages, count);
}

Result<int32_t> PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md, timeout_ms);
  rd_kafka_topic_destroy(t);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "metadata of " + topic);
  int32_t count = -1;
  rd_kafka_resp_err_t terr = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (md->topic_cnt == 1) {
    terr = md->topics[0].err;
    count = md->topics[0].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  if (terr != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(terr, "topic " + topic);
  if (count <= 0) return Status::NotFound("topic " + topic + " does not exist");
  return count;
}

namespace {
Result<int> BrokerCount(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "cluster metadata");
  int n = md->broker_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}
}  // namespace

Status EnsureTopics(rd_kafka_t* rk, const std::vector<NewTopicSpec>& topics, int timeout_ms) {
  if (topics.empty()) return Status::OK();
  ASSIGN_OR_RETURN(int brokers, BrokerCount(rk, timeout_ms));
  char err[512];
  std::vector<rd_kafka_NewTopic_t*> news;
  for (const NewTopicSpec& t : topics) {
    int rf = t.replication_factor;
    if (rf > brokers) {
      LOG_WARN("topic {}: replication factor {} capped at the cluster's {} broker(s)", t.name, rf, brokers);
      rf = brokers;
    }
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, rf, err, sizeof(err));
    if (nt == nullptr) {
      for (auto* n : news) rd_kafka_NewTopic_destroy(n);
      return Status::InvalidArgument("topic " + t.name + ": " + err);
    }
    for (const auto& [k, v] : t.configs) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    news.push_back(nt);
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, err, sizeof(err));
  rd_kafka_CreateTopics(rk, news.data(), news.size(), opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, timeout_ms + 1000);
  Status status;
  if (ev == nullptr) {
    status = Status::Timeout("creating topics timed out");
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = KafkaError(rd_kafka_event_error(ev), "create topics");
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n && status.ok(); ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR || e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
          LOG_INFO("created topic {}", rd_kafka_topic_result_name(results[i]));
        continue;
      }
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      status = Status::IOError(std::string("create topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                               (msg ? msg : rd_kafka_err2str(e)));
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  for (auto* n : news) rd_kafka_NewTopic_destroy(n);
  return status;
}

Result<std::string> ClusterId(rd_kafka_t* rk, int timeout_ms) {
  char* id = rd_kafka_clusterid(rk, timeout_ms);
  if (id == nullptr) return Status::Unavailable("cannot learn the Kafka cluster id");
  std::string out(id);
  rd_kafka_mem_free(rk, id);
  return out;
}

}  // namespace sluice::connect
