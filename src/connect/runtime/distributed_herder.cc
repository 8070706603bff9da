// DistributedHerder: see distributed_herder.h.
#include "connect/runtime/distributed_herder.h"

#include <algorithm>

#include "base/logging.h"
#include "connect/runtime/offset_reader.h"
#include "connect/runtime/offsets_api.h"

namespace sluice::connect {
namespace {

using distributed::ConnectAssignment;
using distributed::WorkerMetadata;

ClientOptions Options(const WorkerConfig& w, const ConfigMap& overrides, std::string client_id) {
  ClientOptions o;
  o.bootstrap_servers = w.bootstrap_servers;
  o.client_id = std::move(client_id);
  o.overrides = overrides;
  return o;
}

std::vector<std::string> SplitServers(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string s = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!s.empty()) out.push_back(s);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

class DistributedHerder::Context : public ConnectorContext {
 public:
  Context(DistributedHerder* herder, std::string name)
      : herder_(herder), name_(std::move(name)), reader_(herder->offsets_.get(), name_) {}
  OffsetStorageReader* offset_storage_reader() override { return &reader_; }
  void RequestTaskReconfiguration() override {
    std::lock_guard<std::mutex> lock(herder_->mu_);
    herder_->requests_.push_back([h = herder_, n = name_] {
      if (h->OwnsConnector(n)) h->ReconfigureTasks(n);
    });
    herder_->cv_.notify_all();
  }
  void RaiseError(const Status& error) override { herder_->OnConnectorState(name_, "FAILED", error); }

 private:
  DistributedHerder* herder_;
  std::string name_;
  StoreOffsetReader reader_;
};

DistributedHerder::DistributedHerder(const WorkerConfig& config, const PluginRegistry& plugins)
    : HerderBase(config, plugins,
                 std::make_unique<KafkaOffsetStore>(
                     Options(config, config.producer_props, "connect-offsets-producer"),
                     Options(config, config.consumer_props, "connect-offsets-consumer"),
                     NewTopicSpec{config.offset_storage_topic,
                                  config.offset_storage_partitions,
                                  config.offset_storage_replication_factor,
                                  {{"cleanup.policy", "compact"}}}),
                 std::make_unique<KafkaStatusStore>(
                     Options(config, config.producer_props, "connect-status-producer"),
                     Options(config, config.consumer_props, "connect-status-consumer"),
                     NewTopicSpec{config.status_storage_topic,
                                  config.status_storage_partitions,
                                  config.status_storage_replication_factor,
                                  {{"cleanup.policy", "compact"}}})) {
  config_store_ =
      std::make_unique<KafkaConfigStore>(Options(config, config.producer_props, "connect-configs-producer"),
                                         Options(config, config.consumer_props, "connect-configs-consumer"),
                                         NewTopicSpec{config.config_storage_topic,
                                                      1,
                                                      config.config_storage_replication_factor,
                                                      {{"cleanup.policy", "compact"}}},
                                         [this](const ConfigEvent& e) {
                                           std::lock_guard<std::mutex> lock(mu_);
                                           events_.push_back(e);
                                           cv_.notify_all();
                                         });
  kafka::client::GroupMemberConfig gm;
  gm.bootstrap_servers = SplitServers(config.bootstrap_servers);
  gm.group_id = config.group_id;
  gm.protocol_type = std::string(distributed::kConnectProtocolType);
  gm.client_id = config.client_id_prefix;
  gm.session_timeout_ms = config.session_timeout_ms;
  gm.rebalance_timeout_ms = config.rebalance_timeout_ms;
  gm.heartbeat_interval_ms = config.heartbeat_interval_ms;
  gm.on_rebalance_needed = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  };
  member_ = std::make_unique<kafka::client::GroupMember>(std::move(gm));
}

DistributedHerder::~DistributedHerder() { Stop(); }

Status DistributedHerder::Start() {
  RETURN_IF_ERROR(
      config_store_->Start(kStoreTimeoutMs).WithContext("config topic " + config_.config_storage_topic));
  RETURN_IF_ERROR(
      offsets_->Start(kStoreTimeoutMs).WithContext("offset topic " + config_.offset_storage_topic));
  RETURN_IF_ERROR(
      status_->Start(kStoreTimeoutMs).WithContext("status topic " + config_.status_storage_topic));
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.clear();  // history read at start-up is not news
  }
  LookupClusterId();
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void DistributedHerder::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    cv_.notify_all();
    stable_cv_.notify_all();
  }
  member_->Wakeup();
  if (thread_.joinable()) thread_.join();
  worker_->StopAll();
  (void)member_->Leave();
  status_->Flush(5000);
  config_store_->Stop();
  offsets_->Stop();
  status_->Stop();
}

