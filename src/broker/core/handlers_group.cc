// The group APIs (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
// OffsetFetch, DescribeGroups, ListGroups, DeleteGroups), forwarded to the group coordinator, whose
// answers may come later (JoinGroup waits for the rebalance).
// Thread-safety: loop thread only.
#include "broker/core/broker.h"
#include "broker/group/group_coordinator.h"

namespace sluice::broker {

namespace msg = kafka::messages;

namespace {

group::RequestContext GroupContext(const RequestContext& ctx) {
  group::RequestContext g;
  g.api_version = ctx.api_version;
  g.client_id = ctx.client_id;
  // Kafka reports the client host as "/<ip>".
  const std::string& peer = ctx.conn->peer();
  g.client_host.reserve(peer.size() + 1);
  g.client_host.push_back('/');
  g.client_host.append(peer, 0, peer.rfind(':'));
  return g;
}

}  // namespace

void Broker::DispatchGroup(const RequestContext& ctx, kafka::AnyMessage& body) {
  auto g = GroupContext(ctx);
  auto reply = [this, ctx](auto resp) { Respond(ctx, resp); };
  switch (ctx.api_key) {
    case 10: {
      group::NodeEndpoint self{config_.node_id, config_.advertised_listeners.front().host,
                               config_.advertised_listeners.front().port};
      return coordinator_->FindCoordinator(g, body.As<msg::FindCoordinatorRequest>(), self,
                                           [reply](msg::FindCoordinatorResponse r) { reply(std::move(r)); });
    }
    case 11:
      return coordinator_->JoinGroup(g, std::move(body.As<msg::JoinGroupRequest>()),
                                     [reply](msg::JoinGroupResponse r) { reply(std::move(r)); });
    case 14:
      return coordinator_->SyncGroup(g, std::move(body.As<msg::SyncGroupRequest>()),
                                     [reply](msg::SyncGroupResponse r) { reply(std::move(r)); });
    case 12:
      return coordinator_->Heartbeat(g, body.As<msg::HeartbeatRequest>(),
                                     [reply](msg::HeartbeatResponse r) { reply(std::move(r)); });
    case 13:
      return coordinator_->LeaveGroup(g, body.As<msg::LeaveGroupRequest>(),
                                      [reply](msg::LeaveGroupResponse r) { reply(std::move(r)); });
    case 8:
      return coordinator_->OffsetCommit(g, body.As<msg::OffsetCommitRequest>(),
                                        [reply](msg::OffsetCommitResponse r) { reply(std::move(r)); });
    case 9:
      return coordinator_->OffsetFetch(g, body.As<msg::OffsetFetchRequest>(),
                                       [reply](msg::OffsetFetchResponse r) { reply(std::move(r)); });
    case 15:
      return coordinator_->DescribeGroups(g, body.As<msg::DescribeGroupsRequest>(),
                                          [reply](msg::DescribeGroupsResponse r) { reply(std::move(r)); });
    case 16:
      return coordinator_->ListGroups(g, body.As<msg::ListGroupsRequest>(),
                                      [reply](msg::ListGroupsResponse r) { reply(std::move(r)); });
    case 42:
      return coordinator_->DeleteGroups(g, body.As<msg::DeleteGroupsRequest>(),
                                        [reply](msg::DeleteGroupsResponse r) { reply(std::move(r)); });
    default:
      ctx.conn->Close("not a group api: " + std::to_string(ctx.api_key));
  }
}

}  // namespace sluice::broker
