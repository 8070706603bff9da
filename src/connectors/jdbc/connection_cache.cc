// Parked connections. See connection_cache.h. One reaper thread runs while any connection is parked and
// closes those whose time is up.
#include "connectors/jdbc/connection_cache.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sluice::connectors::jdbc {
namespace {

using Clock = std::chrono::steady_clock;

// What makes two connections interchangeable (not the connect timeout: it only applies to connecting).
std::string KeyOf(const ConnectOptions& o) {
  std::string key = std::string(DialectName(o.url.dialect));
  auto add = [&](const std::string& s) {
    key += '\0';
    key += std::to_string(s.size());
    key += ':';
    key += s;
  };
  add(o.url.host);
  add(std::to_string(o.url.effective_port()));
  add(o.url.database);
  add(o.user.empty() ? o.url.user : o.user);
  add(o.password.empty() ? o.url.password : o.password);
  add(o.isolation);
  for (const auto& [k, v] : o.url.params) {
    add(k);
    add(v);
  }
  return key;
}

struct Parked {
  std::string key;
  std::unique_ptr<Database> db;
  Clock::time_point until;
};

class Parking {
 public:
  void Park(std::string key, std::unique_ptr<Database> db) {
    std::unique_ptr<Database> replaced;  // closed outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    for (Parked& p : parked_) {
      if (p.key == key) {
        replaced = std::exchange(p.db, std::move(db));
        p.until = Clock::now() + std::chrono::milliseconds(kParkedMs);
        return;
      }
    }
    parked_.push_back(
        Parked{std::move(key), std::move(db), Clock::now() + std::chrono::milliseconds(kParkedMs)});
    if (!reaper_running_) {
      reaper_running_ = true;
      std::thread([this] { Reap(); }).detach();
    }
    cv_.notify_all();
  }

  std::unique_ptr<Database> Take(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < parked_.size(); ++i) {
      if (parked_[i].key != key) continue;
      std::unique_ptr<Database> db = std::move(parked_[i].db);
      parked_.erase(parked_.begin() + static_cast<std::ptrdiff_t>(i));
      return db;
    }
    return nullptr;
  }

 private:
  void Reap() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!parked_.empty()) {
      Clock::time_point first = Clock::time_point::max();
      for (const Parked& p : parked_) first = std::min(first, p.until);
      cv_.wait_until(lock, first);
      std::vector<std::unique_ptr<Database>> expired;
      const Clock::time_point now = Clock::now();
      for (size_t i = 0; i < parked_.size();) {
        if (parked_[i].until <= now) {
          expired.push_back(std::move(parked_[i].db));
          parked_.erase(parked_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      lock.unlock();
      expired.clear();  // (closing may wait on the network)
      lock.lock();
    }
    reaper_running_ = false;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Parked> parked_;
  bool reaper_running_ = false;
};

// Never destroyed: the detached reaper may still run while the process exits.
Parking& TheParking() {
  static Parking* parking = new Parking();
  return *parking;
}

}  // namespace

void ParkConnection(const ConnectOptions& options, std::unique_ptr<Database> db) {
  if (db == nullptr) return;
  TheParking().Park(KeyOf(options), std::move(db));
}

Result<std::unique_ptr<Database>> ConnectOrReuse(const ConnectOptions& options) {
  if (std::unique_ptr<Database> db = TheParking().Take(KeyOf(options))) {
    if (db->IsValid()) return db;  // (else it is closed and a new one made)
  }
  return Connect(options);
}

}  // namespace sluice::connectors::jdbc
