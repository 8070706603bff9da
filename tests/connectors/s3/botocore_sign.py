#!/usr/bin/python3
# Signs S3 requests with botocore's S3SigV4Auth at a fixed time, one JSON request per input line, and
# prints one Authorization header per line. Used by sigv4_test.cc to check our SigV4 signer.
import datetime
import json
import sys

import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode


class FixedDateTime(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return cls(2024, 1, 2, 3, 4, 5)


class FixedModule:
    datetime = FixedDateTime


auth.datetime = FixedModule

for line in sys.stdin:
    r = json.loads(line)
    key = r["key"]
    if r["path_style"]:
        host = r["endpoint_host"]
        path = "/" + r["bucket"] + ("/" + percent_encode(key, safe="/~") if key else "")
    else:
        host = r["bucket"] + "." + r["endpoint_host"]
        path = "/" + percent_encode(key, safe="/~")
    url = r["scheme"] + "://" + host + path
    params = dict(r["query"])
    req = AWSRequest(method=r["method"], url=url, headers=dict(r["headers"]), data=r["body"].encode("utf-8"),
                     params=params)
    creds = Credentials(r["access_key"], r["secret_key"], r["token"] or None)
    auth.S3SigV4Auth(creds, "s3", r["region"]).add_auth(req)
    print(req.headers["Authorization"])
