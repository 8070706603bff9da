// The built-in plugin registry: see plugins.h.
#include "connect/runtime/plugins.h"

#include "connect/converters/register.h"
#include "connect/transforms/register.h"
#include "connectors/file/register.h"
#include "connectors/s3/register.h"
#include "connectors/generator/generator.h"
#include "connectors/jdbc/register.h"

namespace sluice::connect {

const PluginRegistry& BuiltinPlugins() {
  static const PluginRegistry registry = [] {
    PluginRegistry r;
    RegisterConverters(r);
    RegisterTransforms(r);
    connectors::RegisterFileConnectors(r);
    connectors::RegisterS3Connectors(r);
    RegisterGeneratorConnectors(r);
    connectors::RegisterJdbcConnectors(r);
    return r;
  }();
  return registry;
}

}  // namespace sluice::connect
