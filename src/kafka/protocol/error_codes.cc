// Kafka error code table. Thread-safety: see error_codes.h.
#include "kafka/protocol/error_codes.h"

#include <array>

namespace sluice::kafka {
namespace {

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  bool retriable;
  std::string_view message;
};

constexpr int16_t kMinKnownErrorCode = -1;

// Indexed by code - kMinKnownErrorCode; every code from -1 to kMaxKnownErrorCode in order.
constexpr std::array<ErrorInfo, kMaxKnownErrorCode - kMinKnownErrorCode + 1> kErrors = {{
    {ErrorCode::kUnknownServerError, "UNKNOWN_SERVER_ERROR", false,
     "The server hit an unexpected error while processing the request."},
    {ErrorCode::kNone, "NONE", false, ""},
    {ErrorCode::kOffsetOutOfRange, "OFFSET_OUT_OF_RANGE", false,
     "The requested offset is outside the range held by the server."},
    {ErrorCode::kCorruptMessage, "CORRUPT_MESSAGE", true,
     "The message failed its CRC check, is too large or is otherwise corrupt."},
    {ErrorCode::kUnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true,
     "This server does not host this topic-partition."},
    {ErrorCode::kInvalidFetchSize, "INVALID_FETCH_SIZE", false, "The requested fetch size is invalid."},
    {ErrorCode::kLeaderNotAvailable, "LEADER_NOT_AVAILABLE", true,
     "The partition has no leader; an election is in progress."},
    {ErrorCode::kNotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER", true,
     "This broker is not the leader (or not a replica) of the partition."},
    {ErrorCode::kRequestTimedOut, "REQUEST_TIMED_OUT", true, "The request timed out."},
    {ErrorCode::kBrokerNotAvailable, "BROKER_NOT_AVAILABLE", false, "The broker is not available."},
    {ErrorCode::kReplicaNotAvailable, "REPLICA_NOT_AVAILABLE", true,
     "The replica is not available for the requested topic-partition."},
    {ErrorCode::kMessageTooLarge, "MESSAGE_TOO_LARGE", false,
     "The message is larger than the maximum the server accepts."},
    {ErrorCode::kStaleControllerEpoch, "STALE_CONTROLLER_EPOCH", false,
     "The controller moved to another broker."},
    {ErrorCode::kOffsetMetadataTooLarge, "OFFSET_METADATA_TOO_LARGE", false,
     "The offset commit metadata is too large."},
    {ErrorCode::kNetworkException, "NETWORK_EXCEPTION", true,
     "The server disconnected before a response was received."},
    {ErrorCode::kCoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS", true,
     "The coordinator is still loading and cannot serve requests yet."},
    {ErrorCode::kCoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE", true,
     "The coordinator is not available."},
    {ErrorCode::kNotCoordinator, "NOT_COORDINATOR", true, "This broker is not the coordinator."},
    {ErrorCode::kInvalidTopicException, "INVALID_TOPIC_EXCEPTION", false,
     "The topic name is invalid for this operation."},
    {ErrorCode::kRecordListTooLarge, "RECORD_LIST_TOO_LARGE", false,
     "The record batch is larger than the segment size."},
    {ErrorCode::kNotEnoughReplicas, "NOT_ENOUGH_REPLICAS", true,
     "Rejected: fewer in-sync replicas than required."},
    {ErrorCode::kNotEnoughReplicasAfterAppend, "NOT_ENOUGH_REPLICAS_AFTER_APPEND", true,
     "Written, but to fewer in-sync replicas than required."},
    {ErrorCode::kInvalidRequiredAcks, "INVALID_REQUIRED_ACKS", false,
     "The produce request has an invalid acks value."},
    {ErrorCode::kIllegalGeneration, "ILLEGAL_GENERATION", false, "The group generation id is not valid."},
    {ErrorCode::kInconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL", false,
     "The member's protocols do not match the group's."},
    {ErrorCode::kInvalidGroupId, "INVALID_GROUP_ID", false, "The group id is invalid."},
    {ErrorCode::kUnknownMemberId, "UNKNOWN_MEMBER_ID", false, "The coordinator does not know this member."},
    {ErrorCode::kInvalidSessionTimeout, "INVALID_SESSION_TIMEOUT", false,
     "The session timeout is outside the broker's allowed range."},
    {ErrorCode::kRebalanceInProgress, "REBALANCE_IN_PROGRESS", false,
     "The group is rebalancing; the member must rejoin."},
    {ErrorCode::kInvalidCommitOffsetSize, "INVALID_COMMIT_OFFSET_SIZE", false,
     "The committed offset data size is not valid."},
    {ErrorCode::kTopicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED", false,
     "Topic authorization failed."},
    {ErrorCode::kGroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", false,
     "Group authorization failed."},
    {ErrorCode::kClusterAuthorizationFailed, "CLUSTER_AUTHORIZATION_FAILED", false,
     "Cluster authorization failed."},
    {ErrorCode::kInvalidTimestamp, "INVALID_TIMESTAMP", false,
     "The message timestamp is out of the acceptable range."},
    {ErrorCode::kUnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM", false,
     "The broker does not support the requested SASL mechanism."},
    {ErrorCode::kIllegalSaslState, "ILLEGAL_SASL_STATE", false,
     "The request is not valid in the current SASL state."},
    {ErrorCode::kUnsupportedVersion, "UNSUPPORTED_VERSION", false, "The API version is not supported."},
    {ErrorCode::kTopicAlreadyExists, "TOPIC_ALREADY_EXISTS", false, "A topic with this name already exists."},
    {ErrorCode::kInvalidPartitions, "INVALID_PARTITIONS", false, "The number of partitions is invalid."},
    {ErrorCode::kInvalidReplicationFactor, "INVALID_REPLICATION_FACTOR", false,
     "The replication factor is invalid."},
    {ErrorCode::kInvalidReplicaAssignment, "INVALID_REPLICA_ASSIGNMENT", false,
     "The replica assignment is invalid."},
    {ErrorCode::kInvalidConfig, "INVALID_CONFIG", false, "The configuration is invalid."},
    {ErrorCode::kNotController, "NOT_CONTROLLER", true, "This broker is not the active controller."},
    {ErrorCode::kInvalidRequest, "INVALID_REQUEST", false,
     "The request is malformed or was sent to an incompatible broker."},
    {ErrorCode::kUnsupportedForMessageFormat, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false,
     "The message format version does not support this request."},
    {ErrorCode::kPolicyViolation, "POLICY_VIOLATION", false, "The request violates the configured policy."},
    {ErrorCode::kOutOfOrderSequenceNumber, "OUT_OF_ORDER_SEQUENCE_NUMBER", false,
     "The broker received an out-of-order sequence number."},
    {ErrorCode::kDuplicateSequenceNumber, "DUPLICATE_SEQUENCE_NUMBER", false,
     "The broker received a duplicate sequence number."},
    {ErrorCode::kInvalidProducerEpoch, "INVALID_PRODUCER_EPOCH", false, "The producer epoch is old."},
    {ErrorCode::kInvalidTxnState, "INVALID_TXN_STATE", false,
     "The transactional operation is invalid in the current state."},
    {ErrorCode::kInvalidProducerIdMapping, "INVALID_PRODUCER_ID_MAPPING", false,
     "The producer id is not assigned to this transactional id."},
    {ErrorCode::kInvalidTransactionTimeout, "INVALID_TRANSACTION_TIMEOUT", false,
     "The transaction timeout exceeds the broker maximum."},
    {ErrorCode::kConcurrentTransactions, "CONCURRENT_TRANSACTIONS", false,
     "Another operation on this transaction is in progress."},
    {ErrorCode::kTransactionCoordinatorFenced, "TRANSACTION_COORDINATOR_FENCED", false,
     "The transaction coordinator is no longer current for this producer."},
    {ErrorCode::kTransactionalIdAuthorizationFailed, "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false,
     "Transactional id authorization failed."},
    {ErrorCode::kSecurityDisabled, "SECURITY_DISABLED", false, "Security features are disabled."},
    {ErrorCode::kOperationNotAttempted, "OPERATION_NOT_ATTEMPTED", false,
     "The broker did not attempt this operation."},
    {ErrorCode::kKafkaStorageError, "KAFKA_STORAGE_ERROR", true, "Disk error while accessing the log."},
    {ErrorCode::kLogDirNotFound, "LOG_DIR_NOT_FOUND", false,
     "The log directory is not in the broker config."},
    {ErrorCode::kSaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", false,
     "SASL authentication failed."},
    {ErrorCode::kUnknownProducerId, "UNKNOWN_PRODUCER_ID", false,
     "The broker has no metadata for this producer id."},
    {ErrorCode::kReassignmentInProgress, "REASSIGNMENT_IN_PROGRESS", false,
     "A partition reassignment is in progress."},
    {ErrorCode::kDelegationTokenAuthDisabled, "DELEGATION_TOKEN_AUTH_DISABLED", false,
     "Delegation tokens are not enabled."},
    {ErrorCode::kDelegationTokenNotFound, "DELEGATION_TOKEN_NOT_FOUND", false,
     "The delegation token was not found."},
    {ErrorCode::kDelegationTokenOwnerMismatch, "DELEGATION_TOKEN_OWNER_MISMATCH", false,
     "The principal is not the token owner or renewer."},
    {ErrorCode::kDelegationTokenRequestNotAllowed, "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", false,
     "Delegation token requests are not allowed on this channel."},
    {ErrorCode::kDelegationTokenAuthorizationFailed, "DELEGATION_TOKEN_AUTHORIZATION_FAILED", false,
     "Delegation token authorization failed."},
    {ErrorCode::kDelegationTokenExpired, "DELEGATION_TOKEN_EXPIRED", false,
     "The delegation token has expired."},
    {ErrorCode::kInvalidPrincipalType, "INVALID_PRINCIPAL_TYPE", false,
     "The principal type is not supported."},
    {ErrorCode::kNonEmptyGroup, "NON_EMPTY_GROUP", false, "The group is not empty."},
    {ErrorCode::kGroupIdNotFound, "GROUP_ID_NOT_FOUND", false, "The group id does not exist."},
    {ErrorCode::kFetchSessionIdNotFound, "FETCH_SESSION_ID_NOT_FOUND", true,
     "The fetch session id was not found."},
    {ErrorCode::kInvalidFetchSessionEpoch, "INVALID_FETCH_SESSION_EPOCH", true,
     "The fetch session epoch is invalid."},
    {ErrorCode::kListenerNotFound, "LISTENER_NOT_FOUND", true,
     "The leader has no listener matching the one the request came on."},
    {ErrorCode::kTopicDeletionDisabled, "TOPIC_DELETION_DISABLED", false, "Topic deletion is disabled."},
    {ErrorCode::kFencedLeaderEpoch, "FENCED_LEADER_EPOCH", true,
     "The request's leader epoch is older than the broker's."},
    {ErrorCode::kUnknownLeaderEpoch, "UNKNOWN_LEADER_EPOCH", true,
     "The request's leader epoch is newer than the broker's."},
    {ErrorCode::kUnsupportedCompressionType, "UNSUPPORTED_COMPRESSION_TYPE", false,
     "The client does not support the partition's compression type."},
    {ErrorCode::kStaleBrokerEpoch, "STALE_BROKER_EPOCH", false, "The broker epoch has changed."},
    {ErrorCode::kOffsetNotAvailable, "OFFSET_NOT_AVAILABLE", true,
     "The leader's high watermark has not caught up after an election."},
    {ErrorCode::kMemberIdRequired, "MEMBER_ID_REQUIRED", false,
     "The member needs a member id before joining the group."},
    {ErrorCode::kPreferredLeaderNotAvailable, "PREFERRED_LEADER_NOT_AVAILABLE", true,
     "The preferred leader is not available."},
    {ErrorCode::kGroupMaxSizeReached, "GROUP_MAX_SIZE_REACHED", false,
     "The group has reached its maximum size."},
    {ErrorCode::kFencedInstanceId, "FENCED_INSTANCE_ID", false,
     "Another member registered with the same group.instance.id."},
    {ErrorCode::kEligibleLeadersNotAvailable, "ELIGIBLE_LEADERS_NOT_AVAILABLE", true,
     "No eligible leader is available for the partition."},
    {ErrorCode::kElectionNotNeeded, "ELECTION_NOT_NEEDED", true,
     "Leader election is not needed for the partition."},
    {ErrorCode::kNoReassignmentInProgress, "NO_REASSIGNMENT_IN_PROGRESS", false,
     "No partition reassignment is in progress."},
    {ErrorCode::kGroupSubscribedToTopic, "GROUP_SUBSCRIBED_TO_TOPIC", false,
     "Cannot delete offsets of a topic the group is subscribed to."},
    {ErrorCode::kInvalidRecord, "INVALID_RECORD", false, "The record failed broker-side validation."},
    {ErrorCode::kUnstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT", true,
     "There are unstable offsets that must be cleared first."},
    {ErrorCode::kThrottlingQuotaExceeded, "THROTTLING_QUOTA_EXCEEDED", true,
     "The throttling quota has been exceeded."},
    {ErrorCode::kProducerFenced, "PRODUCER_FENCED", false,
     "A newer producer with the same transactional id fenced this one."},
    {ErrorCode::kResourceNotFound, "RESOURCE_NOT_FOUND", false,
     "The request referred to a resource that does not exist."},
    {ErrorCode::kDuplicateResource, "DUPLICATE_RESOURCE", false,
     "The request referred to the same resource twice."},
    {ErrorCode::kUnacceptableCredential, "UNACCEPTABLE_CREDENTIAL", false,
     "The credential does not meet the acceptability criteria."},
    {ErrorCode::kInconsistentVoterSet, "INCONSISTENT_VOTER_SET", false,
     "The sender or receiver is not one of the expected voters."},
    {ErrorCode::kInvalidUpdateVersion, "INVALID_UPDATE_VERSION", false, "The update version is invalid."},
    {ErrorCode::kFeatureUpdateFailed, "FEATURE_UPDATE_FAILED", false,
     "The finalized features could not be updated."},
    {ErrorCode::kPrincipalDeserializationFailure, "PRINCIPAL_DESERIALIZATION_FAILURE", false,
     "The forwarded request principal could not be deserialized."},
    {ErrorCode::kSnapshotNotFound, "SNAPSHOT_NOT_FOUND", false, "The requested snapshot was not found."},
    {ErrorCode::kPositionOutOfRange, "POSITION_OUT_OF_RANGE", false,
     "The requested snapshot position is out of range."},
    {ErrorCode::kUnknownTopicId, "UNKNOWN_TOPIC_ID", true, "This server does not host this topic id."},
    {ErrorCode::kDuplicateBrokerRegistration, "DUPLICATE_BROKER_REGISTRATION", false,
     "This broker id is already registered."},
    {ErrorCode::kBrokerIdNotRegistered, "BROKER_ID_NOT_REGISTERED", false,
     "The broker id is not registered."},
    {ErrorCode::kInconsistentTopicId, "INCONSISTENT_TOPIC_ID", true,
     "The log's topic id does not match the request's."},
    {ErrorCode::kInconsistentClusterId, "INCONSISTENT_CLUSTER_ID", false,
     "The request's cluster id does not match the server's."},
    {ErrorCode::kTransactionalIdNotFound, "TRANSACTIONAL_ID_NOT_FOUND", false,
     "The transactional id was not found."},
    {ErrorCode::kFetchSessionTopicIdError, "FETCH_SESSION_TOPIC_ID_ERROR", true,
     "The fetch session used topic ids inconsistently."},
    {ErrorCode::kIneligibleReplica, "INELIGIBLE_REPLICA", false,
     "The new ISR contains an ineligible replica."},
    {ErrorCode::kNewLeaderElected, "NEW_LEADER_ELECTED", false,
     "The partition state was updated but the leader changed."},
    {ErrorCode::kOffsetMovedToTieredStorage, "OFFSET_MOVED_TO_TIERED_STORAGE", false,
     "The requested offset has moved to tiered storage."},
    {ErrorCode::kFencedMemberEpoch, "FENCED_MEMBER_EPOCH", false,
     "The member epoch is fenced; the member must rejoin."},
    {ErrorCode::kUnreleasedInstanceId, "UNRELEASED_INSTANCE_ID", false,
     "The instance id is still used by another member."},
    {ErrorCode::kUnsupportedAssignor, "UNSUPPORTED_ASSIGNOR", false,
     "The assignor or its version is not supported by the group."},
    {ErrorCode::kStaleMemberEpoch, "STALE_MEMBER_EPOCH", false, "The member epoch is stale."},
    {ErrorCode::kMismatchedEndpointType, "MISMATCHED_ENDPOINT_TYPE", false,
     "The request was sent to the wrong type of endpoint."},
    {ErrorCode::kUnsupportedEndpointType, "UNSUPPORTED_ENDPOINT_TYPE", false,
     "This endpoint type is not supported yet."},
    {ErrorCode::kUnknownControllerId, "UNKNOWN_CONTROLLER_ID", false, "The controller id is not known."},
    {ErrorCode::kUnknownSubscriptionId, "UNKNOWN_SUBSCRIPTION_ID", false,
     "The telemetry subscription id is unknown or outdated."},
    {ErrorCode::kTelemetryTooLarge, "TELEMETRY_TOO_LARGE", false,
     "The telemetry push is larger than the broker accepts."},
    {ErrorCode::kInvalidRegistration, "INVALID_REGISTRATION", false,
     "The controller considers the broker registration invalid."},
    {ErrorCode::kTransactionAbortable, "TRANSACTION_ABORTABLE", false,
     "The transaction failed; the client can abort it and continue."},
    {ErrorCode::kInvalidRecordState, "INVALID_RECORD_STATE", false,
     "The record state is invalid; the acknowledgement failed."},
    {ErrorCode::kShareSessionNotFound, "SHARE_SESSION_NOT_FOUND", true, "The share session was not found."},
    {ErrorCode::kInvalidShareSessionEpoch, "INVALID_SHARE_SESSION_EPOCH", true,
     "The share session epoch is invalid."},
    {ErrorCode::kFencedStateEpoch, "FENCED_STATE_EPOCH", false,
     "The share-group state epoch does not match."},
    {ErrorCode::kInvalidVoterKey, "INVALID_VOTER_KEY", false, "The voter key does not match the receiver's."},
    {ErrorCode::kDuplicateVoter, "DUPLICATE_VOTER", false, "The voter is already in the voter set."},
    {ErrorCode::kVoterNotFound, "VOTER_NOT_FOUND", false, "The voter is not in the voter set."},
}};

constexpr bool TableIsDense() {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<int>(kErrors[i].code) != static_cast<int>(i) + kMinKnownErrorCode) return false;
  }
  return true;
}
static_assert(TableIsDense(), "kErrors must list every code from -1 in order");

