// Helpers for source partition/offset maps. See record.h.
#include "connect/api/record.h"

#include <string_view>

namespace sluice::connect {

Value StringMap(std::initializer_list<std::pair<std::string, std::string>> entries) {
  Map map;
  map.reserve(entries.size());
  for (const auto& [k, v] : entries) map.push_back(MapEntry{Value(k), Value(v)});
  return Value(std::move(map));
}

const Value* MapGet(const Value& map, std::string_view key) {
  const Map* m = map.get_if<Map>();
  if (m == nullptr) return nullptr;
  for (const MapEntry& e : *m) {
    const std::string* k = e.key.get_if<std::string>();
    if (k != nullptr && *k == key) return &e.value;
  }
  return nullptr;
}

}  // namespace sluice::connect
