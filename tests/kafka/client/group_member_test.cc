// Tests of kafka/client/group_member.h against a real broker process (build/bin/sluice broker): members
// of a "connect" group form generations, get the leader's assignments, rebalance when one leaves or
// stops heartbeating; and against scripted listeners for coordinator failures and Wakeup().
// Timeouts here are failure limits only; no test asserts how long anything takes.
#include "kafka/client/group_member.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "broker_process.h"
#include "fake_broker.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/find_coordinator.h"
#include "kafka/protocol/generated/join_group.h"
#include "kafka/protocol/generated/sync_group.h"

namespace sluice::kafka::client {
namespace {

namespace msg = messages;
using namespace std::chrono_literals;
using testing::BrokerProcess;
using testing::FakeBroker;

constexpr auto kLimit = std::chrono::seconds(60);  // failure limit for anything to converge

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string Text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

std::map<std::string, std::string> BrokerSettings() { return {{"group.min.session.timeout.ms", "500"}}; }

GroupMemberConfig Config(const std::string& bootstrap, const std::string& group) {
  GroupMemberConfig c;
  c.bootstrap_servers = {bootstrap};
  c.group_id = group;
  c.protocol_type = "connect";
  c.client_id = "worker";
  c.session_timeout_ms = 6000;
  c.heartbeat_interval_ms = 200;
  c.rebalance_timeout_ms = 20000;
  c.retry_backoff_ms = 50;
  return c;
}

// The leader assigns each member "assigned:<member id>:<its metadata>".
Result<std::map<std::string, std::vector<uint8_t>>> EchoAssign(
    const std::string& /*protocol*/, const std::vector<GroupMemberMetadata>& members) {
  std::map<std::string, std::vector<uint8_t>> out;
  for (const auto& m : members) out[m.member_id] = Bytes("assigned:" + m.member_id + ":" + Text(m.metadata));
  return out;
}

// A member driven as a Connect worker would: Join, work until a rebalance is needed, Join again.
class Worker {
 public:
  Worker(GroupMemberConfig config, std::string name) : name_(std::move(name)) {
    config.on_rebalance_needed = [this] { ++rebalance_callbacks_; };
    member_ = std::make_unique<GroupMember>(std::move(config));
  }
  ~Worker() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  // Stops the loop; with `leave`, sends LeaveGroup.
  void Stop(bool leave = true) {
    if (thread_.joinable()) {
      stop_ = true;
      member_->Wakeup();
      thread_.join();
    }
    if (leave) {
      EXPECT_TRUE(member_->Leave().ok());
    }
  }
  std::optional<JoinResult> last() const {
    std::lock_guard lock(mu_);
    return last_;
  }
  int rebalance_callbacks() const { return rebalance_callbacks_; }
  const std::string& name() const { return name_; }

 private:
  void Run() {
    const std::vector<GroupProtocol> protocols = {{"default", Bytes(name_)}};
    while (!stop_) {
      Result<JoinResult> r = member_->Join(protocols, EchoAssign, kLimit);
      if (!r.ok()) continue;  // Aborted by Stop(), or retried
      {
        std::lock_guard lock(mu_);
        last_ = *r;
      }
      while (!stop_ && !member_->WaitForRebalance(50ms)) {
      }
    }
  }

