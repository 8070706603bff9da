// meta.properties. Thread-safety: see meta_properties.h.
#include "broker/core/meta_properties.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/properties.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker {

Result<std::string> LoadOrCreateMetaProperties(const std::string& dir, int32_t node_id,
                                               const std::string& configured) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create log directory " + dir + ": " + ec.message());
  const std::string path = dir + "/meta.properties";
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(Properties props, LoadPropertiesFile(path));
    const std::string* cluster = props.Find("cluster.id");
    const std::string* node = props.Find("node.id");
    if (cluster == nullptr || cluster->empty()) return Status::Corruption(path + " has no cluster.id");
    if (!configured.empty() && configured != *cluster) {
      return Status::InvalidArgument("cluster.id " + configured + " does not match " + *cluster +
                                     " stored in " + path);
    }
    if (node != nullptr && *node != std::to_string(node_id)) {
      return Status::InvalidArgument("node.id " + std::to_string(node_id) + " does not match " + *node +
                                     " stored in " + path);
    }
    return *cluster;
  }
  const std::string cluster = configured.empty() ? kafka::Uuid::Random().ToBase64() : configured;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "#\n# Written by Sluice on first start; do not edit.\nversion=1\ncluster.id=" << cluster
        << "\nnode.id=" << node_id << "\n";
    if (!out.flush()) return Status::IOError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename " + tmp, errno);
  return cluster;
}

}  // namespace sluice::broker
