// The multi-call binary: `sluice <command> ...`, or a Kafka tool name (kafka-console-consumer,
// connect-distributed, ...) as argv[0] through a link beside it. Commands register in kCommands.
// Thread-safety: runs on the main thread before any other thread starts.
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/version.h"

namespace {

using CommandFn = int (*)(std::span<char*> args);

struct Command {
  std::string_view name;   // `sluice <name>`
  std::string_view alias;  // argv[0] name of the Kafka tool it stands for, or empty
  std::string_view summary;
  CommandFn run;
};

int RunVersion(std::span<char*>) {
  std::printf("sluice %s (commit %s)\n", sluice::kVersion, sluice::kGitCommit);
  return 0;
}

int RunHelp(std::span<char*>);

constexpr Command kCommands[] = {
    {"broker", "kafka-server-start", "run the Kafka-compatible broker: broker server.properties",
     sluice::cli::RunBroker},
    {"connect-distributed", "connect-distributed",
     "run a Kafka Connect worker of a cluster: connect-distributed worker.properties",
     sluice::cli::RunConnectDistributed},
    {"connect-standalone", "connect-standalone",
     "run a standalone Kafka Connect worker: connect-standalone worker.properties [connector.properties]...",
     sluice::cli::RunConnectStandalone},
    {"kafka-console-consumer", "kafka-console-consumer",
     "print records of a topic: kafka-console-consumer --bootstrap-server b --topic t [--from-beginning]",
     sluice::cli::RunConsoleConsumer},
    {"kafka-console-producer", "kafka-console-producer",
     "produce stdin's lines to a topic: kafka-console-producer --bootstrap-server b --topic t",
     sluice::cli::RunConsoleProducer},
    {"kafka-topics", "kafka-topics",
     "create, list, describe, alter or delete topics: kafka-topics --bootstrap-server b --list",
     sluice::cli::RunTopics},
    {"kafka-consumer-groups", "kafka-consumer-groups",
     "list, describe, delete consumer groups, reset offsets: kafka-consumer-groups --bootstrap-server b "
     "--list",
     sluice::cli::RunConsumerGroups},
    {"standalone", "",
     "broker and Connect worker in one process, one data folder: standalone [--data DIR] [connector]...",
     sluice::cli::RunStandalone},
    {"version", "", "print the version", RunVersion},
    {"help", "", "list the commands", RunHelp},
};

int RunHelp(std::span<char*>) {
  std::printf(
      "sluice %s: a data hub in one binary (Kafka-compatible broker, Kafka Connect runtime,\n"
      "JDBC source and S3 sink connectors).\n\n"
      "Usage: sluice <command> [args...]   or call a Kafka tool name linked to this binary.\n\n"
      "Commands:\n",
      sluice::kVersion);
  for (const auto& c : kCommands) {
    std::printf("  %-28.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::printf(
      "\nOptions:\n  --help, -h                   this text\n  --version, -V                the version\n");
  return 0;
}

std::string_view BaseName(const char* path) {
  std::string_view s(path);
  auto slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::span<char*> args(argv, static_cast<size_t>(argc));
  std::string_view self = BaseName(argv[0]);
  for (const auto& c : kCommands) {
    if (!c.alias.empty() && self == c.alias) return c.run(args.subspan(1));
  }
  if (argc < 2) {
    RunHelp(args);
    return 2;
  }
  std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h") return RunHelp(args);
  if (cmd == "--version" || cmd == "-V") return RunVersion(args);
  for (const auto& c : kCommands) {
    if (cmd == c.name) return c.run(args.subspan(2));
  }
  std::fprintf(stderr, "sluice: unknown command '%s'; see 'sluice --help'\n", argv[1]);
  return 2;
}
