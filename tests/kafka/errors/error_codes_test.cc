// Tests for kafka/protocol/error_codes: numbers, names, retriable flags and unknown-code handling,
// checked against Kafka 3.9's protocol error table.
#include "kafka/protocol/error_codes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sluice::kafka {
namespace {

TEST(ErrorCodesTest, WellKnownNumbers) {
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnknownServerError), -1);
  EXPECT_EQ(ErrorToInt(ErrorCode::kNone), 0);
  EXPECT_EQ(ErrorToInt(ErrorCode::kOffsetOutOfRange), 1);
  EXPECT_EQ(ErrorToInt(ErrorCode::kCorruptMessage), 2);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnknownTopicOrPartition), 3);
  EXPECT_EQ(ErrorToInt(ErrorCode::kNotLeaderOrFollower), 6);
  EXPECT_EQ(ErrorToInt(ErrorCode::kRequestTimedOut), 7);
  EXPECT_EQ(ErrorToInt(ErrorCode::kMessageTooLarge), 10);
  EXPECT_EQ(ErrorToInt(ErrorCode::kNotCoordinator), 16);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidTopicException), 17);
  EXPECT_EQ(ErrorToInt(ErrorCode::kIllegalGeneration), 22);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnknownMemberId), 25);
  EXPECT_EQ(ErrorToInt(ErrorCode::kRebalanceInProgress), 27);
  EXPECT_EQ(ErrorToInt(ErrorCode::kTopicAuthorizationFailed), 29);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnsupportedVersion), 35);
  EXPECT_EQ(ErrorToInt(ErrorCode::kTopicAlreadyExists), 36);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidConfig), 40);
  EXPECT_EQ(ErrorToInt(ErrorCode::kNotController), 41);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidRequest), 42);
  EXPECT_EQ(ErrorToInt(ErrorCode::kPolicyViolation), 44);
  EXPECT_EQ(ErrorToInt(ErrorCode::kOutOfOrderSequenceNumber), 45);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidProducerEpoch), 47);
  EXPECT_EQ(ErrorToInt(ErrorCode::kConcurrentTransactions), 51);
  EXPECT_EQ(ErrorToInt(ErrorCode::kKafkaStorageError), 56);
  EXPECT_EQ(ErrorToInt(ErrorCode::kSaslAuthenticationFailed), 58);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnknownProducerId), 59);
  EXPECT_EQ(ErrorToInt(ErrorCode::kNonEmptyGroup), 68);
  EXPECT_EQ(ErrorToInt(ErrorCode::kGroupIdNotFound), 69);
  EXPECT_EQ(ErrorToInt(ErrorCode::kFetchSessionIdNotFound), 70);
  EXPECT_EQ(ErrorToInt(ErrorCode::kFencedLeaderEpoch), 74);
  EXPECT_EQ(ErrorToInt(ErrorCode::kMemberIdRequired), 79);
  EXPECT_EQ(ErrorToInt(ErrorCode::kFencedInstanceId), 82);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidRecord), 87);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnstableOffsetCommit), 88);
  EXPECT_EQ(ErrorToInt(ErrorCode::kProducerFenced), 90);
  EXPECT_EQ(ErrorToInt(ErrorCode::kUnknownTopicId), 100);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInconsistentClusterId), 104);
  EXPECT_EQ(ErrorToInt(ErrorCode::kOffsetMovedToTieredStorage), 109);
  EXPECT_EQ(ErrorToInt(ErrorCode::kStaleMemberEpoch), 113);
  EXPECT_EQ(ErrorToInt(ErrorCode::kInvalidRegistration), 119);
  EXPECT_EQ(ErrorToInt(ErrorCode::kTransactionAbortable), 120);
  EXPECT_EQ(ErrorToInt(ErrorCode::kShareSessionNotFound), 122);
  EXPECT_EQ(ErrorToInt(ErrorCode::kVoterNotFound), 127);
  EXPECT_EQ(kMaxKnownErrorCode, 127);
}