void DistributedHerder::Run() {
  while (true) {
    std::deque<ConfigEvent> events;
    std::deque<std::function<void()>> requests;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] {
        return stop_ || !events_.empty() || !requests_.empty() || need_rejoin_ || member_->RebalanceNeeded();
      });
      if (stop_) break;
      events.swap(events_);
      requests.swap(requests_);
    }
    for (const ConfigEvent& e : events) HandleEvent(e);
    if (need_rejoin_ || member_->RebalanceNeeded()) {
      Status s = Rebalance();
      if (!s.ok()) {
        if (s.code() == Status::Code::kAborted) break;
        LOG_WARN("rebalance failed, retrying: {}", s.ToString());
        need_rejoin_ = true;
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
      }
    }
    for (auto& r : requests) r();
  }
  // Fail queued requests.
  std::deque<std::function<void()>> requests;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests.swap(requests_);
  }
  for (auto& r : requests) r();
}

Status DistributedHerder::Rebalance() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stable_ = false;
  }
  worker_->StopAll();
  {
    std::lock_guard<std::mutex> lock(mu_);
    is_leader_ = false;
  }
  while (true) {
    ClusterConfigState snap = config_store_->Snapshot();
    WorkerMetadata meta;
    meta.url = config_.AdvertisedUrl();
    meta.config_offset = snap.offset;
    ASSIGN_OR_RETURN(auto protocols,
                     distributed::WorkerProtocols(meta, distributed::ConnectProtocolCompatibility::kEager));
    Result<kafka::client::JoinResult> joined = member_->Join(
        protocols,
        [this](const std::string& p, const std::vector<kafka::client::GroupMemberMetadata>& m) {
          return Assign(p, m);
        },
        std::chrono::milliseconds(config_.rebalance_timeout_ms));
    if (!joined.ok()) return joined.status();
    ASSIGN_OR_RETURN(ConnectAssignment a, distributed::DecodeAssignment(joined->assignment));
    if (a.error != distributed::kAssignmentNoError) {
      LOG_INFO("assignment failed (config offset mismatch); reading the config topic and rejoining");
      RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
      continue;
    }
    if (config_store_->Snapshot().offset < a.config_offset)
      RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
    generation_ = joined->generation_id;
    assignment_ = std::move(a);
    assigned_snapshot_ = config_store_->Snapshot();
    need_rejoin_ = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      is_leader_ = joined->is_leader;
      leader_url_ = assignment_.leader_url;
      ready_ = true;
      stable_ = true;
      stable_cv_.notify_all();
    }
    LOG_INFO("joined group {} generation {} as {}{}: {} connector(s), {} task(s)", config_.group_id,
             joined->generation_id, joined->member_id, joined->is_leader ? " (leader)" : "",
             assignment_.connectors.size(), assignment_.tasks.size());
    StartAssigned();
    return Status::OK();
  }
}

Result<std::map<std::string, std::vector<uint8_t>>> DistributedHerder::Assign(
    const std::string& /*protocol*/, const std::vector<kafka::client::GroupMemberMetadata>& members) {
  RETURN_IF_ERROR(config_store_->ReadToEnd(kStoreTimeoutMs));
  ClusterConfigState snap = config_store_->Snapshot();
  std::vector<std::string> ids;
  std::map<std::string, WorkerMetadata> metas;
  for (const auto& m : members) {
    ids.push_back(m.member_id);
    Result<WorkerMetadata> md = distributed::DecodeWorkerMetadata(m.metadata);
    metas[m.member_id] = md.ok() ? *md : WorkerMetadata{};
  }
  std::sort(ids.begin(), ids.end());
  std::map<std::string, ConnectAssignment> out;
  std::string me = member_->member_id();
  for (const auto& id : ids) {
    ConnectAssignment& a = out[id];
    a.leader = me;
    a.leader_url = config_.AdvertisedUrl();
    a.config_offset = snap.offset;
  }
  // Round-robin connectors, then tasks, continuing the rotation so that work spreads evenly.
  size_t next = 0;
  for (const auto& [name, cfg] : snap.connectors) {
    out[ids[next++ % ids.size()]].connectors.push_back(name);
  }
  for (const auto& [name, tasks] : snap.tasks) {
    if (snap.connectors.count(name) == 0) continue;
    for (size_t i = 0; i < tasks.size(); ++i) {
      out[ids[next++ % ids.size()]].tasks.push_back(ConnectorTaskId{name, static_cast<int32_t>(i)});
    }
  }
  std::map<std::string, std::vector<uint8_t>> bytes;
  for (const auto& [id, a] : out) {
    ASSIGN_OR_RETURN(bytes[id], distributed::EncodeAssignment(a));
  }
  return bytes;
}