  std::string name_;
  std::unique_ptr<GroupMember> member_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> rebalance_callbacks_{0};
  mutable std::mutex mu_;
  std::optional<JoinResult> last_;
};

// Waits until every worker is in the same generation, the leader assigned exactly `members` members,
// and each worker got its own assignment. Returns that generation, or -1 at the failure limit.
int32_t WaitForGeneration(const std::vector<Worker*>& workers, size_t members, int32_t after = 0) {
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<JoinResult> results;
    for (Worker* w : workers) {
      if (auto r = w->last()) results.push_back(*r);
    }
    bool ok = results.size() == workers.size() && results[0].generation_id > after;
    int leaders = 0;
    for (size_t i = 0; ok && i < results.size(); ++i) {
      const JoinResult& r = results[i];
      ok = r.generation_id == results[0].generation_id &&
           Text(r.assignment) == "assigned:" + r.member_id + ":" + workers[i]->name() &&
           r.protocol == "default" && r.leader_id == results[0].leader_id;
      if (r.is_leader) {
        ++leaders;
        ok = ok && r.member_count == members && r.leader_id == r.member_id;
      }
    }
    if (ok && leaders == 1) return results[0].generation_id;
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

TEST(GroupMemberTest, ThreeMembersFormAGenerationAndRebalanceWhenOneLeaves) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  Worker w1(Config(broker.bootstrap(), "connect-cluster"), "w1");
  Worker w2(Config(broker.bootstrap(), "connect-cluster"), "w2");
  Worker w3(Config(broker.bootstrap(), "connect-cluster"), "w3");
  w1.Start();
  w2.Start();
  w3.Start();
  const int32_t gen = WaitForGeneration({&w1, &w2, &w3}, 3);
  ASSERT_GT(gen, 0) << "three members never formed one generation";

  w3.Stop(/*leave=*/true);
  const int32_t next = WaitForGeneration({&w1, &w2}, 2, gen);
  ASSERT_GT(next, gen) << "the remaining members never rejoined without w3";
  // They learnt it from heartbeats answered REBALANCE_IN_PROGRESS, which also ran the callback.
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (w1.rebalance_callbacks() + w2.rebalance_callbacks() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(w1.rebalance_callbacks() + w2.rebalance_callbacks(), 0);
  w1.Stop();
  w2.Stop();
}

// A member that joins with the raw protocol and then never heartbeats: the coordinator expels it after
// its session timeout and the others rebalance without it.
TEST(GroupMemberTest, MemberThatStopsHeartbeatingIsExpelled) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  Worker w1(Config(broker.bootstrap(), "g-expiry"), "w1");
  Worker w2(Config(broker.bootstrap(), "g-expiry"), "w2");
  w1.Start();
  w2.Start();
  const int32_t gen = WaitForGeneration({&w1, &w2}, 2);
  ASSERT_GT(gen, 0);

  auto conn = Connection::Open("127.0.0.1", broker.port(), ConnectionOptions{});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  msg::JoinGroupRequest join;
  join.group_id = "g-expiry";
  join.session_timeout_ms = 1000;
  join.rebalance_timeout_ms = 20000;
  join.protocol_type = "connect";
  join.protocols.emplace_back();
  join.protocols.back().name = "default";
  join.protocols.back().metadata = SharedBytes(std::string_view("silent"));
  int32_t silent_generation = -1;
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (silent_generation < 0 && std::chrono::steady_clock::now() < deadline) {
    auto joined = (*conn)->Call<msg::JoinGroupResponse>(join, kLimit);
    ASSERT_TRUE(joined.ok()) << joined.status().ToString();
    join.member_id = joined->member_id;
    if (joined->error_code != 0) continue;  // MEMBER_ID_REQUIRED, or a rebalance to join again
    msg::SyncGroupRequest sync;
    sync.group_id = "g-expiry";
    sync.generation_id = joined->generation_id;
    sync.member_id = joined->member_id;
    auto synced = (*conn)->Call<msg::SyncGroupResponse>(sync, kLimit);
    ASSERT_TRUE(synced.ok()) << synced.status().ToString();
    if (synced->error_code == 0) silent_generation = joined->generation_id;
  }
  ASSERT_GT(silent_generation, gen) << "the silent member never joined";
  // No heartbeat from it from now on: the others must end up in a later generation of two.
  const int32_t next = WaitForGeneration({&w1, &w2}, 2, silent_generation);
  EXPECT_GT(next, silent_generation) << "the silent member was never expelled";
  w1.Stop();
  w2.Stop();
}

TEST(GroupMemberTest, SingleMemberJoinsLeadsAndLeaves) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  GroupMemberConfig config = Config(broker.bootstrap(), "solo");
  // The first bootstrap server is dead: the member moves on to the next.
  config.bootstrap_servers = {"127.0.0.1:" + std::to_string(testing::UnusedPort()), broker.bootstrap()};
  GroupMember member(config);
  EXPECT_EQ(member.generation(), -1);
  auto r = member.Join({{"default", Bytes("solo")}}, EchoAssign, kLimit);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->is_leader);
  EXPECT_EQ(r->member_count, 1u);
  EXPECT_EQ(Text(r->assignment), "assigned:" + r->member_id + ":solo");
  EXPECT_EQ(r->member_id.rfind("worker-", 0), 0u) << r->member_id;  // <client.id>-<uuid>
  EXPECT_EQ(member.generation(), r->generation_id);
  EXPECT_FALSE(member.RebalanceNeeded());
  EXPECT_FALSE(member.WaitForRebalance(300ms));  // heartbeats keep a stable group stable
  EXPECT_TRUE(member.Leave().ok());
  EXPECT_EQ(member.generation(), -1);
  EXPECT_TRUE(member.Leave().ok());  // nothing left to leave
  // Joining again after leaving makes a new member.
  auto again = member.Join({{"default", Bytes("solo")}}, EchoAssign, kLimit);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE(again->member_id, r->member_id);
}

