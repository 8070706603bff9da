// Client driver scripts for the integration tests. Thread-safety: see client_scripts.h.
#include "client_scripts.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace sluice::testing {

namespace {

using kafka::testing::FindInPath;
using kafka::testing::ProcessResult;
using kafka::testing::RunProcess;

constexpr char kPython[] = "/usr/bin/python3";

std::string SourceDir() {
  if (const char* env = std::getenv("SLUICE_SOURCE_DIR")) return env;
  return SLUICE_DEFAULT_SOURCE_DIR;
}

std::string ScriptsDir() { return SourceDir() + "/tests/broker/integration/clients"; }

bool PythonHas(const std::string& module) {
  if (access(kPython, X_OK) != 0) return false;
  return RunProcess({kPython, "-c", "import " + module}, "", {}, std::chrono::seconds(30)).ok();
}

std::vector<std::string> Command(Client c) {
  switch (c) {
    case Client::kKafkaPython:
      return {kPython, ScriptsDir() + "/kafka_python_client.py"};
    case Client::kConfluentKafka:
      return {kPython, ScriptsDir() + "/confluent_kafka_client.py"};
    case Client::kKafkajs:
      return {FindInPath("node"), ScriptsDir() + "/kafkajs_client.js"};
  }
  return {};
}

}  // namespace

std::string ClientName(Client c) {
  switch (c) {
    case Client::kKafkaPython:
      return "KafkaPython";
    case Client::kKafkajs:
      return "Kafkajs";
    case Client::kConfluentKafka:
      return "ConfluentKafka";
  }
  return "?";
}

std::string ClientUnavailable(Client c) {
  switch (c) {
    case Client::kKafkaPython:
      return PythonHas("kafka") ? "" : "kafka-python is not installed for /usr/bin/python3";
    case Client::kConfluentKafka:
      return PythonHas("confluent_kafka") ? "" : "confluent_kafka is not installed for /usr/bin/python3";
    case Client::kKafkajs: {
      const std::string node = FindInPath("node");
      if (node.empty()) return "node is not installed";
      const bool ok = RunProcess({node, "-e", "require('kafkajs')"}, "",
                                 {"NODE_PATH=" + SourceDir() + "/node_modules"}, std::chrono::seconds(30))
                          .ok();
      return ok ? "" : "kafkajs is not installed in node_modules (scripts/setup installs it)";
    }
  }
  return "unknown client";
}

ProcessResult RunClient(Client c, const std::vector<std::string>& args, std::chrono::seconds limit) {
  std::vector<std::string> argv = Command(c);
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = RunProcess(argv, "", {"NODE_PATH=" + SourceDir() + "/node_modules"}, limit);
  std::string shown;
  for (const std::string& a : args) shown += " " + a;
  std::cout << "---- " << ClientName(c) << shown << " (" << r.Describe() << "):\n"
            << r.output.substr(0, 20000) << (r.output.size() > 20000 ? "\n[...]\n" : "") << "----\n";
  return r;
}

std::vector<std::vector<std::string>> Lines(const std::string& output, const std::string& tag) {
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    if (!(words >> first) || first != tag) continue;
    std::vector<std::string> fields;
    for (std::string w; words >> w;) fields.push_back(w);
    lines.push_back(std::move(fields));
  }
  return lines;
}

void EnableBrokerDebugLog() { setenv("SLUICE_LOG_LEVEL", "debug", 1); }

std::vector<std::string> UnexpectedCloses(const std::string& broker_output) {
  static const char* const kBenign[] = {"peer closed", "server stopping", "Connection reset by peer",
                                        "Broken pipe"};
  std::vector<std::string> bad;
  std::istringstream in(broker_output);
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find(" closed: ");
    if (line.find("connection ") == std::string::npos || at == std::string::npos) continue;
    const std::string reason = line.substr(at + 9);
    bool benign = false;
    for (const char* b : kBenign) benign = benign || reason == b;
    if (!benign) bad.push_back(line);
  }
  return bad;
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string ExpectedKey(int i) { return "k-" + std::to_string(i); }

std::string ExpectedValue(int i) {
  std::string v = "v-" + std::to_string(i) + "-";
  for (int j = 0; j < i % 64; ++j) v.push_back(static_cast<char>((i * 31 + j) % 256));
  return v;
}

}  // namespace sluice::testing