void DistributedHerder::StartAssigned() {
  const ClusterConfigState& snap = assigned_snapshot_;
  for (const std::string& name : assignment_.connectors) {
    auto it = snap.connectors.find(name);
    if (it == snap.connectors.end()) continue;
    auto& ctx = contexts_[name];
    if (!ctx) ctx = std::make_unique<Context>(this, name);
    TargetState state = snap.StateOf(name);
    Status s = worker_->StartConnector(name, it->second, state, ctx.get());
    if (!s.ok()) {
      LOG_WARN("connector {} failed to start: {}", name, s.ToString());
      continue;
    }
    if (state != TargetState::kStopped) ReconfigureTasks(name);
  }
  for (const ConnectorTaskId& id : assignment_.tasks) {
    auto c = snap.connectors.find(id.connector);
    auto t = snap.tasks.find(id.connector);
    if (c == snap.connectors.end() || t == snap.tasks.end() ||
        id.task >= static_cast<int32_t>(t->second.size()))
      continue;
    Status s = worker_->StartTask(id, c->second, t->second[static_cast<size_t>(id.task)],
                                  snap.StateOf(id.connector));
    if (!s.ok()) LOG_WARN("task {}-{} failed to start: {}", id.connector, id.task, s.ToString());
  }
}

void DistributedHerder::ReconfigureTasks(const std::string& name) {
  ClusterConfigState snap = config_store_->Snapshot();
  if (snap.StateOf(name) == TargetState::kStopped) return;
  Result<std::vector<ConfigMap>> tasks = worker_->ConnectorTaskConfigs(name);
  if (!tasks.ok()) {
    OnConnectorState(name, "FAILED", tasks.status());
    return;
  }
  auto cur = snap.tasks.find(name);
  if (cur != snap.tasks.end() && cur->second == *tasks) return;
  LOG_INFO("connector {}: writing {} task config(s)", name, tasks->size());
  Status s = config_store_->PutTaskConfigs(name, *tasks);
  if (!s.ok()) LOG_WARN("connector {}: cannot write task configs: {}", name, s.ToString());
}

bool DistributedHerder::OwnsConnector(const std::string& name) const {
  return std::find(assignment_.connectors.begin(), assignment_.connectors.end(), name) !=
         assignment_.connectors.end();
}

bool DistributedHerder::OwnsTask(const ConnectorTaskId& id) const {
  return std::find(assignment_.tasks.begin(), assignment_.tasks.end(), id) != assignment_.tasks.end();
}

