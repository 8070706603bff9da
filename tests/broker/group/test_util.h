// Test helpers for the group coordinator: an in-memory GroupStore, a fixture that runs the io_context
// until a condition holds, and request builders.
//
// Thread-safety: single-threaded tests only.
#pragma once

#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/group/group_coordinator.h"
#include "kafka/protocol/wire.h"

namespace sluice::broker::group::testing {

namespace msg = kafka::messages;

class MemoryStore : public GroupStore {
 public:
  void Append(int32_t partition, std::vector<GroupRecord> records,
              std::function<void(Status)> done) override {
    if (fail) return done(Status::Unavailable("store down"));
    for (auto& r : records) log.emplace_back(partition, std::move(r));
    done(Status::OK());
  }
  std::vector<std::pair<int32_t, GroupRecord>> log;
  bool fail = false;
};

// Holds the answer of an asynchronous handler.
template <typename T>
struct Answer {
  std::optional<T> value;
};
template <typename T>
using AnswerPtr = std::shared_ptr<Answer<T>>;

// Encodes `m` at `version` and expects success (the coordinator must answer what the version can carry).
template <typename T>
void ExpectEncodes(const T& m, int16_t version) {
  std::vector<uint8_t> buf;
  kafka::Writer w(&buf);
  Status s = m.Encode(w, version);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

inline kafka::SharedBytes Bytes(std::string_view s) { return kafka::SharedBytes(s); }

class GroupTest : public ::testing::Test {
 protected:
  GroupTest() {
    config_.initial_rebalance_delay_ms = 0;
    config_.min_session_timeout_ms = 10;
    coord_ = std::make_unique<GroupCoordinator>(io_, config_, &store_);
  }
  void Recreate() { coord_ = std::make_unique<GroupCoordinator>(io_, config_, &store_); }

  // Runs the io_context until pred() or `timeout` (generous) passes; returns pred().
  template <typename Pred>
  bool RunUntil(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      if (io_.stopped()) io_.restart();
      io_.run_one_for(std::chrono::milliseconds(5));
    }
    return pred();
  }
  // Runs the io_context for about `d`.
  void RunFor(std::chrono::milliseconds d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    RunUntil([&] { return std::chrono::steady_clock::now() >= deadline; }, d + std::chrono::seconds(1));
  }
  template <typename T>
  T Await(const AnswerPtr<T>& a) {
    EXPECT_TRUE(RunUntil([&] { return a->value.has_value(); })) << "no answer";
    return a->value ? *a->value : T{};
  }

  static RequestContext Ctx(int16_t version, std::string client_id = "client") {
    return RequestContext{version, std::move(client_id), "/127.0.0.1"};
  }
  static msg::JoinGroupRequest JoinReq(const std::string& group, const std::string& member_id,
                                       std::vector<std::string> protocols = {"range"},
                                       std::string type = "consumer", int32_t session_ms = 10000,
                                       int32_t rebalance_ms = 10000) {
    msg::JoinGroupRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.protocol_type = std::move(type);
    r.session_timeout_ms = session_ms;
    r.rebalance_timeout_ms = rebalance_ms;
    for (const std::string& p : protocols) {
      msg::JoinGroupRequest::JoinGroupRequestProtocol proto;
      proto.name = p;
      proto.metadata = Bytes("meta-" + p + "-" + member_id);
      r.protocols.push_back(std::move(proto));
    }
    return r;
  }

  AnswerPtr<msg::JoinGroupResponse> Join(int16_t v, msg::JoinGroupRequest r, std::string client = "client") {
    auto a = std::make_shared<Answer<msg::JoinGroupResponse>>();
    coord_->JoinGroup(Ctx(v, std::move(client)), std::move(r), [a, v](msg::JoinGroupResponse resp) {
      ExpectEncodes(resp, v);
      a->value = std::move(resp);
    });
    return a;
  }
  // Join as a real v4+ client does: answer MEMBER_ID_REQUIRED by joining again with the given id.
  AnswerPtr<msg::JoinGroupResponse> JoinWithId(int16_t v, msg::JoinGroupRequest r,
                                               std::string client = "client") {
    if (v >= 4 && r.member_id.empty() && !r.group_instance_id) {
      msg::JoinGroupResponse first = Await(Join(v, r, client));
      EXPECT_EQ(first.error_code, kafka::ErrorToInt(kafka::ErrorCode::kMemberIdRequired));
      r.member_id = first.member_id;
    }
    return Join(v, std::move(r), std::move(client));
  }
  AnswerPtr<msg::SyncGroupResponse> Sync(int16_t v, const std::string& group, int32_t generation,
                                         const std::string& member_id,
                                         std::vector<std::pair<std::string, std::string>> assignments = {},
                                         std::optional<std::string> instance_id = std::nullopt) {
    msg::SyncGroupRequest r;
    r.group_id = group;
    r.generation_id = generation;
    r.member_id = member_id;
    r.group_instance_id = std::move(instance_id);
    for (auto& [id, bytes] : assignments) {
      msg::SyncGroupRequest::SyncGroupRequestAssignment as;
      as.member_id = id;
      as.assignment = Bytes(bytes);
      r.assignments.push_back(std::move(as));
    }
    auto a = std::make_shared<Answer<msg::SyncGroupResponse>>();
    coord_->SyncGroup(Ctx(v), std::move(r), [a, v](msg::SyncGroupResponse resp) {
      ExpectEncodes(resp, v);
      a->value = std::move(resp);
    });
    return a;
  }
  int16_t Heartbeat(const std::string& group, int32_t generation, const std::string& member_id,
                    std::optional<std::string> instance_id = std::nullopt) {
    msg::HeartbeatRequest r;
    r.group_id = group;
    r.generation_id = generation;
    r.member_id = member_id;
    r.group_instance_id = std::move(instance_id);
    auto a = std::make_shared<Answer<msg::HeartbeatResponse>>();
    coord_->Heartbeat(Ctx(4), r, [a](msg::HeartbeatResponse resp) { a->value = std::move(resp); });
    return Await(a).error_code;
  }
  template <typename Resp, typename Req, typename Method>
  Resp Call(int16_t v, Method method, const Req& req) {
    auto a = std::make_shared<Answer<Resp>>();
    (coord_.get()->*method)(Ctx(v), req, [a, v](Resp resp) {
      ExpectEncodes(resp, v);
      a->value = std::move(resp);
    });
    return Await(a);
  }

  // One member (v3, no MEMBER_ID_REQUIRED) joins `group` and syncs; returns (member id, generation).
  std::pair<std::string, int32_t> JoinAndSyncOne(const std::string& group, std::string type = "consumer") {
    msg::JoinGroupResponse j = Await(Join(3, JoinReq(group, "", {"range"}, std::move(type))));
    EXPECT_EQ(j.error_code, 0);
    msg::SyncGroupResponse s =
        Await(Sync(3, group, j.generation_id, j.member_id, {{j.member_id, "assign-1"}}));
    EXPECT_EQ(s.error_code, 0);
    return {j.member_id, j.generation_id};
  }

  asio::io_context io_;
  MemoryStore store_;
  GroupConfig config_;
  std::unique_ptr<GroupCoordinator> coord_;
};

}  // namespace sluice::broker::group::testing
