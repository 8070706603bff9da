// The AWS credentials chain. See credentials.h.
#include "connectors/s3/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::connectors::s3 {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile) {
  AwsCredentials out;
  bool in_profile = false;
  bool found = false;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string name = Trim(std::string_view(t).substr(1, t.size() - 2));
      if (name.starts_with("profile ")) name = Trim(std::string_view(name).substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(std::string_view(t).substr(0, eq));
    std::string value = Trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id")
      out.access_key_id = value;
    else if (key == "aws_secret_access_key")
      out.secret_access_key = value;
    else if (key == "aws_session_token")
      out.session_token = value;
  }
  if (!found) return Status::NotFound("profile [" + std::string(profile) + "] not found");
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return Status::NotFound("profile [" + std::string(profile) +
                            "] lacks aws_access_key_id or aws_secret_access_key");
  }
  return out;
}

Result<AwsCredentials> ResolveCredentials(const std::string& config_key_id,
                                          const std::string& config_secret) {
  if (!config_key_id.empty() && !config_secret.empty()) {
    return AwsCredentials{config_key_id, config_secret, "", "connector config"};
  }
  if (!config_key_id.empty() || !config_secret.empty()) {
    return Status::InvalidArgument("aws.access.key.id and aws.secret.access.key must be set together");
  }
  std::string id = Env("AWS_ACCESS_KEY_ID");
  std::string secret = Env("AWS_SECRET_ACCESS_KEY");
  if (!id.empty() && !secret.empty())
    return AwsCredentials{id, secret, Env("AWS_SESSION_TOKEN"), "environment"};
  std::string path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty()) {
    std::string home = Env("HOME");
    if (!home.empty()) path = home + "/.aws/credentials";
  }
  std::string profile = Env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  std::string where = "the connector config (aws.access.key.id), the environment (AWS_ACCESS_KEY_ID)";
  if (!path.empty()) {
    std::ifstream f(path);
    if (f) {
      std::stringstream ss;
      ss << f.rdbuf();
      Result<AwsCredentials> c = ParseCredentialsFile(ss.str(), profile);
      if (c.ok()) {
        c->source = path + " [" + profile + "]";
        return c;
      }
      return Status::InvalidArgument("No AWS credentials: looked in " + where + " and " + path + ": " +
                                     c.status().message());
    }
    where += " and " + path + " (missing)";
  }
  return Status::InvalidArgument("No AWS credentials: looked in " + where);
}

}  // namespace sluice::connectors::s3
