// AWS credentials in the AWS SDK's order: the connector config (aws.access.key.id /
// aws.secret.access.key), then the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), then the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or
// ~/.aws/credentials) with the profile AWS_PROFILE, else [default]. Errors name where we looked, never
// a secret.
//
// Thread-safety: reads the environment and files; call from one thread at a time (getenv).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "connectors/s3/sigv4.h"

namespace sluice::connectors::s3 {

// Parses an INI credentials file's text and returns the profile's keys (NotFound if it is absent or
// lacks aws_access_key_id / aws_secret_access_key).
Result<AwsCredentials> ParseCredentialsFile(std::string_view text, std::string_view profile);

// The chain. `config_key_id`/`config_secret` are the connector's values (empty: not set).
Result<AwsCredentials> ResolveCredentials(const std::string& config_key_id, const std::string& config_secret);

}  // namespace sluice::connectors::s3
