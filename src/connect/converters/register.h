// Registers the built-in converters with the plugin registry, under their Kafka class names and simple
// names: JsonConverter, StringConverter, ByteArrayConverter, ShortConverter, IntegerConverter,
// LongConverter, FloatConverter, DoubleConverter (each as a Converter and, as in Kafka, also as a
// HeaderConverter) and SimpleHeaderConverter (header converter only).
//
// Thread-safety: call RegisterConverters at start-up, before the registry is shared.
#pragma once

#include <memory>

#include "connect/api/converter.h"
#include "connect/api/plugin.h"

namespace sluice::connect {

void RegisterConverters(PluginRegistry& registry);

// A Converter used as a HeaderConverter (Kafka's converters implement both): Configure(props) is
// Configure(props, /*is_key=*/false) and header conversions are value conversions.
std::unique_ptr<HeaderConverter> AsHeaderConverter(std::unique_ptr<Converter> converter);

}  // namespace sluice::connect
