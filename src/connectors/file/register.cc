// RegisterFileConnectors. See register.h.
#include "connectors/file/register.h"

#include <memory>

#include "connectors/file/file_stream_sink.h"
#include "connectors/file/file_stream_source.h"

namespace sluice::connectors {

void RegisterFileConnectors(connect::PluginRegistry& registry) {
  connect::PluginInfo source;
  source.class_name = std::string(FileStreamSourceConnector::kClassName);
  source.aliases = {"FileStreamSource", "FileStreamSourceConnector"};
  source.type = connect::PluginType::kSource;
  source.new_connector = [] { return std::make_unique<FileStreamSourceConnector>(); };
  source.new_task = [] { return std::make_unique<FileStreamSourceTask>(); };
  registry.Add(std::move(source));

  connect::PluginInfo sink;
  sink.class_name = std::string(FileStreamSinkConnector::kClassName);
  sink.aliases = {"FileStreamSink", "FileStreamSinkConnector"};
  sink.type = connect::PluginType::kSink;
  sink.new_connector = [] { return std::make_unique<FileStreamSinkConnector>(); };
  sink.new_task = [] { return std::make_unique<FileStreamSinkTask>(); };
  registry.Add(std::move(sink));
}

}  // namespace sluice::connectors
