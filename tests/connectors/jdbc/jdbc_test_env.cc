// JdbcEnv. See jdbc_test_env.h.
#include "jdbc_test_env.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "worker_process.h"

namespace sluice::testing {

int Run(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int rc = pclose(p);
  if (out != nullptr) *out = text;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

JdbcEnv& JdbcEnv::Get() {
  static JdbcEnv env;
  return env;
}

std::string JdbcEnv::pg_url(const std::string& db) const {
  return "jdbc:postgresql://127.0.0.1:" + std::to_string(pg_port_) + "/" + db;
}
std::string JdbcEnv::my_url(const std::string& db) const {
  return "jdbc:mysql://127.0.0.1:" + std::to_string(my_port_) + "/" + db;
}

bool JdbcEnv::SetUp() {
  const char* src = std::getenv("SLUICE_SOURCE_DIR");
  scripts_ = std::string(src != nullptr ? src : ".") + "/scripts/services";
  char tmpl[] = "/tmp/sluice-jdbc-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return false;
  dir_ = tmpl;
  chmod(dir_.c_str(), 0755);  // the postgres OS user must reach its data dir
  pg_port_ = FreeTcpPort();
  my_port_ = FreeTcpPort();
  if (!StartPostgres()) return false;
  if (!StartMariadb()) return false;
  // The seed's databases and user.
  if (!Psql("postgres", "CREATE DATABASE ec; CREATE USER connectuser WITH PASSWORD 'connectpass';"))
    return false;
  if (!Psql("ec", "GRANT ALL ON SCHEMA public TO connectuser;")) return false;
  if (!Mariadb("CREATE DATABASE pos; CREATE USER 'connectuser' IDENTIFIED BY 'connectpass'; "
               "GRANT ALL PRIVILEGES ON pos.* TO 'connectuser';")) {
    return false;
  }
  broker_ = std::make_unique<BrokerProcess>();
  return broker_->Start();
}

void JdbcEnv::TearDown() {
  if (broker_) broker_->Stop();
  if (dir_.empty()) return;
  Run(scripts_ + "/postgres stop " + dir_ + "/pg >&2");
  Run(scripts_ + "/mariadb stop " + dir_ + "/mariadb >&2");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool JdbcEnv::StartPostgres() {
  return Run(scripts_ + "/postgres start " + dir_ + "/pg " + std::to_string(pg_port_) + " >&2") == 0;
}
bool JdbcEnv::StopPostgres() { return Run(scripts_ + "/postgres stop " + dir_ + "/pg >&2") == 0; }
bool JdbcEnv::StartMariadb() {
  return Run(scripts_ + "/mariadb start " + dir_ + "/mariadb " + std::to_string(my_port_) + " >&2") == 0;
}
bool JdbcEnv::StopMariadb() { return Run(scripts_ + "/mariadb stop " + dir_ + "/mariadb >&2") == 0; }

bool JdbcEnv::Psql(const std::string& db, const std::string& sql, std::string* out) {
  const std::string file = dir_ + "/query.sql";
  std::ofstream(file) << sql;
  chmod(file.c_str(), 0644);
  std::string cmd = "psql -X -q -A -t -F '\t' -v ON_ERROR_STOP=1 -h " + dir_ + "/pg -p " +
                    std::to_string(pg_port_) + " -U postgres -d " + db + " -f " + file;
  return Run(cmd, out) == 0;
}

bool JdbcEnv::Mariadb(const std::string& sql, std::string* out) {
  const std::string file = dir_ + "/query-my.sql";
  std::ofstream(file) << sql;
  std::string cmd = "mariadb --no-defaults -N -B -uroot --socket=" + dir_ + "/mariadb/mysqld.sock < " + file;
  return Run(cmd, out) == 0;
}

std::vector<std::string> JdbcEnv::Topic(const std::string& topic) {
  std::string out;
  Run("kcat -b " + broker_->bootstrap() + " -C -t " + topic +
          " -o beginning -e -q -f '%k\\t%s\\n' 2>/dev/null",
      &out);
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace sluice::testing
