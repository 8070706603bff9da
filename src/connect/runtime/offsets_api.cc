// Connector offsets and active topics: see offsets_api.h.
#include "connect/runtime/offsets_api.h"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "connect/runtime/kafka_clients.h"

namespace sluice::connect {
namespace {

bool IsSink(const ConfigMap& config, const PluginRegistry& plugins) {
  auto it = config.find("connector.class");
  const PluginInfo* p =
      it == config.end() ? nullptr : plugins.Find(it->second, {PluginType::kSource, PluginType::kSink});
  return p != nullptr && p->type == PluginType::kSink;
}

std::string GroupOf(const std::string& name, const ConfigMap& config) {
  auto it = config.find("consumer.override.group.id");
  return it != config.end() ? it->second : "connect-" + name;
}

Result<KafkaHandle> Admin(const WorkerConfig& worker) {
  ClientOptions o;
  o.bootstrap_servers = worker.bootstrap_servers;
  o.client_id = "connect-offsets-admin";
  o.overrides = worker.admin_props;
  return NewProducer(o);
}

// Runs one admin request and returns its event (caller destroys it).
template <typename Fn>
Result<rd_kafka_event_t*> RunAdmin(rd_kafka_t* rk, rd_kafka_admin_op_t op, Fn call) {
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, op);
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(opts, 15000, err, sizeof(err));
  call(opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 20000);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  if (ev == nullptr) return Status::Timeout("admin request timed out");
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Status s = KafkaError(rd_kafka_event_error(ev), rd_kafka_event_error_string(ev));
    rd_kafka_event_destroy(ev);
    return s;
  }
  return ev;
}

Result<std::vector<ConnectorOffset>> SinkOffsets(const std::string& group, const WorkerConfig& worker) {
  ASSIGN_OR_RETURN(KafkaHandle rk, Admin(worker));
  rd_kafka_ListConsumerGroupOffsets_t* req = rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr);
  ASSIGN_OR_RETURN(rd_kafka_event_t * ev, RunAdmin(rk.get(), RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                                                   [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
                                                     rd_kafka_ListConsumerGroupOffsets(rk.get(), &req, 1,
                                                                                       opts, q);
                                                   }));
  rd_kafka_ListConsumerGroupOffsets_destroy(req);
  std::vector<ConnectorOffset> out;
  size_t n = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[i]);
    for (int j = 0; parts != nullptr && j < parts->cnt; ++j) {
      const auto& e = parts->elems[j];
      if (e.offset < 0) continue;
      nlohmann::ordered_json p;
      p["kafka_topic"] = e.topic;
      p["kafka_partition"] = e.partition;
      nlohmann::ordered_json o;
      o["kafka_offset"] = e.offset;
      out.push_back(ConnectorOffset{p.dump(), o.dump()});
    }
  }
  rd_kafka_event_destroy(ev);
  return out;
}

Status DeleteGroup(const std::string& group, const WorkerConfig& worker) {
  ASSIGN_OR_RETURN(KafkaHandle rk, Admin(worker));
  rd_kafka_DeleteGroup_t* req = rd_kafka_DeleteGroup_new(group.c_str());
  Result<rd_kafka_event_t*> ev = RunAdmin(rk.get(), RD_KAFKA_ADMIN_OP_DELETEGROUPS,
                                          [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
                                            rd_kafka_DeleteGroups(rk.get(), &req, 1, opts, q);
                                          });
  rd_kafka_DeleteGroup_destroy(req);
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(*ev), &n);
  Status s;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i]);
    if (e != nullptr && rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
      s = Status::IOError(std::string("delete group ") + group + ": " + rd_kafka_error_string(e));
    }
  }
  rd_kafka_event_destroy(*ev);
  return s;
}

