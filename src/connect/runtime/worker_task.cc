// WorkerTask: see worker_task.h.
#include "connect/runtime/worker_task.h"

#include "base/logging.h"

namespace sluice::connect {

std::string_view TargetStateName(TargetState s) {
  switch (s) {
    case TargetState::kStarted:
      return "STARTED";
    case TargetState::kPaused:
      return "PAUSED";
    case TargetState::kStopped:
      return "STOPPED";
  }
  return "STARTED";
}

WorkerTask::WorkerTask(TaskSetup setup) : setup_(std::move(setup)), target_(setup_.initial_state) {}

WorkerTask::~WorkerTask() {
  if (thread_.joinable()) thread_.detach();
}

void WorkerTask::Start() {
  auto self = shared_from_this();
  thread_ = std::thread([self] { self->Run(); });
}

void WorkerTask::Run() {
  Status s;
  try {
    s = Execute();
  } catch (const std::exception& e) {
    s = Status::Internal(std::string("task threw: ") + e.what());
  } catch (...) {
    s = Status::Internal("task threw an unknown exception");
  }
  if (!s.ok()) {
    LOG_ERROR("task {}-{} failed: {}", setup_.id.connector, setup_.id.task, s.ToString());
    Report("FAILED", s);
  } else {
    Report("UNASSIGNED");
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  cv_.notify_all();
}

void WorkerTask::SetTargetState(TargetState state) {
  target_ = state;
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

void WorkerTask::RequestStop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

bool WorkerTask::AwaitStop(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  bool done = cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done_; });
  lock.unlock();
  if (done) {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  } else {
    LOG_WARN("task {}-{} did not stop within {} ms; abandoning it", setup_.id.connector, setup_.id.task,
             timeout_ms);
    if (thread_.joinable()) thread_.detach();
  }
  return done;
}

void WorkerTask::WaitFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  TargetState before = target_;
  cv_.wait_for(lock, d, [&] { return stopping() || target_ != before; });
}

bool WorkerTask::AwaitUnpaused(const std::function<void()>& while_paused) {
  while (!stopping() && target_state() != TargetState::kStarted) {
    if (!paused_reported_) {
      paused_reported_ = true;
      Report("PAUSED");
    }
    if (while_paused) {
      while_paused();
    } else {
      WaitFor(std::chrono::milliseconds(500));
    }
  }
  if (paused_reported_ && !stopping()) {
    paused_reported_ = false;
    Report("RUNNING");
  }
  return !stopping();
}

void WorkerTask::Report(std::string_view state, const Status& error) {
  if (setup_.listener != nullptr) setup_.listener->OnTaskState(setup_.id, state, error);
}

namespace {

ConfigMap PrefixedFrom(const ConfigMap& config, std::string_view prefix) {
  ConfigMap out;
  for (const auto& [k, v] : config) {
    if (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0)
      out[k.substr(prefix.size())] = v;
  }
  return out;
}

}  // namespace

Status WorkerTask::InitConverters() {
  const WorkerConfig& w = *setup_.worker;
  const ConnectorConfig& c = setup_.parsed;
  auto make = [&](const std::string& own, const std::string& worker_class, const ConfigMap& worker_props,
                  std::string_view prefix, bool is_key) -> Result<std::unique_ptr<Converter>> {
    const std::string& cls = own.empty() ? worker_class : own;
    const PluginInfo* p = setup_.plugins->Find(cls, {PluginType::kConverter});
    if (p == nullptr) return Status::InvalidArgument("unknown converter class " + cls);
    (is_key ? key_converter_class_ : value_converter_class_) = p->class_name;
    std::unique_ptr<Converter> conv = p->new_converter();
    ConfigMap props = own.empty() ? worker_props : PrefixedFrom(setup_.connector_config, prefix);
    RETURN_IF_ERROR(conv->Configure(props, is_key));
    return conv;
  };
  ASSIGN_OR_RETURN(key_converter_,
                   make(c.key_converter, w.key_converter, w.key_converter_props, "key.converter.", true));
  ASSIGN_OR_RETURN(value_converter_, make(c.value_converter, w.value_converter, w.value_converter_props,
                                          "value.converter.", false));
  const std::string& hcls = c.header_converter.empty() ? w.header_converter : c.header_converter;
  const PluginInfo* hp = setup_.plugins->Find(hcls, {PluginType::kHeaderConverter});
  if (hp == nullptr) return Status::InvalidArgument("unknown header converter class " + hcls);
  header_converter_class_ = hp->class_name;
  header_converter_ = hp->new_header_converter();
  RETURN_IF_ERROR(header_converter_->Configure(
      c.header_converter.empty() ? w.header_converter_props
                                 : PrefixedFrom(setup_.connector_config, "header.converter.")));
  return Status::OK();
}

Status WorkerTask::InitTransforms() {
  ASSIGN_OR_RETURN(TransformationChain chain,
                   TransformationChain::Build(setup_.connector_config, *setup_.plugins));
  transforms_ = std::make_unique<TransformationChain>(std::move(chain));
  return Status::OK();
}

Status WorkerTask::HandleFailure(std::string_view stage, Status first, const std::function<Status()>& op,
                                 Tolerated* t, const std::function<std::string()>& describe) {
  Status s = std::move(first);
  const ConnectorConfig& c = setup_.parsed;
  auto start = std::chrono::steady_clock::now();
  int64_t delay = 300;
  while (!s.ok() && IsRetriable(s) && c.errors_retry_timeout_ms != 0 && !stopping()) {
    auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
            .count();
    if (c.errors_retry_timeout_ms > 0 && elapsed >= c.errors_retry_timeout_ms) break;
    WaitFor(std::chrono::milliseconds(std::min(delay, c.errors_retry_delay_max_ms)));
    delay *= 2;
    s = op();
  }
  if (s.ok()) return s;
  if (c.errors_log_enable) {
    LOG_ERROR(
        "Error encountered in task {}-{}. Executing stage '{}': {}{}", setup_.id.connector, setup_.id.task,
        stage, s.ToString(),
        c.errors_log_include_messages && describe ? std::string(", where record is ") + describe() : "");
  }
  if (c.errors_tolerance_all) {
    t->skipped = true;
    t->error = std::move(s);
    return Status::OK();
  }
  return s.WithContext(std::string("Tolerance exceeded in error handler (stage ") + std::string(stage) + ")");
}

}  // namespace sluice::connect
