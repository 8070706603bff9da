// Topic catalog. Thread-safety: see topics.h.
#include "broker/core/topics.h"

namespace sluice::broker {

Status ValidateTopicName(const std::string& name) {
  if (name.empty()) return Status::InvalidArgument("Topic name is illegal, it can't be empty");
  if (name == "." || name == "..") return Status::InvalidArgument("Topic name cannot be \".\" or \"..\"");
  if (name.size() > 249) {
    return Status::InvalidArgument(
        "Topic name is illegal, it can't be longer than 249 characters, topic name: " + name);
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "Topic name \"" + name +
          "\" is illegal, it contains a character other than ASCII alphanumerics, '.', "
          "'_' and '-'");
    }
  }
  return Status::OK();
}

const TopicInfo* TopicCatalog::Find(const std::string& name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

const TopicInfo* TopicCatalog::FindById(const kafka::Uuid& id) const {
  for (const auto& [name, t] : topics_) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const TopicInfo& TopicCatalog::Add(TopicInfo info) {
  std::string name = info.name;
  return topics_[name] = std::move(info);
}

void TopicCatalog::Remove(const std::string& name) { topics_.erase(name); }

TopicInfo* TopicCatalog::Mutable(const std::string& name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

std::vector<const TopicInfo*> TopicCatalog::All() const {
  std::vector<const TopicInfo*> out;
  out.reserve(topics_.size());
  for (const auto& [name, t] : topics_) out.push_back(&t);
  return out;
}

}  // namespace sluice::broker
