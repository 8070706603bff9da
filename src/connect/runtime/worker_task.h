// WorkerTask: what source and sink tasks share in the worker: the thread, the target state
// (started/paused), stopping, status reporting, converters, the transformation chain and the error
// handling policy (errors.tolerance, errors.retry.*, errors.log.*).
//
// Thread-safety: SetTargetState/RequestStop/AwaitStop may be called from any thread; everything else
// runs on the task's own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "connect/api/converter.h"
#include "connect/api/plugin.h"
#include "connect/api/task.h"
#include "connect/runtime/connector_config.h"
#include "connect/runtime/herder.h"
#include "connect/runtime/worker_config.h"
#include "connect/transforms/chain.h"

namespace sluice::connect {

enum class TargetState { kStarted, kPaused, kStopped };
std::string_view TargetStateName(TargetState s);  // "STARTED", "PAUSED", "STOPPED"

// Told of every task state change; "RUNNING", "PAUSED", "FAILED" (with the error), "UNASSIGNED" when
// the task stopped.
class TaskStatusListener {
 public:
  virtual ~TaskStatusListener() = default;
  virtual void OnTaskState(const ConnectorTaskId& id, std::string_view state, const Status& error) = 0;
};

// Everything a task needs besides its own config.
struct TaskSetup {
  ConnectorTaskId id;
  const WorkerConfig* worker = nullptr;
  const PluginRegistry* plugins = nullptr;
  ConfigMap connector_config;  // with config provider references resolved
  ConfigMap task_config;
  ConnectorConfig parsed;
  TaskStatusListener* listener = nullptr;
  TargetState initial_state = TargetState::kStarted;
};

class WorkerTask : public std::enable_shared_from_this<WorkerTask> {
 public:
  explicit WorkerTask(TaskSetup setup);
  virtual ~WorkerTask();

  const ConnectorTaskId& id() const { return setup_.id; }
  // Starts the task's thread.
  void Start();
  void SetTargetState(TargetState state);
  // Asks the task to stop; returns at once.
  virtual void RequestStop();
  // Waits up to timeout for the thread to end; false if it did not (the task is then abandoned and
  // finishes on its own).
  bool AwaitStop(int64_t timeout_ms);

 protected:
  // The task body; returns when stopping or failed. Errors are reported as FAILED.
  virtual Status Execute() = 0;

  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  TargetState target_state() const { return target_.load(std::memory_order_relaxed); }
  // Sleeps until the deadline, a state change or stop.
  void WaitFor(std::chrono::milliseconds d);
  // Blocks while paused (reporting PAUSED / RUNNING on the transitions). Returns false if stopping.
  bool AwaitUnpaused(const std::function<void()>& while_paused = {});
  void Report(std::string_view state, const Status& error = Status::OK());

  // Converters and transforms from the connector config, falling back to the worker's.
  Status InitConverters();
  Status InitTransforms();

  // What WithTolerance tells about a failure it tolerated.
  struct Tolerated {
    bool skipped = false;  // errors.tolerance=all let the record through as skipped
    Status error;          // why
  };
  // Runs `op` under errors.retry.timeout/errors.retry.delay.max.ms for retriable errors. When it still
  // fails: the failure is logged when errors.log.enable (with describe() of the record when
  // errors.log.include.messages); with errors.tolerance=all `t->skipped` is set and OK returned (the
  // caller skips the record), otherwise the error is returned. The success path is inline and
  // allocation-free (it runs for every record).
  template <typename Op, typename Describe>
  Status WithTolerance(std::string_view stage, Op&& op, Tolerated* t, Describe&& describe) {
    t->skipped = false;
    Status s = op();
    if (s.ok()) return s;
    return HandleFailure(stage, std::move(s), std::function<Status()>(std::forward<Op>(op)), t,
                         std::function<std::string()>(std::forward<Describe>(describe)));
  }
  Status HandleFailure(std::string_view stage, Status first, const std::function<Status()>& retry,
                       Tolerated* t, const std::function<std::string()>& describe);
  // Class names of the converters in use (for dead letter headers).
  std::string key_converter_class_;
  std::string value_converter_class_;
  std::string header_converter_class_;

  TaskSetup setup_;
  std::unique_ptr<Converter> key_converter_;
  std::unique_ptr<Converter> value_converter_;
  std::unique_ptr<HeaderConverter> header_converter_;
  std::unique_ptr<TransformationChain> transforms_;

 private:
  void Run();
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<TargetState> target_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool paused_reported_ = false;
};

}  // namespace sluice::connect
