// Logging: a thin layer over spdlog. One process-wide logger writing to stderr with a compact pattern
// ("2024-05-01 12:00:00.123 I [1234] file.cc:42] message"), level names as in Kafka/log4j.
//
// Use the LOG_* macros (fmt syntax): LOG_INFO("listening on {}:{}", host, port). Arguments are not
// formatted when the level is disabled. LOG_ONCE(level, key, ...) logs only the first time `key` is
// seen in this process (e.g. "unknown config key x" for every config that carries x).
//
// Thread-safety: the LOG_* macros and FirstTimeForKey may be called from any thread. InitLogging and
// SetLogLevel should be called from main before other threads start logging.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

#include "base/status.h"

namespace sluice {

// Parses a level name case-insensitively: trace, debug, info, warn/warning, error, fatal/critical, off
// (log4j's ALL means trace). Returns InvalidArgument for anything else.
Result<spdlog::level::level_enum> ParseLogLevel(std::string_view name);

// Installs the stderr logger as spdlog's default logger with the given level. May be called again
// (e.g. after the config is read) to replace it. `sink` overrides stderr (tests capture output).
Status InitLogging(std::string_view level, spdlog::sink_ptr sink = nullptr);

// Changes the level of the current default logger.
void SetLogLevel(spdlog::level::level_enum level);

// True the first time it is called with `key` in this process, false afterwards.
bool FirstTimeForKey(std::string_view key);
// Forgets all keys seen by FirstTimeForKey (tests).
void ResetLogOnceKeysForTest();

}  // namespace sluice

#define SLUICE_LOG_(level, ...)                                                                         \
  ::spdlog::default_logger_raw()->log(::spdlog::source_loc{__FILE__, __LINE__, SPDLOG_FUNCTION}, level, \
                                      __VA_ARGS__)

#define LOG_TRACE(...) SLUICE_LOG_(::spdlog::level::trace, __VA_ARGS__)
#define LOG_DEBUG(...) SLUICE_LOG_(::spdlog::level::debug, __VA_ARGS__)
#define LOG_INFO(...) SLUICE_LOG_(::spdlog::level::info, __VA_ARGS__)
#define LOG_WARN(...) SLUICE_LOG_(::spdlog::level::warn, __VA_ARGS__)
#define LOG_ERROR(...) SLUICE_LOG_(::spdlog::level::err, __VA_ARGS__)

// LOG_ONCE(::spdlog::level::warn, "cfg:" + key, "unknown config {}", key)
#define LOG_ONCE(level, key, ...)                                        \
  do {                                                                   \
    if (::sluice::FirstTimeForKey(key)) SLUICE_LOG_(level, __VA_ARGS__); \
  } while (0)