// When the coordinator goes away, heartbeats fail; after session.timeout.ms without a successful one
// the member asks its owner to rejoin.
TEST(GroupMemberTest, LostCoordinatorMeansRebalanceNeeded) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  GroupMemberConfig config = Config(broker.bootstrap(), "fragile");
  config.session_timeout_ms = 1000;
  config.heartbeat_interval_ms = 100;
  config.connect_timeout_ms = 200;
  config.request_timeout_ms = 500;
  std::atomic<int> callbacks{0};
  config.on_rebalance_needed = [&callbacks] { ++callbacks; };
  GroupMember member(config);
  auto r = member.Join({{"default", {}}}, EchoAssign, kLimit);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  broker.Kill();
  EXPECT_TRUE(member.WaitForRebalance(kLimit));
  // The callback runs on the heartbeat thread right after the flag is set.
  const auto deadline = std::chrono::steady_clock::now() + kLimit;
  while (callbacks == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(callbacks.load(), 1);
  EXPECT_EQ(member.generation(), -1);
  EXPECT_FALSE(member.Leave().ok());  // nobody to tell
}

TEST(GroupMemberTest, AssignorErrorsAndBadConfigEndJoin) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  GroupMember member(Config(broker.bootstrap(), "failing-assignor"));
  auto failing = [](const std::string&, const std::vector<GroupMemberMetadata>&)
      -> Result<std::map<std::string, std::vector<uint8_t>>> { return Status::Internal("no plan"); };
  auto r = member.Join({{"default", {}}}, failing, kLimit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal) << r.status().ToString();
  EXPECT_EQ(member.Join({}, EchoAssign, kLimit).status().code(), Status::Code::kInvalidArgument);

  GroupMemberConfig bad = Config(broker.bootstrap(), "g");
  bad.heartbeat_interval_ms = bad.session_timeout_ms;
  EXPECT_FALSE(bad.Validate().ok());
  GroupMember invalid(bad);
  EXPECT_EQ(invalid.Join({{"default", {}}}, EchoAssign, kLimit).status().code(),
            Status::Code::kInvalidArgument);
  // The broker refuses a session timeout below group.min.session.timeout.ms: not retriable.
  GroupMemberConfig tiny = Config(broker.bootstrap(), "g");
  tiny.session_timeout_ms = 100;
  tiny.heartbeat_interval_ms = 50;
  GroupMember refused(tiny);
  auto t = refused.Join({{"default", {}}}, EchoAssign, kLimit);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("INVALID_SESSION_TIMEOUT"), std::string::npos) << t.status().ToString();
}

// A bootstrap server that points at a coordinator nobody listens on: Join keeps trying and gives up
// at its timeout with the connection error.
TEST(GroupMemberTest, UnreachableCoordinatorTimesOut) {
  const int dead_port = testing::UnusedPort();
  FakeBroker fake([dead_port](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    if (req.header.request_api_key == msg::ApiVersionsRequest::kApiKey)
      return FakeBroker::AnswerApiVersions(req);
    msg::FindCoordinatorResponse resp;
    msg::FindCoordinatorResponse::Coordinator c;
    c.key = "g";
    c.node_id = 7;
    c.host = "127.0.0.1";
    c.port = dead_port;
    resp.coordinators.push_back(c);
    return FakeBroker::Respond(req, resp);
  });
  GroupMemberConfig config = Config(fake.address(), "g");
  config.connect_timeout_ms = 500;

  GroupMember member(config);
  auto r = member.Join({{"default", {}}}, EchoAssign, 1500ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout) << r.status().ToString();
  EXPECT_NE(r.status().message().find(std::to_string(dead_port)), std::string::npos) << r.status().ToString();
}