TEST(ErrorCodesTest, Names) {
  EXPECT_EQ(ErrorName(ErrorCode::kUnknownServerError), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(ErrorName(ErrorCode::kNone), "NONE");
  EXPECT_EQ(ErrorName(ErrorCode::kUnknownTopicOrPartition), "UNKNOWN_TOPIC_OR_PARTITION");
  EXPECT_EQ(ErrorName(ErrorCode::kNotLeaderOrFollower), "NOT_LEADER_OR_FOLLOWER");
  EXPECT_EQ(ErrorName(ErrorCode::kInvalidTopicException), "INVALID_TOPIC_EXCEPTION");
  EXPECT_EQ(ErrorName(ErrorCode::kInvalidTxnState), "INVALID_TXN_STATE");
  EXPECT_EQ(ErrorName(ErrorCode::kTransactionalIdAuthorizationFailed),
            "TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
  EXPECT_EQ(ErrorName(ErrorCode::kFetchSessionTopicIdError), "FETCH_SESSION_TOPIC_ID_ERROR");
  EXPECT_EQ(ErrorName(ErrorCode::kVoterNotFound), "VOTER_NOT_FOUND");
  EXPECT_EQ(ErrorName(static_cast<ErrorCode>(500)), "UNKNOWN");
}

// Every known code: ErrorFromInt round-trips, names are unique upper-case identifiers, messages are set.
TEST(ErrorCodesTest, TableIsCompleteAndConsistent) {
  std::set<std::string> names;
  for (int raw = -1; raw <= kMaxKnownErrorCode; ++raw) {
    auto code16 = static_cast<int16_t>(raw);
    ASSERT_TRUE(IsKnownErrorCode(code16)) << raw;
    ErrorCode code = ErrorFromInt(code16);
    EXPECT_EQ(ErrorToInt(code), raw);
    std::string name(ErrorName(code));
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
    for (char c : name) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') << name;
    if (code != ErrorCode::kNone) {
      EXPECT_FALSE(ErrorMessage(code).empty()) << name;
    }
  }
  EXPECT_EQ(names.size(), 129u);
  EXPECT_EQ(ErrorMessage(ErrorCode::kNone), "");
}

TEST(ErrorCodesTest, UnknownValuesMapToUnknownServerError) {
  EXPECT_FALSE(IsKnownErrorCode(-2));
  EXPECT_FALSE(IsKnownErrorCode(128));
  EXPECT_FALSE(IsKnownErrorCode(32767));
  EXPECT_FALSE(IsKnownErrorCode(-32768));
  EXPECT_EQ(ErrorFromInt(128), ErrorCode::kUnknownServerError);
  EXPECT_EQ(ErrorFromInt(-2), ErrorCode::kUnknownServerError);
  EXPECT_EQ(ErrorFromInt(3), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_FALSE(IsRetriable(static_cast<ErrorCode>(1000)));
  EXPECT_FALSE(ErrorMessage(static_cast<ErrorCode>(1000)).empty());
}

TEST(ErrorCodesTest, DescribeKeepsRawNumber) {
  EXPECT_EQ(DescribeErrorCode(int16_t{3}), "UNKNOWN_TOPIC_OR_PARTITION (3)");
  EXPECT_EQ(DescribeErrorCode(int16_t{500}), "UNKNOWN (500)");
  EXPECT_EQ(DescribeErrorCode(int16_t{-1}), "UNKNOWN_SERVER_ERROR (-1)");
  EXPECT_EQ(DescribeErrorCode(ErrorCode::kNone), "NONE (0)");
}

TEST(ErrorCodesTest, RetriableMatchesKafka) {
  const std::set<int> kRetriable = {2,  3,  5,  6,  7,  9,  13, 14, 15, 16, 19,  20,  41,  56,  70,
                                    71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100, 103, 106, 122, 123};
  for (int raw = -1; raw <= kMaxKnownErrorCode; ++raw) {
    ErrorCode code = ErrorFromInt(static_cast<int16_t>(raw));
    EXPECT_EQ(IsRetriable(code), kRetriable.count(raw) == 1) << ErrorName(code);
  }
  // Spot checks of the ones clients most often get wrong.
  EXPECT_FALSE(IsRetriable(ErrorCode::kNone));
  EXPECT_FALSE(IsRetriable(ErrorCode::kUnknownServerError));
  EXPECT_FALSE(IsRetriable(ErrorCode::kBrokerNotAvailable));
  EXPECT_FALSE(IsRetriable(ErrorCode::kRebalanceInProgress));
  EXPECT_FALSE(IsRetriable(ErrorCode::kProducerFenced));
  EXPECT_FALSE(IsRetriable(ErrorCode::kConcurrentTransactions));
  EXPECT_TRUE(IsRetriable(ErrorCode::kReplicaNotAvailable));
  EXPECT_TRUE(IsRetriable(ErrorCode::kNotController));
}

}  // namespace
}  // namespace sluice::kafka