void DistributedHerder::HandleEvent(const ConfigEvent& e) {
  ClusterConfigState snap = config_store_->Snapshot();
  switch (e.kind) {
    case ConfigEvent::Kind::kConnectorConfig:
      if (assigned_snapshot_.connectors.count(e.connector) == 0) {
        need_rejoin_ = true;  // a new connector needs an owner
      } else if (OwnsConnector(e.connector) && snap.connectors.count(e.connector) > 0) {
        worker_->StopConnector(e.connector);
        auto& ctx = contexts_[e.connector];
        if (!ctx) ctx = std::make_unique<Context>(this, e.connector);
        TargetState state = snap.StateOf(e.connector);
        if (worker_->StartConnector(e.connector, snap.connectors[e.connector], state, ctx.get()).ok() &&
            state != TargetState::kStopped) {
          ReconfigureTasks(e.connector);
        }
      }
      break;
    case ConfigEvent::Kind::kConnectorRemoved:
      if (assigned_snapshot_.connectors.count(e.connector) > 0) need_rejoin_ = true;
      break;
    case ConfigEvent::Kind::kTasksCommitted: {
      auto before = assigned_snapshot_.tasks.find(e.connector);
      auto now = snap.tasks.find(e.connector);
      bool same = before != assigned_snapshot_.tasks.end() && now != snap.tasks.end() &&
                  before->second == now->second;
      if (!same) need_rejoin_ = true;
      break;
    }
    case ConfigEvent::Kind::kTargetState: {
      TargetState state = snap.StateOf(e.connector);
      if (state == TargetState::kStopped) {
        // The leader follows up with an empty task list; stop the connector here at once.
        if (OwnsConnector(e.connector)) {
          worker_->StopConnector(e.connector);
          OnConnectorState(e.connector, "STOPPED", Status::OK());
        }
      } else if (assigned_snapshot_.StateOf(e.connector) == TargetState::kStopped ||
                 (OwnsConnector(e.connector) && !worker_->IsConnectorRunning(e.connector))) {
        // Resumed from STOPPED: the owner starts the connector again and regenerates tasks.
        if (OwnsConnector(e.connector) && snap.connectors.count(e.connector) > 0) {
          auto& ctx = contexts_[e.connector];
          if (!ctx) ctx = std::make_unique<Context>(this, e.connector);
          worker_->StopConnector(e.connector);
          if (worker_->StartConnector(e.connector, snap.connectors[e.connector], state, ctx.get()).ok()) {
            ReconfigureTasks(e.connector);
          }
        }
        assigned_snapshot_.target_states[e.connector] = state;
      } else {
        worker_->SetTargetState(e.connector, state);
        assigned_snapshot_.target_states[e.connector] = state;
      }
      break;
    }
    case ConfigEvent::Kind::kRestartConnector: {
      std::optional<StatusRecord> cs = status_->GetConnector(e.connector);
      if (OwnsConnector(e.connector) && (!e.only_failed || (cs && cs->state == "FAILED"))) {
        OnConnectorState(e.connector, "RESTARTING", Status::OK());
        worker_->StopConnector(e.connector);
        auto& ctx = contexts_[e.connector];
        if (!ctx) ctx = std::make_unique<Context>(this, e.connector);
        if (snap.connectors.count(e.connector) > 0) {
          (void)worker_->StartConnector(e.connector, snap.connectors[e.connector], snap.StateOf(e.connector),
                                        ctx.get());
        }
      }
      if (!e.include_tasks) break;
      for (const ConnectorTaskId& id : assignment_.tasks) {
        if (id.connector != e.connector) continue;
        std::optional<StatusRecord> ts = status_->GetTask(id);
        if (e.only_failed && !(ts && ts->state == "FAILED")) continue;
        OnTaskState(id, "RESTARTING", Status::OK());
        worker_->StopTasks({id});
        auto c = snap.connectors.find(id.connector);
        auto t = snap.tasks.find(id.connector);
        if (c != snap.connectors.end() && t != snap.tasks.end() &&
            id.task < static_cast<int32_t>(t->second.size())) {
          (void)worker_->StartTask(id, c->second, t->second[static_cast<size_t>(id.task)],
                                   snap.StateOf(id.connector));
        }
      }
      break;
    }
    case ConfigEvent::Kind::kRestartTask: {
      ConnectorTaskId id{e.connector, e.task};
      if (!OwnsTask(id)) break;
      worker_->StopTasks({id});
      auto c = snap.connectors.find(id.connector);
      auto t = snap.tasks.find(id.connector);
      if (c != snap.connectors.end() && t != snap.tasks.end() &&
          id.task < static_cast<int32_t>(t->second.size())) {
        (void)worker_->StartTask(id, c->second, t->second[static_cast<size_t>(id.task)],
                                 snap.StateOf(id.connector));
      }
      break;
    }
  }
}

Status DistributedHerder::RunOnHerder(std::function<Status()> fn) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> done = promise->get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return Status::Unavailable("the worker is shutting down");
    requests_.push_back([this, fn = std::move(fn), promise] {
      bool stopping = false;
      {
        std::lock_guard<std::mutex> inner(mu_);
        stopping = stop_;
      }
      promise->set_value(stopping ? Status::Unavailable("the worker is shutting down") : fn());
    });
    cv_.notify_all();
  }
  if (done.wait_for(kRequestTimeout) != std::future_status::ready) {
    return Status::Timeout("Request timed out");
  }
  return done.get();
}

}  // namespace sluice::connect
