// Logging setup. Thread-safety: see logging.h.
#include "base/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace sluice {
namespace {

constexpr char kPattern[] = "%Y-%m-%d %H:%M:%S.%e %^%L%$ [%t] %s:%#] %v";

std::mutex& OnceMutex() {
  static std::mutex mu;
  return mu;
}

std::set<std::string, std::less<>>& OnceKeys() {
  static std::set<std::string, std::less<>> keys;
  return keys;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;  // b is lower case
  }
  return true;
}

}  // namespace

Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name) {
  struct Entry {
    std::string_view name;
    spdlog::level::level_enum level;
  };
  static constexpr Entry kLevels[] = {
      {"trace", spdlog::level::trace},       {"all", spdlog::level::trace},
      {"debug", spdlog::level::debug},       {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},         {"warning", spdlog::level::warn},
      {"error", spdlog::level::err},         {"fatal", spdlog::level::critical},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off},
  };
  for (const Entry& e : kLevels) {
    if (EqualsIgnoreCase(name, e.name)) return e.level;
  }
  return Status::InvalidArgument("unknown log level \"" + std::string(name) +
                                 "\" (expected trace, debug, info, warn, error or off)");
}

Status InitLogging(std::string_view level, spdlog::sink_ptr sink) {
  ASSIGN_OR_RETURN(spdlog::level::level_enum lvl, ParseLogLevel(level));
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("sluice", std::move(sink));
  logger->set_pattern(kPattern);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return Status::OK();
}

void SetLogLevel(spdlog::level::level_enum level) { spdlog::default_logger_raw()->set_level(level); }

bool FirstTimeForKey(std::string_view key) {
  std::lock_guard<std::mutex> lock(OnceMutex());
  auto& keys = OnceKeys();
  if (keys.find(key) != keys.end()) return false;
  keys.emplace(key);
  return true;
}

void ResetLogOnceKeysForTest() {
  std::lock_guard<std::mutex> lock(OnceMutex());
  OnceKeys().clear();
}

}  // namespace sluice
