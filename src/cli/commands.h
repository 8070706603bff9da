// The commands of the multi-call binary; each takes the arguments after its name.
// Thread-safety: called once from main.
#pragma once

#include <span>

namespace sluice::cli {

int RunBroker(std::span<char*> args);
int RunConnectDistributed(std::span<char*> args);
int RunConnectStandalone(std::span<char*> args);
int RunConsoleConsumer(std::span<char*> args);
int RunConsoleProducer(std::span<char*> args);
int RunTopics(std::span<char*> args);
int RunConsumerGroups(std::span<char*> args);
int RunStandalone(std::span<char*> args);

}  // namespace sluice::cli
