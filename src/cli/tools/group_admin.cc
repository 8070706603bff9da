// Consumer-group admin calls over librdkafka (the others are in group_admin_native.cc). Thread-safety: see
// group_admin.h.
#include "cli/tools/group_admin.h"

#include "cli/tools/tool_support.h"

namespace sluice::cli::tools {
namespace {

std::vector<TopicPartition> ToVector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  for (int i = 0; i < list->cnt; ++i) out.emplace_back(list->elems[i].topic, list->elems[i].partition);
  return out;
}

}  // namespace

Result<std::vector<GroupDescription>> DescribeGroups(rd_kafka_t* rk, const std::vector<std::string>& ids,
                                                     std::chrono::milliseconds timeout) {
  std::vector<const char*> names;
  for (const auto& id : ids) names.push_back(id.c_str());
  ASSIGN_OR_RETURN(EventPtr ev, RunAdmin(rk, timeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                     rd_kafka_DescribeConsumerGroups(rk, names.data(), names.size(), o, q);
                   }));
  RETURN_IF_ERROR(EventStatus(ev.get()));
  size_t n = 0;
  const rd_kafka_ConsumerGroupDescription_t** groups = rd_kafka_DescribeConsumerGroups_result_groups(
      rd_kafka_event_DescribeConsumerGroups_result(ev.get()), &n);
  std::vector<GroupDescription> out;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_ConsumerGroupDescription_t* g = groups[i];
    GroupDescription d;
    d.group_id = rd_kafka_ConsumerGroupDescription_group_id(g);
    if (const rd_kafka_error_t* e = rd_kafka_ConsumerGroupDescription_error(g)) {
      if (rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
        return Status::Unavailable(ErrorText(rd_kafka_error_code(e), rd_kafka_error_string(e)));
      }
      d.state = "Dead";
      out.push_back(std::move(d));
      continue;
    }
    d.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
    const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(g);
    d.assignor = assignor ? assignor : "";
    if (const rd_kafka_Node_t* node = rd_kafka_ConsumerGroupDescription_coordinator(g)) {
      d.coordinator_host = rd_kafka_Node_host(node);
      d.coordinator_port = rd_kafka_Node_port(node);
      d.coordinator_id = rd_kafka_Node_id(node);
    }
    for (size_t m = 0; m < rd_kafka_ConsumerGroupDescription_member_count(g); ++m) {
      const rd_kafka_MemberDescription_t* md = rd_kafka_ConsumerGroupDescription_member(g, m);
      GroupMember member;
      member.consumer_id = rd_kafka_MemberDescription_consumer_id(md);
      member.client_id = rd_kafka_MemberDescription_client_id(md);
      member.host = rd_kafka_MemberDescription_host(md);
      const char* instance = rd_kafka_MemberDescription_group_instance_id(md);
      member.group_instance_id = instance ? instance : "";
      if (const rd_kafka_MemberAssignment_t* a = rd_kafka_MemberDescription_assignment(md)) {
        member.assignment = ToVector(rd_kafka_MemberAssignment_partitions(a));
      }
      d.members.push_back(std::move(member));
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::map<TopicPartition, int64_t> LogOffsets(rd_kafka_t* rk, const std::vector<TopicPartition>& partitions,
                                             bool earliest, std::chrono::milliseconds timeout) {
  std::map<TopicPartition, int64_t> out;
  for (const auto& [topic, partition] : partitions) {
    int64_t low = -1;
    int64_t high = -1;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high,
                                         static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out[{topic, partition}] = earliest ? low : high;
    }
  }
  return out;
}

Status CommitOffsets(rd_kafka_t* rk, const std::string& group,
                     const std::map<TopicPartition, int64_t>& offsets, std::chrono::milliseconds timeout) {
  if (offsets.empty()) return Status::OK();
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = offset;
  }
  rd_kafka_AlterConsumerGroupOffsets_t* req = rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list);
  rd_kafka_topic_partition_list_destroy(list);
  auto ev = RunAdmin(rk, timeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_AlterConsumerGroupOffsets(rk, &req, 1, o, q);
  });
  rd_kafka_AlterConsumerGroupOffsets_destroy(req);
  if (!ev.ok()) return ev.status();
  RETURN_IF_ERROR(EventStatus(ev->get()));
  size_t n = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i])) {
      return Status::Unavailable(ErrorText(rd_kafka_error_code(e), rd_kafka_error_string(e)));
    }
    const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[i]);
    for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
      if (parts->elems[p].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status::Unavailable(ErrorText(parts->elems[p].err));
      }
    }
  }
  return Status::OK();
}

Result<std::vector<std::pair<std::string, std::string>>> DeleteGroups(rd_kafka_t* rk,
                                                                      const std::vector<std::string>& ids,
                                                                      std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_DeleteGroup_t*> del;
  for (const auto& id : ids) del.push_back(rd_kafka_DeleteGroup_new(id.c_str()));
  auto ev = RunAdmin(rk, timeout, [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
    rd_kafka_DeleteGroups(rk, del.data(), del.size(), o, q);
  });
  rd_kafka_DeleteGroup_destroy_array(del.data(), del.size());
  if (!ev.ok()) return ev.status();
  RETURN_IF_ERROR(EventStatus(ev->get()));
  size_t n = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev->get()), &n);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[i]);
    out.emplace_back(rd_kafka_group_result_name(groups[i]),
                     e ? ErrorText(rd_kafka_error_code(e), rd_kafka_error_string(e)) : std::string());
  }
  return out;
}

}  // namespace sluice::cli::tools
