// Config providers: see config_provider.h.
#include "connect/runtime/config_provider.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "base/properties.h"

namespace sluice::connect {

Result<ConfigProviders> ConfigProviders::Create(const ConfigMap& worker_props) {
  ConfigProviders p;
  auto list = worker_props.find("");
  if (list == worker_props.end()) return p;
  std::stringstream ss(list->second);
  std::string name;
  while (std::getline(ss, name, ',')) {
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) continue;
    auto cls = worker_props.find(name + ".class");
    if (cls == worker_props.end()) {
      return Status::InvalidArgument("config.providers." + name + ".class is not set");
    }
    const std::string& c = cls->second;
    auto is = [&](std::string_view simple) {
      return c == simple || c == "org.apache.kafka.common.config.provider." + std::string(simple);
    };
    if (is("FileConfigProvider")) {
      p.providers_[name] = Kind::kFile;
    } else if (is("EnvVarConfigProvider")) {
      p.providers_[name] = Kind::kEnv;
    } else if (is("DirectoryConfigProvider")) {
      p.providers_[name] = Kind::kDirectory;
    } else {
      return Status::InvalidArgument(
          "config.providers." + name + ".class: unknown config provider " + c +
          " (known: FileConfigProvider, EnvVarConfigProvider, DirectoryConfigProvider)");
    }
  }
  return p;
}

Result<std::string> ConfigProviders::Lookup(Kind kind, const std::string& path,
                                            const std::string& key) const {
  switch (kind) {
    case Kind::kEnv: {
      const char* v = std::getenv(key.c_str());
      if (v == nullptr) return Status::NotFound("environment variable " + key + " is not set");
      return std::string(v);
    }
    case Kind::kFile: {
      ASSIGN_OR_RETURN(Properties props, LoadPropertiesFile(path));
      std::optional<std::string> v = props.Get(key);
      if (!v) return Status::NotFound("key " + key + " not found in " + path);
      return *v;
    }
    case Kind::kDirectory: {
      std::ifstream in(path + "/" + key, std::ios::binary);
      if (!in) return Status::NotFound("cannot read " + path + "/" + key);
      std::stringstream buf;
      buf << in.rdbuf();
      return buf.str();
    }
  }
  return Status::Internal("unknown provider kind");
}

namespace {

// Kafka's ConfigTransformer.DEFAULT_PATTERN: ${provider:[path:]key}.
const std::regex& ReferencePattern() {
  static const std::regex kRef(R"(\$\{([^}:]*?):(([^}]*?):)?([^}]*?)\})");
  return kRef;
}

}  // namespace

Result<ConfigMap> ConfigProviders::Resolve(const ConfigMap& config) const {
  if (providers_.empty()) return config;
  const std::regex& kRef = ReferencePattern();
  ConfigMap out;
  for (const auto& [k, v] : config) {
    std::string result;
    auto begin = std::sregex_iterator(v.begin(), v.end(), kRef);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      result.append(v, last, static_cast<size_t>(m.position(0)) - last);
      last = static_cast<size_t>(m.position(0) + m.length(0));
      auto p = providers_.find(m[1].str());
      if (p == providers_.end()) {
        result += m[0].str();
        continue;
      }
      Result<std::string> r = Lookup(p->second, m[3].str(), m[4].str());
      if (!r.ok()) return r.status().WithContext("config " + k + " (" + m[0].str() + ")");
      result += *r;
    }
    result.append(v, last, std::string::npos);
    out[k] = std::move(result);
  }
  return out;
}

ConfigMap ConfigProviders::Unresolve(const ConfigMap& raw_connector_config,
                                     const ConfigMap& resolved_connector_config, ConfigMap task_config) {
  for (const auto& [k, raw] : raw_connector_config) {
    auto task = task_config.find(k);
    auto resolved = resolved_connector_config.find(k);
    if (task == task_config.end() || resolved == resolved_connector_config.end()) continue;
    if (task->second == resolved->second && std::regex_search(raw, ReferencePattern())) task->second = raw;
  }
  return task_config;
}

}  // namespace sluice::connect