Status AlterSinkOffsets(const std::string& group, const std::vector<ConnectorOffset>& offsets,
                        const WorkerConfig& worker) {
  rd_kafka_topic_partition_list_t* parts =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const ConnectorOffset& o : offsets) {
    nlohmann::json p = nlohmann::json::parse(o.partition_json, nullptr, false);
    nlohmann::json v = nlohmann::json::parse(o.offset_json, nullptr, false);
    if (p.is_discarded() || !p.is_object() || !p.contains("kafka_topic") || !p["kafka_topic"].is_string() ||
        !p.contains("kafka_partition") || !p["kafka_partition"].is_number_integer()) {
      rd_kafka_topic_partition_list_destroy(parts);
      return Status::InvalidArgument(
          "Partitions of sink connectors must have the keys kafka_topic and kafka_partition: " +
          o.partition_json);
    }
    if (v.is_null()) {
      rd_kafka_topic_partition_list_destroy(parts);
      return Status::InvalidArgument(
          "Resetting a single partition of a sink connector is not supported; use DELETE "
          "/connectors/{name}/offsets");
    }
    if (!v.is_object() || !v.contains("kafka_offset") || !v["kafka_offset"].is_number_integer() ||
        v["kafka_offset"].get<int64_t>() < 0) {
      rd_kafka_topic_partition_list_destroy(parts);
      return Status::InvalidArgument(
          "Offsets of sink connectors must be {\"kafka_offset\": <non-negative integer>}: " + o.offset_json);
    }
    rd_kafka_topic_partition_list_add(parts, p["kafka_topic"].get<std::string>().c_str(),
                                      p["kafka_partition"].get<int32_t>())
        ->offset = v["kafka_offset"].get<int64_t>();
  }
  Result<KafkaHandle> rk = Admin(worker);
  if (!rk.ok()) {
    rd_kafka_topic_partition_list_destroy(parts);
    return rk.status();
  }
  rd_kafka_AlterConsumerGroupOffsets_t* req = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  Result<rd_kafka_event_t*> ev = RunAdmin(rk->get(), RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
                                          [&](rd_kafka_AdminOptions_t* opts, rd_kafka_queue_t* q) {
                                            rd_kafka_AlterConsumerGroupOffsets(rk->get(), &req, 1, opts, q);
                                          });
  rd_kafka_AlterConsumerGroupOffsets_destroy(req);
  if (!ev.ok()) return ev.status();
  rd_kafka_event_destroy(*ev);
  return Status::OK();
}

struct ActiveTopicRegistry {
  std::mutex mu;
  std::map<std::string, std::set<std::string>> topics;
};
ActiveTopicRegistry& Registry() {
  static ActiveTopicRegistry r;
  return r;
}

}  // namespace

Result<std::vector<ConnectorOffset>> ReadConnectorOffsets(const std::string& name, const ConfigMap& config,
                                                          OffsetStore& store, const PluginRegistry& plugins,
                                                          const WorkerConfig& worker) {
  if (IsSink(config, plugins)) return SinkOffsets(GroupOf(name, config), worker);
  RETURN_IF_ERROR(store.Refresh(30000));
  std::vector<ConnectorOffset> out;
  for (auto& [p, o] : store.GetAll(name)) out.push_back(ConnectorOffset{p, o});
  return out;
}

Status WriteConnectorOffsets(const std::string& name, const ConfigMap& config,
                             const std::vector<ConnectorOffset>& offsets, bool reset, OffsetStore& store,
                             const PluginRegistry& plugins, const WorkerConfig& worker) {
  if (IsSink(config, plugins)) {
    if (reset) return DeleteGroup(GroupOf(name, config), worker);
    return AlterSinkOffsets(GroupOf(name, config), offsets, worker);
  }
  std::vector<OffsetEntry> entries;
  if (reset) {
    RETURN_IF_ERROR(store.Refresh(30000));
    for (auto& [p, o] : store.GetAll(name)) entries.push_back(OffsetEntry{p, std::nullopt});
  } else {
    for (const ConnectorOffset& o : offsets) {
      nlohmann::json p = nlohmann::json::parse(o.partition_json, nullptr, false);
      nlohmann::json v = nlohmann::json::parse(o.offset_json, nullptr, false);
      if (p.is_discarded() || !p.is_object())
        return Status::InvalidArgument("Source partitions must be JSON objects: " + o.partition_json);
      if (v.is_discarded() || !(v.is_object() || v.is_null()))
        return Status::InvalidArgument("Source offsets must be JSON objects or null: " + o.offset_json);
      entries.push_back(OffsetEntry{OffsetStore::Canonical(o.partition_json),
                                    v.is_null() ? std::nullopt : std::optional<std::string>(v.dump())});
    }
  }
  if (entries.empty()) return Status::OK();
  return store.Put(name, entries, 30000);
}

void NoteActiveTopic(const std::string& connector, const std::string& topic) {
  auto& r = Registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.topics[connector].insert(topic);
}

std::vector<std::string> ActiveTopics(const std::string& connector) {
  auto& r = Registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.topics.find(connector);
  if (it == r.topics.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void ClearActiveTopics(const std::string& connector) {
  auto& r = Registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.topics.erase(connector);
}

}  // namespace sluice::connect