// The bootstrap server first has no coordinator, then names itself, then answers JoinGroup with
// NOT_COORDINATOR, and from then on points at the real broker: the member rediscovers and joins there.
TEST(GroupMemberTest, RediscoversTheCoordinator) {
  BrokerProcess broker(BrokerSettings());
  ASSERT_TRUE(broker.Start()) << broker.Output();
  std::atomic<int> lookups{0};
  std::atomic<int> joins{0};
  int fake_port = 0;
  FakeBroker fake([&](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    switch (req.header.request_api_key) {
      case msg::ApiVersionsRequest::kApiKey:
        return FakeBroker::AnswerApiVersions(req);
      case msg::FindCoordinatorRequest::kApiKey: {
        const int n = ++lookups;
        msg::FindCoordinatorResponse resp;
        msg::FindCoordinatorResponse::Coordinator c;
        c.key = "moving";
        c.host = "127.0.0.1";
        if (n == 1) {
          c.error_code = ErrorToInt(ErrorCode::kCoordinatorNotAvailable);
        } else {
          c.port = n == 2 ? fake_port : broker.port();
        }
        resp.coordinators.push_back(c);
        return FakeBroker::Respond(req, resp);
      }
      case msg::JoinGroupRequest::kApiKey: {
        ++joins;
        msg::JoinGroupResponse resp;
        resp.error_code = ErrorToInt(ErrorCode::kNotCoordinator);
        return FakeBroker::Respond(req, resp);
      }
      default:
        return std::nullopt;
    }
  });
  fake_port = fake.port();
  GroupMember member(Config(fake.address(), "moving"));
  auto r = member.Join({{"default", Bytes("m")}}, EchoAssign, kLimit);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(lookups.load(), 3);
  EXPECT_EQ(joins.load(), 1);
  EXPECT_TRUE(r->is_leader);
  EXPECT_TRUE(member.Leave().ok());
}

TEST(GroupMemberTest, WakeupAbortsABlockedJoin) {
  // The fake names itself coordinator and never answers JoinGroup, so Join blocks in JoinGroup.
  std::atomic<int> fake_port{0};
  std::atomic<int> joins{0};
  FakeBroker fake([&](const DecodedRequest& req) -> std::optional<std::vector<uint8_t>> {
    if (req.header.request_api_key == msg::ApiVersionsRequest::kApiKey)
      return FakeBroker::AnswerApiVersions(req);
    if (req.header.request_api_key == msg::FindCoordinatorRequest::kApiKey) {
      msg::FindCoordinatorResponse resp;
      resp.coordinators.emplace_back();
      resp.coordinators.back().key = "stuck";
      resp.coordinators.back().host = "127.0.0.1";
      resp.coordinators.back().port = fake_port;
      return FakeBroker::Respond(req, resp);
    }
    ++joins;
    return std::vector<uint8_t>{};  // never answered
  });
  fake_port = fake.port();
  GroupMember member(Config(fake.address(), "stuck"));
  std::thread waker([&] {
    while (joins == 0) std::this_thread::sleep_for(10ms);
    member.Wakeup();
  });
  auto r = member.Join({{"default", {}}}, EchoAssign, kLimit);
  waker.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
  // A Wakeup() before Join() aborts that Join() at once; the one after proceeds again.
  member.Wakeup();
  EXPECT_EQ(member.Join({{"default", {}}}, EchoAssign, kLimit).status().code(), Status::Code::kAborted);
  EXPECT_EQ(member.Join({{"default", {}}}, EchoAssign, 300ms).status().code(), Status::Code::kTimeout);
}

}  // namespace
}  // namespace sluice::kafka::client
