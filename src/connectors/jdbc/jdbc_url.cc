// JDBC URL parsing. See jdbc_url.h.
#include "connectors/jdbc/jdbc_url.h"

#include <cctype>
#include <charconv>

namespace sluice::connectors::jdbc {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      int v = 0;
      std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      out.push_back(static_cast<char>(v));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Status Bad(std::string_view url, std::string_view why) {
  std::string shown(url);
  if (size_t at = shown.find("password="); at != std::string::npos)
    shown = shown.substr(0, at) + "password=...";
  return Status::InvalidArgument("invalid JDBC URL '" + shown + "': " + std::string(why));
}

void QuoteConnInfo(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out += "' ";
}

}  // namespace

std::string_view DialectName(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "PostgreSqlDatabaseDialect" : "MySqlDatabaseDialect";
}

std::string JdbcUrl::Param(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (IEquals(k, key)) return v;
  }
  return "";
}

Result<JdbcUrl> ParseJdbcUrl(std::string_view url) {
  JdbcUrl out;
  std::string_view rest;
  constexpr std::string_view kPg = "jdbc:postgresql:";
  constexpr std::string_view kMy = "jdbc:mysql:";
  constexpr std::string_view kMaria = "jdbc:mariadb:";
  auto starts = [&](std::string_view p) {
    return url.size() >= p.size() && IEquals(url.substr(0, p.size()), p);
  };
  if (starts(kPg)) {
    out.dialect = Dialect::kPostgres;
    rest = url.substr(kPg.size());
  } else if (starts(kMy) || starts(kMaria)) {
    out.dialect = Dialect::kMySql;
    rest = url.substr(starts(kMy) ? kMy.size() : kMaria.size());
  } else {
    return Bad(url, "expected jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb://");
  }
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    out.database = slash == std::string_view::npos ? "" : PercentDecode(rest.substr(slash + 1));
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      std::string_view cred = authority.substr(0, at);
      authority = authority.substr(at + 1);
      size_t colon = cred.find(':');
      out.user = PercentDecode(cred.substr(0, colon));
      if (colon != std::string_view::npos) out.password = PercentDecode(cred.substr(colon + 1));
    }
    // First host of a failover list.
    if (size_t comma = authority.find(','); comma != std::string_view::npos)
      authority = authority.substr(0, comma);
    std::string_view host = authority;
    if (authority.starts_with("[")) {  // [ipv6]:port
      size_t close = authority.find(']');
      if (close == std::string_view::npos) return Bad(url, "unterminated [ in host");
      host = authority.substr(1, close - 1);
      authority = authority.substr(close + 1);
      if (authority.starts_with(":"))
        authority.remove_prefix(1);
      else
        authority = {};
    } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      authority = authority.substr(colon + 1);
    } else {
      authority = {};
    }
    if (!authority.empty()) {
      int port = 0;
      auto [p, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), port);
      if (ec != std::errc() || p != authority.data() + authority.size() || port <= 0 || port > 65535) {
        return Bad(url, "bad port '" + std::string(authority) + "'");
      }
      out.port = port;
    }
    if (!host.empty()) out.host = std::string(host);
  } else {
    if (out.dialect == Dialect::kMySql) return Bad(url, "expected // after the scheme");
    out.database = PercentDecode(rest);
  }
  while (!out.database.empty() && out.database.back() == '/') out.database.pop_back();
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    std::string k = PercentDecode(kv.substr(0, eq));
    std::string v = eq == std::string_view::npos ? "" : PercentDecode(kv.substr(eq + 1));
    if (IEquals(k, "user")) {
      out.user = v;
    } else if (IEquals(k, "password")) {
      out.password = v;
    } else {
      out.params.emplace_back(std::move(k), std::move(v));
    }
  }
  if (out.dialect == Dialect::kMySql && out.database.empty()) {
    return Bad(url, "no database after the host (jdbc:mysql://host:3306/database)");
  }
  return out;
}

std::string PostgresConnInfo(const JdbcUrl& url, std::string_view user, std::string_view password,
                             int default_connect_timeout_s) {
  std::string out;
  QuoteConnInfo(out, "host", url.host);
  QuoteConnInfo(out, "port", std::to_string(url.effective_port()));
  if (!url.database.empty()) QuoteConnInfo(out, "dbname", url.database);
  if (!user.empty()) QuoteConnInfo(out, "user", user);
  if (!password.empty()) QuoteConnInfo(out, "password", password);
  bool timeout_set = false;
  bool sslmode_set = false;
  for (const auto& [k, v] : url.params) {
    if (IEquals(k, "sslmode") || IEquals(k, "sslrootcert") || IEquals(k, "sslcert") || IEquals(k, "sslkey") ||
        IEquals(k, "options") || IEquals(k, "target_session_attrs") || IEquals(k, "application_name")) {
      std::string key = k;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key == "sslmode") {
        // pgjdbc's names: disable, allow, prefer, require, verify-ca, verify-full (the same as libpq).
        sslmode_set = true;
      }
      QuoteConnInfo(out, key, v);
    } else if (IEquals(k, "ApplicationName")) {
      QuoteConnInfo(out, "application_name", v);
    } else if (IEquals(k, "connectTimeout") || IEquals(k, "connect_timeout") || IEquals(k, "loginTimeout")) {
      QuoteConnInfo(out, "connect_timeout", v);
      timeout_set = true;
    }
  }
  if (!sslmode_set && (IEquals(url.Param("ssl"), "true"))) QuoteConnInfo(out, "sslmode", "require");
  if (!timeout_set && default_connect_timeout_s > 0) {
    QuoteConnInfo(out, "connect_timeout", std::to_string(default_connect_timeout_s));
  }
  if (url.Param("ApplicationName").empty() && url.Param("application_name").empty()) {
    QuoteConnInfo(out, "application_name", "sluice-jdbc-source");
  }
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace sluice::connectors::jdbc
