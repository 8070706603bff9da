// Shared by the real-client integration tests: runs the driver scripts in clients/ (kafka-python,
// kafkajs, confluent_kafka) with a time limit, parses their "TAG field ..." output lines and builds
// the message contents the scripts produce (key "k-<i>", binary value ExpectedValue(i)).
// Thread-safety: free functions without shared state (RunProcess's notes apply).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "client_process.h"

namespace sluice::testing {

enum class Client { kKafkaPython, kKafkajs, kConfluentKafka };

std::string ClientName(Client c);

// An empty string when `c` can run here, else why not (for GTEST_SKIP).
std::string ClientUnavailable(Client c);

// Runs `<c's script> args...`; the output is echoed to stdout for the test log.
kafka::testing::ProcessResult RunClient(Client c, const std::vector<std::string>& args,
                                        std::chrono::seconds limit = std::chrono::seconds(60));

// The fields after `tag` of every output line that starts with "tag ".
std::vector<std::vector<std::string>> Lines(const std::string& output, const std::string& tag);

// Brokers started from now on log at debug level, which includes why each connection was closed.
void EnableBrokerDebugLog();
// The broker's "connection ... closed: REASON" lines whose reason is not the client going away or the
// broker stopping (e.g. "cannot encode response", "unsupported request"): the broker dropped a client.
std::vector<std::string> UnexpectedCloses(const std::string& broker_output);

std::string Hex(const std::string& bytes);
std::string ExpectedKey(int i);    // "k-<i>"
std::string ExpectedValue(int i);  // "v-<i>-" then i % 64 bytes (i * 31 + j) % 256

}  // namespace sluice::testing
