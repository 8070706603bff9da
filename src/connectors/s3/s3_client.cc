// S3Client on libcurl. See s3_client.h.
#include "connectors/s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "base/logging.h"

namespace sluice::connectors::s3 {
namespace {

std::once_flag g_curl_init;

size_t WriteBody(char* ptr, size_t size, size_t n, void* userdata) {
  static_cast<std::string*>(userdata)->append(ptr, size * n);
  return size * n;
}

size_t WriteHeader(char* ptr, size_t size, size_t n, void* userdata) {
  std::string_view line(ptr, size * n);
  constexpr std::string_view kEtag = "etag:";
  if (line.size() > kEtag.size()) {
    std::string lower(line.substr(0, kEtag.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (lower == kEtag) {
      std::string_view v = line.substr(kEtag.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
      *static_cast<std::string*>(userdata) = std::string(v);
    }
  }
  return size * n;
}

std::string XmlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out.push_back(s[i]);
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp")
      out.push_back('&');
    else if (ent == "lt")
      out.push_back('<');
    else if (ent == "gt")
      out.push_back('>');
    else if (ent == "quot")
      out.push_back('"');
    else if (ent == "apos")
      out.push_back('\'');
    else if (!ent.empty() && ent[0] == '#') {
      unsigned long cp = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                             ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                             : std::stoul(std::string(ent.substr(1)));
      if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
      } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

bool RetriableHttp(long status) { return status >= 500 || status == 408 || status == 429; }

}  // namespace

std::string XmlTag(std::string_view xml, std::string_view tag, size_t* pos, bool decode) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  size_t from = pos != nullptr ? *pos : 0;
  size_t a = xml.find(open, from);
  if (a == std::string_view::npos) {
    if (pos != nullptr) *pos = std::string_view::npos;
    return "";
  }
  a += open.size();
  size_t b = xml.find(close, a);
  if (b == std::string_view::npos) b = xml.size();
  if (pos != nullptr) *pos = b;
  return decode ? XmlUnescape(xml.substr(a, b - a)) : std::string(xml.substr(a, b - a));
}

S3Client::S3Client(S3ClientOptions options, AwsCredentials credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string ep =
      options_.endpoint.empty() ? "https://s3." + options_.region + ".amazonaws.com" : options_.endpoint;
  size_t sep = ep.find("://");
  scheme_ = sep == std::string::npos ? "https" : ep.substr(0, sep);
  host_ = sep == std::string::npos ? ep : ep.substr(sep + 3);
  while (!host_.empty() && host_.back() == '/') host_.pop_back();
  // Default ports are left out of the Host header (as botocore and curl do).
  if (scheme_ == "http" && host_.ends_with(":80")) host_.resize(host_.size() - 3);
  if (scheme_ == "https" && host_.ends_with(":443")) host_.resize(host_.size() - 4);
  curl_ = curl_easy_init();
}

S3Client::~S3Client() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<S3Client::Response> S3Client::SendOnce(const Request& req, std::string* transport_error) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  SigningRequest sr;
  sr.method = req.method;
  std::string path;
  if (options_.path_style) {
    sr.host = host_;
    path = "/" + UriEncode(options_.bucket, true);
    if (!req.key.empty()) path += "/" + UriEncode(req.key, false);
  } else {
    sr.host = options_.bucket + "." + host_;
    path = "/" + UriEncode(req.key, false);
  }
  sr.encoded_path = path;
  sr.query = req.query;
  sr.headers = req.headers;
  sr.payload_sha256 = Sha256Hex(req.body);
  sr.amz_date = AmzDate(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  HeaderList signed_headers = SignV4(sr, credentials_, options_.region);
  std::string url = scheme_ + "://" + sr.host + path;
  std::string qs = CanonicalQueryString(req.query);
  if (!qs.empty()) url += "?" + qs;

  curl_slist* hl = nullptr;
  for (const auto& [k, v] : signed_headers) {
    if (k == "host") continue;  // curl derives the same from the URL
    hl = curl_slist_append(hl, (k + ": " + v).c_str());
  }
  hl = curl_slist_append(hl, "Expect:");
  if (req.method == "PUT" || req.method == "POST") {
    bool has_type = std::any_of(req.headers.begin(), req.headers.end(),
                                [](const auto& h) { return h.first == "content-type"; });
    if (!has_type) hl = curl_slist_append(hl, "Content-Type:");
  }
  Response resp;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(std::max<int64_t>(1, options_.stall_timeout_ms / 1000)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.etag);
  if (req.head) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "PUT" || req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  ++requests_;
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(hl);
  if (rc != CURLE_OK) {
    *transport_error = curl_easy_strerror(rc);
    return Status::Unavailable(*transport_error);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

Result<S3Client::Response> S3Client::Send(const Request& req) {
  const std::string what =
      "S3 " + req.method + " " + options_.bucket + (req.key.empty() ? "" : "/" + req.key);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string last_error;
  for (int attempt = 0;; ++attempt) {
    std::string transport;
    Result<Response> r = SendOnce(req, &transport);
    if (r.ok()) {
      Response& resp = *r;
      bool error_body =
          resp.status == 200 && req.method == "POST" && resp.body.find("<Error>") != std::string::npos;
      if (resp.status >= 200 && resp.status < 300 && !error_body) return r;
      std::string code = XmlTag(resp.body, "Code");
      std::string message = XmlTag(resp.body, "Message");
      if (code.empty() && resp.status == 403)
        code = "Forbidden (no error body: check the credentials and policy)";
      if (code.empty() && resp.status == 404) code = "NotFound";
      last_error = std::to_string(resp.status) + (code.empty() ? "" : " " + code) +
                   (message.empty() ? "" : ": " + message);
      if (!RetriableHttp(resp.status) && !error_body) {
        if (resp.status == 404) return Status::NotFound(what + ": " + last_error);
        return Status::IOError(what + ": " + last_error);
      }
    } else {
      last_error = transport;
    }
    if (attempt >= options_.part_retries || (stop_ != nullptr && stop_->load())) break;
    // Exponential backoff with full jitter.
    int64_t cap = std::min<int64_t>(options_.retry_backoff_ms << std::min(attempt, 16), 20000);
    int64_t wait = std::uniform_int_distribution<int64_t>(cap / 2, std::max<int64_t>(cap, 1))(rng);
    LOG_DEBUG("{} failed ({}), retry {} in {} ms", what, last_error, attempt + 1, wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
  return Status::Unavailable(what + ": " + last_error);
}

Status S3Client::PutObject(std::string_view key, std::string_view body, std::string_view content_type) {
  Request r{"PUT", std::string(key), {}, {}, body};
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::string(content_type));
  if (!options_.sse.empty()) r.headers.emplace_back("x-amz-server-side-encryption", options_.sse);
  if (!options_.acl_canned.empty()) r.headers.emplace_back("x-amz-acl", options_.acl_canned);
  return Send(r).status();
}

Result<std::string> S3Client::GetObject(std::string_view key) {
  ASSIGN_OR_RETURN(Response resp, Send(Request{"GET", std::string(key), {}, {}, {}}));
  return std::move(resp.body);
}

Status S3Client::HeadObject(std::string_view key) {
  Request r{"HEAD", std::string(key), {}, {}, {}};
  r.head = true;
  return Send(r).status();
}

Status S3Client::DeleteObject(std::string_view key) {
  return Send(Request{"DELETE", std::string(key), {}, {}, {}}).status();
}

Status S3Client::HeadBucket() {
  Request r{"HEAD", "", {}, {}, {}};
  r.head = true;
  return Send(r).status();
}

Status S3Client::CreateBucket() { return Send(Request{"PUT", "", {}, {}, {}}).status(); }

Result<std::string> S3Client::CreateMultipartUpload(std::string_view key, std::string_view content_type) {
  Request r{"POST", std::string(key), {{"uploads", ""}}, {}, {}};
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::string(content_type));
  if (!options_.sse.empty()) r.headers.emplace_back("x-amz-server-side-encryption", options_.sse);
  if (!options_.acl_canned.empty()) r.headers.emplace_back("x-amz-acl", options_.acl_canned);
  ASSIGN_OR_RETURN(Response resp, Send(r));
  std::string id = XmlTag(resp.body, "UploadId");
  if (id.empty())
    return Status::IOError("S3 CreateMultipartUpload " + std::string(key) + ": no UploadId in the answer");
  return id;
}

Result<std::string> S3Client::UploadPart(std::string_view key, std::string_view upload_id, int part_number,
                                         std::string_view body) {
  Request r{"PUT",
            std::string(key),
            {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
            {},
            body};
  ASSIGN_OR_RETURN(Response resp, Send(r));
  return std::move(resp.etag);
}

Status S3Client::CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                         const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + XmlEscape(etags[i]) +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  Request r{"POST",
            std::string(key),
            {{"uploadId", std::string(upload_id)}},
            {{"content-type", "application/xml"}},
            xml};
  Result<Response> resp = Send(r);
  // A retried Complete of an upload that did complete answers NoSuchUpload: the object is there.
  if (!resp.ok() && resp.status().message().find("NoSuchUpload") != std::string::npos &&
      HeadObject(key).ok()) {
    return Status::OK();
  }
  return resp.status();
}

Status S3Client::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  Result<Response> resp =
      Send(Request{"DELETE", std::string(key), {{"uploadId", std::string(upload_id)}}, {}, {}});
  if (!resp.ok()) {
    const std::string& m = resp.status().message();
    if (m.find(": 405") != std::string::npos || m.find(": 501") != std::string::npos ||
        resp.status().code() == Status::Code::kNotFound) {
      return Status::OK();
    }
  }
  return resp.status();
}

Result<ListResult> S3Client::ListObjects(std::string_view prefix, std::string_view start_after,
                                         std::string_view continuation_token, int max_keys) {
  Request r{"GET",
            "",
            {{"list-type", "2"}, {"prefix", std::string(prefix)}, {"max-keys", std::to_string(max_keys)}},
            {},
            {}};
  if (!start_after.empty()) r.query.emplace_back("start-after", std::string(start_after));
  if (!continuation_token.empty())
    r.query.emplace_back("continuation-token", std::string(continuation_token));
  ASSIGN_OR_RETURN(Response resp, Send(r));
  ListResult out;
  size_t pos = 0;
  while (true) {
    std::string block = XmlTag(resp.body, "Contents", &pos, /*decode=*/false);
    if (pos == std::string::npos) break;
    ObjectInfo info;
    info.key = XmlTag(block, "Key");
    std::string size = XmlTag(block, "Size");
    info.size = size.empty() ? 0 : std::stoll(size);
    out.objects.push_back(std::move(info));
  }
  if (XmlTag(resp.body, "IsTruncated") == "true") {
    out.next_continuation_token = XmlTag(resp.body, "NextContinuationToken");
  }
  return out;
}

Result<std::vector<ObjectInfo>> S3Client::ListAll(std::string_view prefix, std::string_view start_after) {
  std::vector<ObjectInfo> all;
  std::string token;
  do {
    ASSIGN_OR_RETURN(ListResult page,
                     ListObjects(prefix, token.empty() ? start_after : std::string_view(), token));
    for (auto& o : page.objects) all.push_back(std::move(o));
    token = page.next_continuation_token;
  } while (!token.empty());
  return all;
}

}  // namespace sluice::connectors::s3
