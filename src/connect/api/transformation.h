// Single Message Transformations and their predicates (Kafka's Transformation and Predicate): a
// transformation rewrites a record in place or drops it; a predicate decides whether a transformation
// applies. They see the ConnectRecord part, so one implementation serves sources and sinks.
//
// Thread-safety: one instance per task, called from the task's thread.
#pragma once

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/connector.h"
#include "connect/api/record.h"

namespace sluice::connect {

class Transformation {
 public:
  virtual ~Transformation() = default;
  virtual const ConfigDef& config() const = 0;
  virtual Status Configure(const ConfigMap& props) = 0;
  // Rewrites `record` in place. Returns false to drop it, an error if it cannot be transformed.
  virtual Result<bool> Apply(ConnectRecord& record) = 0;
};

class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual const ConfigDef& config() const = 0;
  virtual Status Configure(const ConfigMap& props) = 0;
  virtual bool Test(const ConnectRecord& record) const = 0;
};

}  // namespace sluice::connect
