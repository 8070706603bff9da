// Kafka's DefaultMessageFormatter, as kafka-console-consumer prints records: optional columns
// timestamp ("CreateTime:1538737871000"), "Partition:0", "Offset:5", headers ("k1:v1,k2:v2" or
// "NO_HEADERS"), key, then the value, separated by key.separator (tab) and ended by line.separator;
// null keys and values print as null.literal ("null"). Configured by --property print.key=true etc.
// The Java deserializer classes for numbers (IntegerDeserializer, LongDeserializer, ...) are understood;
// any other class prints the bytes as they are (as StringDeserializer does for UTF-8).
//
// Thread-safety: a MessageFormat is an immutable value after construction.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "base/properties.h"
#include "base/status.h"

namespace sluice::cli::tools {

class MessageFormat {
 public:
  // From the formatter properties (--property, --formatter-config). Unknown deserializer classes are
  // reported on stderr as Kafka does ("Unable to instantiate a deserializer from ...") and ignored.
  static MessageFormat FromProperties(const Properties& props);

  // The bytes for one record; InvalidArgument when a deserializer cannot read the key or value (e.g.
  // IntegerDeserializer given 3 bytes), as Kafka's SerializationException.
  Result<std::string> Format(const rd_kafka_message_t* msg) const;

 private:
  enum class Deserializer { kBytes, kShort, kInteger, kLong, kFloat, kDouble };

  static Deserializer DeserializerFor(const Properties& props, const char* key);
  Status AppendDeserialized(Deserializer d, const void* data, size_t size, std::string* out) const;

  bool print_timestamp_ = false;
  bool print_key_ = false;
  bool print_value_ = true;
  bool print_partition_ = false;
  bool print_offset_ = false;
  bool print_headers_ = false;
  std::string key_separator_ = "\t";
  std::string line_separator_ = "\n";
  std::string headers_separator_ = ",";
  std::string null_literal_ = "null";
  Deserializer key_deserializer_ = Deserializer::kBytes;
  Deserializer value_deserializer_ = Deserializer::kBytes;
  Deserializer headers_deserializer_ = Deserializer::kBytes;
};

}  // namespace sluice::cli::tools
