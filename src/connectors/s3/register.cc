// RegisterS3Connectors. See register.h.
#include "connectors/s3/register.h"

#include <memory>

#include "connectors/s3/s3_sink.h"

namespace sluice::connectors {

void RegisterS3Connectors(connect::PluginRegistry& registry) {
  connect::PluginInfo sink;
  sink.class_name = std::string(s3::S3SinkConnector::kClassName);
  sink.aliases = {"S3SinkConnector", "S3Sink"};
  sink.type = connect::PluginType::kSink;
  sink.version = "10.5.0";
  sink.new_connector = [] { return std::make_unique<s3::S3SinkConnector>(); };
  sink.new_task = [] { return std::make_unique<s3::S3SinkTask>(); };
  registry.Add(std::move(sink));
}

}  // namespace sluice::connectors
