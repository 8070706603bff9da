// Factories of Kafka Connect's built-in Single Message Transformations and predicates
// (org.apache.kafka.connect.transforms.*). Each returns a new, unconfigured instance; call Configure()
// with the transformation's own keys (without the "transforms.<alias>." prefix). The runtime normally
// creates them through the PluginRegistry (register.h) and TransformationChain (chain.h).
//
// Thread-safety: an instance (and its schema cache) belongs to one task and is used from its thread.
#pragma once

#include <memory>

#include "connect/api/record.h"
#include "connect/api/transformation.h"
#include "connect/transforms/util.h"

namespace sluice::connect::transforms {

// Implemented by transformations that read SinkRecord-only fields (InsertField's offset.field):
// TransformationChain::Apply(SinkRecord&) calls ApplyToSink instead of Apply. Apply on a plain
// ConnectRecord then fails as Kafka's requireSinkRecord does.
class SinkAwareTransformation {
 public:
  virtual ~SinkAwareTransformation() = default;
  virtual Result<bool> ApplyToSink(SinkRecord& record) = 0;
};

std::unique_ptr<Transformation> NewValueToKey();
std::unique_ptr<Transformation> NewExtractField(Side side);
std::unique_ptr<Transformation> NewHoistField(Side side);
std::unique_ptr<Transformation> NewInsertField(Side side);
std::unique_ptr<Transformation> NewReplaceField(Side side);
std::unique_ptr<Transformation> NewMaskField(Side side);
std::unique_ptr<Transformation> NewCast(Side side);
std::unique_ptr<Transformation> NewFlatten(Side side);
std::unique_ptr<Transformation> NewTimestampConverter(Side side);
std::unique_ptr<Transformation> NewRegexRouter();
std::unique_ptr<Transformation> NewTimestampRouter();
std::unique_ptr<Transformation> NewFilter();

std::unique_ptr<Predicate> NewTopicNameMatches();
std::unique_ptr<Predicate> NewHasHeaderKey();
std::unique_ptr<Predicate> NewRecordIsTombstone();

}  // namespace sluice::connect::transforms
