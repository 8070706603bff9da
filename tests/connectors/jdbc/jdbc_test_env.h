// The JDBC integration tests' shared environment, set up once per test binary: a private PostgreSQL
// and MariaDB (scripts/services/postgres, scripts/services/mariadb) with the seed's databases and
// connectuser/connectpass, and a Sluice broker. Helpers run SQL as the superusers (over the unix
// sockets), read topics with kcat, and restart PostgreSQL.
// Thread-safety: test-thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "broker_process.h"

namespace sluice::testing {

class JdbcEnv {
 public:
  static JdbcEnv& Get();
  bool SetUp();
  void TearDown();

  // Runs SQL in database `db` (psql as postgres / mariadb as root); rows come back tab-separated.
  bool Psql(const std::string& db, const std::string& sql, std::string* out = nullptr);
  bool Mariadb(const std::string& sql, std::string* out = nullptr);
  bool StopPostgres();
  bool StartPostgres();
  bool StopMariadb();
  bool StartMariadb();

  int pg_port() const { return pg_port_; }
  int my_port() const { return my_port_; }
  std::string pg_url(const std::string& db = "ec") const;
  std::string my_url(const std::string& db = "pos") const;
  BrokerProcess& broker() { return *broker_; }
  const std::string& dir() const { return dir_; }
  // Every record of a topic from the beginning: "<key>\t<value>" lines (kcat).
  std::vector<std::string> Topic(const std::string& topic);

 private:
  std::string dir_;
  std::string scripts_;
  int pg_port_ = 0;
  int my_port_ = 0;
  std::unique_ptr<BrokerProcess> broker_;
};

// Runs a shell command; returns its exit code and stdout.
int Run(const std::string& cmd, std::string* out = nullptr);

}  // namespace sluice::testing
