// Helpers shared by the Connect integration tests: polling with a deadline, reading JSON from REST,
// files of lines, producing and consuming with kcat.
// Thread-safety: test-thread only.
#pragma once

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client_process.h"
#include "worker_process.h"

namespace sluice::testing {

// Polls `cond` every 100 ms until it holds or `limit` passes; returns whether it held.
inline bool WaitUntil(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return cond();
}

inline nlohmann::json GetJson(int port, const std::string& path, int* status = nullptr) {
  HttpResponse r = Http(port, "GET", path);
  if (status != nullptr) *status = r.status;
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

inline void AppendLines(const std::string& path, const std::string& prefix, int from, int to) {
  std::ofstream out(path, std::ios::app);
  for (int i = from; i < to; ++i) out << prefix << i << "\n";
}

// Whether every task and the connector of `status` (GET .../status) are RUNNING.
inline bool AllRunning(const nlohmann::json& status, size_t tasks) {
  if (!status.is_object() || status.value("/connector/state"_json_pointer, "") != "RUNNING") return false;
  if (!status.contains("tasks") || status["tasks"].size() != tasks) return false;
  for (const auto& t : status["tasks"]) {
    if (t.value("state", "") != "RUNNING") return false;
  }
  return true;
}

// Produces each of `lines` as one record value (no key) to `topic` with kcat; "" if it worked, else
// what went wrong.
inline std::string KcatProduce(const std::string& bootstrap, const std::string& topic,
                               const std::vector<std::string>& lines) {
  const std::string kcat = kafka::testing::FindInPath("kcat");
  if (kcat.empty()) return "kcat not installed";
  std::string input;
  for (const auto& l : lines) input += l + "\n";
  auto r = kafka::testing::RunProcess({kcat, "-b", bootstrap, "-P", "-t", topic}, input, {},
                                      std::chrono::seconds(30));
  return r.ok() ? "" : r.Describe() + ": " + r.output;
}

// Every record of `topic` from the beginning, one line each in kcat's `format` (e.g. "%h\t%s\n"); empty
// if the topic does not exist (yet) or kcat failed.
inline std::vector<std::string> KcatConsume(const std::string& bootstrap, const std::string& topic,
                                            const std::string& format = "%s\n") {
  const std::string kcat = kafka::testing::FindInPath("kcat");
  if (kcat.empty()) return {};
  auto r = kafka::testing::RunProcess(
      {kcat, "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", format}, "", {},
      std::chrono::seconds(30));
  if (!r.ok()) return {};
  std::vector<std::string> out;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Waits (up to `limit`) until `topic` holds at least `count` records and returns them (kcat `format`).
inline std::vector<std::string> KcatConsumeAtLeast(const std::string& bootstrap, const std::string& topic,
                                                   size_t count, std::chrono::milliseconds limit,
                                                   const std::string& format = "%s\n") {
  std::vector<std::string> records;
  WaitUntil(
      [&] {
        records = KcatConsume(bootstrap, topic, format);
        return records.size() >= count;
      },
      limit);
  return records;
}

}  // namespace sluice::testing
