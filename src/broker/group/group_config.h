// GroupConfig: the broker settings that shape the classic group coordinator (Kafka's group.* and
// offsets.* broker configs, with Kafka's defaults).
//
// Thread-safety: a plain value; copy it freely.
#pragma once

#include <climits>
#include <cstdint>

namespace sluice::broker::group {

struct GroupConfig {
  // group.initial.rebalance.delay.ms: how long a new (Empty) group waits for more members before the
  // first rebalance completes; extended by the same delay whenever a member joins meanwhile, up to the
  // group's rebalance timeout.
  int32_t initial_rebalance_delay_ms = 3000;
  // group.min.session.timeout.ms / group.max.session.timeout.ms: bounds on a member's session timeout;
  // a JoinGroup outside them gets INVALID_SESSION_TIMEOUT.
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  // group.max.size: members per group; more get GROUP_MAX_SIZE_REACHED.
  int32_t max_group_size = INT_MAX;
  // offsets.topic.num.partitions: partitions of __consumer_offsets (used to place a group's records).
  int32_t offsets_topic_num_partitions = 50;
  // offset.metadata.max.bytes: longer commit metadata gets OFFSET_METADATA_TOO_LARGE.
  int32_t offset_metadata_max_bytes = 4096;
  // How long a new member's JoinGroup may wait in a rebalance before the member is dropped (Kafka's
  // fixed 5 minutes, GroupCoordinator.NewMemberJoinTimeoutMs); configurable for tests.
  int32_t new_member_join_timeout_ms = 5 * 60 * 1000;
  // offsets.retention.minutes (in ms): committed offsets of a group that has been Empty this long are
  // deleted (with the group); offsets committed without a group (assign() consumers) expire this long
  // after their commit. Kafka's default: 7 days.
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
  // offsets.retention.check.interval.ms: how often expiry runs. <= 0: never.
  int64_t offsets_retention_check_interval_ms = 600000;
};

}  // namespace sluice::broker::group
