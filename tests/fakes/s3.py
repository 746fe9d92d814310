"""A strict fake S3-compatible endpoint (path-style) on 127.0.0.1, for the S3 media host.

Verifies AWS Signature Version 4 itself (independently of botocore, which signs):
header-signed ``PUT``/``DELETE /{bucket}/{key}`` (``Authorization: AWS4-HMAC-SHA256
Credential=..., SignedHeaders=..., Signature=...``, ``x-amz-date``,
``x-amz-content-sha256`` equal to the body's SHA-256) and presigned ``GET`` URLs
(``X-Amz-Algorithm``, ``X-Amz-Credential``, ``X-Amz-Date``, ``X-Amz-Expires`` ≤ 604800,
``X-Amz-SignedHeaders``, ``X-Amz-Signature``; expired -> 403). The bucket is private: an
unsigned GET is 403 ``AccessDenied``. Errors are S3's XML ``<Error><Code>…``.
Source: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakes.graph import _Handler, _Reply
from tests.fakes.server import FakeServer

MAX_EXPIRES = 604800


def _sign_key(secret: str, day: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


def signature(
    secret: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    signed: list[str],
    payload_hash: str,
    amz_date: str,
    scope: str,
) -> str:
    """The SigV4 signature of a request (``query`` without ``X-Amz-Signature``)."""
    canonical_query = "&".join(
        f"{_quote(k)}={_quote(v)}" for k, v in sorted(query, key=lambda kv: (kv[0], kv[1]))
    )
    canonical_headers = "".join(f"{h}:{' '.join(headers[h].split())}\n" for h in signed)
    canonical = "\n".join(
        [method, path, canonical_query, canonical_headers, ";".join(signed), payload_hash]
    )
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    day, region, service, _end = scope.split("/")
    return hmac.new(
        _sign_key(secret, day, region, service), to_sign.encode(), hashlib.sha256
    ).hexdigest()


class FakeS3(FakeServer):
    """One bucket with one access key pair; ``clock`` returns epoch seconds."""

    def __init__(
        self,
        bucket: str,
        access_key: str,
        secret_key: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket, self.access_key, self.secret_key = bucket, access_key, secret_key
        self.clock = clock
        self.objects: dict[str, tuple[str, bytes]] = {}
        self.log: list[tuple[str, str, int]] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    def _headers(self, _hint: str | None = None) -> dict[str, str]:
        return {"Content-Type": "application/xml"}

    def _error(self, status: int, code: str, message: str) -> _Reply:
        body = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        )
        return _Reply(status, body.encode(), self._headers())

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request (called by the shared HTTP handler)."""
        split = urllib.parse.urlsplit(target)
        reply = self._route(method, split.path, split.query, headers, body)
        with self._lock:
            self.log.append((method, split.path, reply.status))
        return reply

    def _route(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        bucket, _sep, key = path.lstrip("/").partition("/")
        if bucket != self.bucket:
            return self._error(404, "NoSuchBucket", "The specified bucket does not exist")
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        if "X-Amz-Signature" in params:
            problem = self._check_presigned(method, path, pairs, headers)
        elif "authorization" in headers:
            problem = self._check_header(method, path, pairs, headers, body)
        else:
            return self._error(403, "AccessDenied", "Access Denied")
        if problem is not None:
            return problem
        with self._lock:
            if method == "PUT" and key:
                ctype = headers.get("content-type", "binary/octet-stream")
                self.objects[key] = (ctype, body)
                etag = '"' + hashlib.md5(body).hexdigest() + '"'  # noqa: S324 - S3's ETag
                return _Reply(200, b"", {"ETag": etag})
            if method == "GET" and key:
                if key not in self.objects:
                    return self._error(404, "NoSuchKey", "The specified key does not exist.")
                ctype, data = self.objects[key]
                return _Reply(200, data, {"Content-Type": ctype})
            if method == "DELETE" and key:
                self.objects.pop(key, None)
                return _Reply(204, b"", {})
        return self._error(405, "MethodNotAllowed", "The method is not allowed")

    def _scope_ok(self, credential: str) -> tuple[str, str] | None:
        access, _sep, scope = credential.partition("/")
        return (access, scope) if scope.endswith("/s3/aws4_request") else None

    def _check_header(
        self,
        method: str,
        path: str,
        pairs: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply | None:
        auth = headers["authorization"]
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return self._error(400, "InvalidRequest", "Only AWS4-HMAC-SHA256 is supported")
        fields = dict(
            part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",")
        )
        found = self._scope_ok(fields.get("Credential", ""))
        if found is None or found[0] != self.access_key:
            return self._error(403, "InvalidAccessKeyId", "The access key Id does not exist")
        payload = headers.get("x-amz-content-sha256", "")
        if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
            return self._error(400, "XAmzContentSHA256Mismatch", "The content SHA-256 differs")
        signed = fields.get("SignedHeaders", "").split(";")
        if "host" not in signed or any(h not in headers for h in signed):
            return self._error(403, "SignatureDoesNotMatch", "Signed headers missing")
        want = signature(
            self.secret_key,
            method,
            path,
            pairs,
            headers,
            signed,
            payload,
            headers.get("x-amz-date", ""),
            found[1],
        )
        if not hmac.compare_digest(want, fields.get("Signature", "")):
            return self._error(403, "SignatureDoesNotMatch", "The signature does not match")
        return None

    def _check_presigned(
        self, method: str, path: str, pairs: list[tuple[str, str]], headers: Mapping[str, str]
    ) -> _Reply | None:
        params = dict(pairs)
        if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            return self._error(400, "AuthorizationQueryParametersError", "Bad algorithm")
        found = self._scope_ok(params.get("X-Amz-Credential", ""))
        if found is None or found[0] != self.access_key:
            return self._error(403, "InvalidAccessKeyId", "The access key Id does not exist")
        try:
            expires = int(params["X-Amz-Expires"])
            signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=UTC
            )
        except (KeyError, ValueError):
            return self._error(400, "AuthorizationQueryParametersError", "Bad expiry or date")
        if not 1 <= expires <= MAX_EXPIRES:
            return self._error(400, "AuthorizationQueryParametersError", "X-Amz-Expires range")
        if self.clock() > signed_at.timestamp() + expires:
            return self._error(403, "AccessDenied", "Request has expired")
        signed = params.get("X-Amz-SignedHeaders", "").split(";")
        if any(h not in headers for h in signed):
            return self._error(403, "SignatureDoesNotMatch", "Signed headers missing")
        rest = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
        want = signature(
            self.secret_key,
            method,
            path,
            rest,
            headers,
            signed,
            "UNSIGNED-PAYLOAD",
            params["X-Amz-Date"],
            found[1],
        )
        if not hmac.compare_digest(want, params["X-Amz-Signature"]):
            return self._error(403, "SignatureDoesNotMatch", "The signature does not match")
        return None
