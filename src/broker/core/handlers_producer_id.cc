// InitProducerId v0-v4 for idempotent producers (transactional ids are not supported: transactions
// need a transaction coordinator this broker does not have, so such requests get
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which clients report as fatal at init).
//
// Producer ids are unique across restarts: ids are handed out from blocks of kIdBlock whose end is
// persisted in <first log dir>/producer-id-block before any id of the block is used
// (format: one decimal int64 line, rewritten atomically through a temp file + rename).
// A producer that presents its id and epoch (v3+) gets the epoch bumped (KIP-360).
// Thread-safety: loop thread only.
#include <fstream>

#include "base/logging.h"
#include "broker/core/broker.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/generated/init_producer_id.h"

namespace sluice::broker {

using kafka::ErrorCode;
namespace msg = kafka::messages;

namespace {
constexpr int64_t kIdBlock = 1000;
}

Result<int64_t> Broker::NextProducerId() {
  if (next_producer_id_ >= producer_id_block_end_) {
    const std::string path = config_.log_dirs.front() + "/producer-id-block";
    int64_t persisted = 0;
    {
      std::ifstream in(path);
      in >> persisted;
    }
    const int64_t start = std::max(persisted, next_producer_id_);
    const int64_t end = start + kIdBlock;
    const std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << end << "\n";
      if (!out.flush()) return Status::IOError("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename " + tmp, errno);
    next_producer_id_ = start;
    producer_id_block_end_ = end;
  }
  return next_producer_id_++;
}

void Broker::HandleInitProducerId(const RequestContext& ctx, kafka::AnyMessage& body) {
  const auto& req = body.As<msg::InitProducerIdRequest>();
  msg::InitProducerIdResponse resp;
  if (req.transactional_id && !req.transactional_id->empty()) {
    resp.error_code = static_cast<int16_t>(ErrorCode::kTransactionalIdAuthorizationFailed);
  } else if (req.producer_id >= 0 && req.producer_epoch >= 0) {
    // Epoch bump for a known producer (KIP-360); the id stays.
    resp.producer_id = req.producer_id;
    resp.producer_epoch = static_cast<int16_t>(req.producer_epoch + 1);
    if (resp.producer_epoch < 0) {  // exhausted: a new id
      auto id = NextProducerId();
      resp.producer_id = id.ok() ? *id : -1;
      resp.producer_epoch = 0;
    }
  } else {
    auto id = NextProducerId();
    if (!id.ok()) {
      LOG_ERROR("cannot allocate a producer id: {}", id.status().ToString());
      resp.error_code = static_cast<int16_t>(ErrorCode::kKafkaStorageError);
    } else {
      resp.producer_id = *id;
      resp.producer_epoch = 0;
    }
  }
  Respond(ctx, resp);
}

}  // namespace sluice::broker
