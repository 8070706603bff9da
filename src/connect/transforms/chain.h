// The transformation chain of a connector, built from its config as Kafka's ConnectorConfig does:
//   transforms=a,b
//   transforms.a.type=<class name or alias>       transforms.a.<key>=...   (the transformation's config)
//   transforms.a.predicate=p                      transforms.a.negate=true (optional)
//   predicates=p
//   predicates.p.type=<class name or alias>       predicates.p.<key>=...
// Each transformation gets its own predicate instance. A record goes through the stages in order; a
// stage with a predicate runs only when test(record) XOR negate; a stage that drops the record (or
// fails) ends the chain.
//
// Thread-safety: a chain belongs to one task; Apply must not be called concurrently.
// ValidateChainConfig and Build are thread-safe (they only read the registry).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/config_def.h"
#include "base/status.h"
#include "connect/api/plugin.h"
#include "connect/api/record.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect {

class TransformationChain {
 public:
  TransformationChain() = default;  // no stages: Apply keeps every record as it is
  TransformationChain(TransformationChain&&) noexcept = default;
  TransformationChain& operator=(TransformationChain&&) noexcept = default;

  // InvalidArgument naming the offending keys (all errors of ValidateChainConfig, "; "-joined).
  static Result<TransformationChain> Build(const ConfigMap& connector_config, const PluginRegistry& registry);

  // Runs the stages on `record` in place. false: a stage dropped it. Errors name the stage.
  Result<bool> Apply(ConnectRecord& record);
  // The same for sink records: transformations that need SinkRecord fields (InsertField's
  // offset.field) get them.
  Result<bool> Apply(SinkRecord& record);

  size_t size() const { return stages_.size(); }
  bool empty() const { return stages_.empty(); }

 private:
  struct Stage {
    std::string alias;
    std::string class_name;
    std::unique_ptr<Transformation> transformation;
    transforms::SinkAwareTransformation* sink_aware = nullptr;  // transformation, if it is one
    std::unique_ptr<Predicate> predicate;                       // nullptr: always applies
    bool negate = false;
  };
  template <typename R>
  Result<bool> Run(R& record);

  std::vector<Stage> stages_;
};

// Validates the transforms/predicates part of a connector config for the REST validate endpoint: one
// row per key (transforms, predicates, transforms.<a>.type/.predicate/.negate and the transformation's
// own keys, predicates.<p>.type and the predicate's keys), with Kafka-style messages. Errors of a
// plugin's Configure (cross-key checks) are reported on its ".type" row.
std::vector<ConfigValidation> ValidateChainConfig(const ConfigMap& connector_config,
                                                  const PluginRegistry& registry);

}  // namespace sluice::connect