const ErrorInfo* Find(int16_t raw) {
  if (raw < kMinKnownErrorCode || raw > kMaxKnownErrorCode) return nullptr;
  return &kErrors[static_cast<size_t>(raw - kMinKnownErrorCode)];
}

}  // namespace

std::string_view ErrorName(ErrorCode code) {
  const ErrorInfo* e = Find(ErrorToInt(code));
  return e ? e->name : "UNKNOWN";
}

std::string_view ErrorMessage(ErrorCode code) {
  const ErrorInfo* e = Find(ErrorToInt(code));
  return e ? e->message : "The client received an unknown error code.";
}

bool IsRetriable(ErrorCode code) {
  const ErrorInfo* e = Find(ErrorToInt(code));
  return e != nullptr && e->retriable;
}

bool IsKnownErrorCode(int16_t raw) { return Find(raw) != nullptr; }

ErrorCode ErrorFromInt(int16_t raw) {
  const ErrorInfo* e = Find(raw);
  return e ? e->code : ErrorCode::kUnknownServerError;
}

std::string DescribeErrorCode(int16_t raw) {
  const ErrorInfo* e = Find(raw);
  std::string out(e ? e->name : "UNKNOWN");
  out += " (";
  out += std::to_string(raw);
  out += ")";
  return out;
}

}  // namespace sluice::kafka
