"""A strict fake of LinkedIn's REST API (posts, media, comments, sign-in lookups) on 127.0.0.1.

It follows shared docs/platforms.md section 4 ("Fake server must emulate (LinkedIn)"),
except the OAuth token endpoint (the auth helper's fake does that), and refuses what the
real API refuses, so a client bug shows up as a LinkedIn error envelope
``{"status", "serviceErrorCode", "code", "message"}`` rather than passing silently.

In-process use::

    with running_linkedin() as fake:                      # member "abc" + organization 123
        client = LinkedIn("urn:li:organization:123", fake.token, base_url=fake.url,
                          poll_interval=0)
        fake.fail_next(r"^/rest/posts$", status=429)       # next matching request fails
        fake.drop_after_create_next(r"^/rest/posts$")      # stored, then the socket closed
        fake.posts()                                       # what was published

From another process: ``python -m tests.fakes.linkedin --port 0`` prints its base URL on
the first stdout line; control endpoints (no token): ``GET /__fake__/state``,
``GET /__fake__/requests`` and ``POST`` JSON to ``/__fake__/fail``, ``/__fake__/drop``,
``/__fake__/drop_after_create``, ``/__fake__/delay``, ``/__fake__/expire_token``,
``/__fake__/add_comment``, ``/__fake__/reset`` (arguments = the Python methods' keywords).

Endpoints:

* ``GET /v2/userinfo`` (Bearer; no version header needed) -> ``sub, name, picture, ...``
* every ``/rest/`` call needs ``LinkedIn-Version`` (one of ``versions``; missing -> 400
  ``VERSION_MISSING``, unknown/sunset -> 426 ``NONEXISTENT_VERSION``) and
  ``X-Restli-Protocol-Version: 2.0.0`` (else 400), and a valid Bearer token (else 401).
  URNs in paths must be URL-encoded (a raw ``:`` in a path segment -> 400).
* ``GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED``
* ``GET /rest/organizations/{id}``
* ``POST /rest/posts`` JSON -> 201, empty body, ``x-restli-id``; 422 with
  ``errorDetails.inputErrors`` for missing/invalid fields; 422 "Content is a duplicate of
  {urn}" for the same commentary and content as the author's last post; the commentary is
  parsed as little text and STORED CUT at the first unescaped reserved character.
* ``GET /rest/posts/{urn}``; ``GET /rest/posts?q=author&author=&count=&sortBy=``;
  ``DELETE /rest/posts/{urn}``
* ``POST /rest/{images|documents}?action=initializeUpload`` -> ``uploadUrl`` (on
  ``upload_host``, mapped back to this fake by the client) ; ``PUT`` the bytes (Bearer
  required; Pillow-valid JPEG/PNG/GIF for images, ``%PDF-`` for documents) ->
  ``GET /rest/images/{urn}`` status ``WAITING_UPLOAD`` -> ``PROCESSING`` (``processing_polls``
  reads) -> ``AVAILABLE``.
* ``POST /rest/videos?action=initializeUpload`` (``fileSizeBytes``) -> parts of
  ``part_size`` bytes; ``PUT`` each exact byte range -> ``ETag``;
  ``POST /rest/videos?action=finalizeUpload`` with every ETag in order -> MP4 check ->
  ``PROCESSING`` -> ``AVAILABLE``.
* ``GET|POST /rest/socialActions/{urn}/comments`` (``start``/``count`` paging;
  ``parentComment`` for replies; two levels only). Comment text is plain text (not
  little): it is stored exactly as sent.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from tests.fakes.server import FakeServer

RESERVED = frozenset("\\|{}@[]()<>#*_~")
SUPPORTED_VERSIONS = frozenset({"202511", "202601", "202603", "202605", "202607", "202609"})
MAX_BODY_BYTES = 60 * 1024 * 1024
MAX_COMMENTARY = 3000
DEFAULT_PART_SIZE = 4 * 1024 * 1024
UPLOAD_HOST = "https://www.linkedin.com"
POST_FIELDS = frozenset(
    {
        "author",
        "commentary",
        "visibility",
        "distribution",
        "lifecycleState",
        "isReshareDisabledByAuthor",
        "content",
        "contentLandingPage",
        "contentCallToActionLabel",
        "adContext",
    }
)
REQUIRED_POST_FIELDS = ("author", "commentary", "visibility", "distribution", "lifecycleState")


class LinkedInError(Exception):
    """Raised inside the fake to answer with LinkedIn's error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "",
        service_code: int | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": status, "message": message}
        if code:
            self.body["code"] = code
        if service_code is not None:
            self.body["serviceErrorCode"] = service_code
        if details:
            self.body["errorDetails"] = details
        self.headers = headers or {}


def field_error(path: str, description: str, code: str = "FIELD_REQUIRED") -> LinkedInError:
    """A 422 naming one field, as ``/rest/posts`` answers for missing/invalid fields."""
    return LinkedInError(
        422,
        f"ERROR :: {path} :: {description}",
        details={
            "inputErrors": [
                {
                    "description": description,
                    "input": {"inputPath": {"fieldPath": path}},
                    "code": code,
                }
            ]
        },
    )


def illegal(message: str) -> LinkedInError:
    return LinkedInError(400, message, "ILLEGAL_ARGUMENT", 100)


# ------------------------------------------------------------------ little text


@dataclass
class Parsed:
    """A little text as LinkedIn keeps it: ``kept`` (the little source up to where the
    parser stopped), ``plain`` (what readers see), hashtags, mentions, and ``cut_at``
    (index in the source of the first unescaped reserved character, or None)."""

    kept: str
    plain: str
    hashtags: list[str]
    mentions: list[str]
    cut_at: int | None


_MENTION = re.compile(
    r"@\[((?:[^\]\\\n]|\\.)+)\]\((urn:li:(?:person|organization|organizationBrand|company"
    r"|member):[A-Za-z0-9_\-]+)\)"
)
_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|((?:[^}\\|]|\\.)+)\}")
_URL = re.compile(r"https?://[^\s\\]+", re.IGNORECASE)


def _unescape_strict(text: str) -> str | None:
    """Display text of an escaped fragment; None if it has an unescaped reserved char."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 >= len(text):
                return None
            out.append(text[i + 1])
            i += 2
            continue
        if ch in RESERVED:
            return None
        out.append(ch)
        i += 1
    return "".join(out)


def parse_little(source: str) -> Parsed:
    """Parse ``source`` like LinkedIn: escapes, mentions, ``#tag`` hashtags, hashtag
    templates and URLs (kept verbatim); anything else reserved and unescaped stops the
    parse there (the real API then publishes only what came before)."""
    plain: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            if i + 1 >= n:
                return Parsed(source[:i], "".join(plain), hashtags, mentions, i)
            plain.append(source[i + 1])
            i += 2
            continue
        if ch in "hH" and (i == 0 or not source[i - 1].isalnum()):
            m = _URL.match(source, i)
            if m:
                end = m.end()
                while end > i and source[end - 1] in ".,;:!?'\"":
                    end -= 1
                while (
                    end > i
                    and source[end - 1] == ")"
                    and source.count("(", i, end) < source.count(")", i, end)
                ):
                    end -= 1
                plain.append(source[i:end])
                i = end
                continue
        if ch == "@":
            m = _MENTION.match(source, i)
            name = _unescape_strict(m.group(1)) if m else None
            if m and name is not None:
                mentions.append(m.group(2))
                plain.append(name)
                i = m.end()
                continue
        elif ch == "{":
            m = _TEMPLATE.match(source, i)
            tag = _unescape_strict(m.group(1)) if m else None
            if m and tag:
                hashtags.append(tag)
                plain.append("#" + tag)
                i = m.end()
                continue
        elif ch == "#":
            m = re.match(r"#([^\W_]+)", source[i:])
            if m and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == "_")):
                hashtags.append(m.group(1))
                plain.append(m.group(0))
                i += len(m.group(0))
                continue
        if ch in RESERVED:
            return Parsed(source[:i], "".join(plain), hashtags, mentions, i)
        plain.append(ch)
        i += 1
    return Parsed(source, "".join(plain), hashtags, mentions, None)


def templated(source: str) -> str:
    """How the fake reads a stored commentary back: plain ``#tag`` hashtags shown as
    ``{hashtag|\\#|tag}`` templates (LinkedIn answers in little, templates included)."""
    out: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            out.append(source[i : i + 2])
            i += 2
            continue
        if ch in "hH":
            m = _URL.match(source, i)
            if m and (i == 0 or not source[i - 1].isalnum()):
                out.append(m.group(0))
                i = m.end()
                continue
        if ch == "#":
            m = re.match(r"#([^\W_]+)", source[i:])
            if m and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == "_")):
                out.append("{hashtag|\\#|" + m.group(1) + "}")
                i += len(m.group(0))
                continue
        out.append(ch)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------ state


@dataclass
class FakeMember:
    """A LinkedIn member with a token, and the organizations they administer."""

    sub: str
    name: str
    token: str
    picture: str = ""
    admin_of: list[str] = field(default_factory=list)  # organization ids
    scopes: frozenset[str] | None = None  # None = every scope granted
    expired: bool = False

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.sub}"


@dataclass
class FakeAsset:
    """An image, document or video upload slot."""

    urn: str
    kind: str  # image | document | video
    owner: str
    created: float
    data: bytes = b""
    uploaded: bool = False
    status: str = "WAITING_UPLOAD"
    polls_left: int = 0
    content_type: str = ""
    parts: list[dict[str, Any]] = field(default_factory=list)  # video: first,last,etag,data
    upload_token: str = ""
    fmt: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class FakePost:
    """A post as LinkedIn stores it (``commentary`` is the kept little source)."""

    urn: str
    activity: str
    author: str
    commentary: str
    sent_commentary: str
    plain: str
    hashtags: list[str]
    mentions: list[str]
    content: dict[str, Any] | None
    created_ms: int
    body: dict[str, Any]


@dataclass
class FakeComment:
    urn: str
    post_urn: str
    activity: str
    actor: str
    text: str
    created_ms: int
    parent: str | None = None


@dataclass
class _Fault:
    kind: str
    pattern: re.Pattern[str]
    method: str | None
    remaining: int
    options: dict[str, Any] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.pattern.search(path))


@dataclass
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str]
    created: bool = False


_DROP = object()


class FakeLinkedIn(FakeServer):
    """The fake server. ``versions``: accepted ``LinkedIn-Version`` values;
    ``part_size``: video part size in bytes; ``processing_polls``: status reads that
    answer ``PROCESSING`` before ``AVAILABLE``; ``hashtags_as_templates``: read-back
    shows ``#tag`` as ``{hashtag|\\#|tag}``; ``upload_host``: where upload URLs point."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        versions: frozenset[str] = SUPPORTED_VERSIONS,
        part_size: int = DEFAULT_PART_SIZE,
        processing_polls: int = 1,
        hashtags_as_templates: bool = True,
        upload_host: str = UPLOAD_HOST,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.port = port
        self.versions = frozenset(versions)
        self.part_size = part_size
        self.processing_polls = processing_polls
        self.hashtags_as_templates = hashtags_as_templates
        self.upload_host = upload_host.rstrip("/")
        self.clock = clock
        self._lock = threading.RLock()
        self._members: dict[str, FakeMember] = {}
        self._orgs: dict[str, str] = {}
        self._posts: dict[str, FakePost] = {}
        self._assets: dict[str, FakeAsset] = {}
        self._comments: dict[str, FakeComment] = {}
        self._faults: list[_Fault] = []
        self._log: list[dict[str, Any]] = []
        self._ids = itertools.count(7_300_000_000_000_000_001)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- lifecycle

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -------------------------------------------------------------- setup

    def add_member(
        self,
        sub: str,
        token: str,
        name: str = "Persona de Prueba",
        *,
        picture: str = "",
        admin_of: list[str] | None = None,
        scopes: list[str] | None = None,
    ) -> None:
        """Add a member with their token; ``admin_of`` lists organization ids."""
        with self._lock:
            self._members[token] = FakeMember(
                sub,
                name,
                token,
                picture or f"https://media.licdn.com/dms/image/{sub}/profile.jpg",
                list(admin_of or []),
                frozenset(scopes) if scopes is not None else None,
            )

    def add_organization(self, org_id: str, name: str) -> None:
        with self._lock:
            self._orgs[str(org_id)] = name

    def expire_token(self, token: str) -> None:
        """From now on ``token`` answers 401."""
        with self._lock:
            self._members[token].expired = True

    def reset(self) -> None:
        """Forget posts, assets, comments, faults and the log (keep members, orgs)."""
        with self._lock:
            self._posts.clear()
            self._assets.clear()
            self._comments.clear()
            self._faults.clear()
            self._log.clear()
            for m in self._members.values():
                m.expired = False

    def add_comment(self, post_urn: str, actor: str, text: str, parent: str | None = None) -> str:
        """A comment by someone (``actor`` URN) on a post; returns its URN."""
        with self._lock:
            post = self._posts[post_urn]
            return self._new_comment(post, actor, text, parent).urn

    # -------------------------------------------------------------- faults

    def _add_fault(
        self, kind: str, path: str, method: str | None, times: int, **options: Any
    ) -> None:
        with self._lock:
            self._faults.append(
                _Fault(kind, re.compile(path), method.upper() if method else None, times, options)
            )

    def fail_next(
        self,
        path: str = "",
        *,
        status: int = 500,
        message: str | None = None,
        code: str | None = None,
        service_code: int | None = None,
        method: str | None = None,
        times: int = 1,
        retry_after: int | None = None,
        raw_body: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests whose decoded path (plus ``?query`` when there is
        one; ``path`` is a regex searched in it) matches with
        ``status`` and the error envelope (defaults per status: 401 INVALID_ACCESS_TOKEN
        65600, 403 ACCESS_DENIED 100, 429 TOO_MANY_REQUESTS, 5xx INTERNAL_SERVER_ERROR)."""
        defaults = {
            401: ("Invalid access token", "INVALID_ACCESS_TOKEN", 65600),
            403: ("Not enough permissions to access: posts.CREATE", "ACCESS_DENIED", 100),
            429: (
                "Resource level throttle APPLICATION DAY limit reached",
                "TOO_MANY_REQUESTS",
                101,
            ),
        }
        d_msg, d_code, d_svc = defaults.get(status, ("Internal Server Error", "", None))
        self._add_fault(
            "fail",
            path,
            method,
            times,
            status=status,
            message=message or d_msg,
            code=d_code if code is None else code,
            service_code=d_svc if service_code is None else service_code,
            retry_after=retry_after,
            raw_body=raw_body,
        )

    def drop_after_create_next(self, path: str = "", *, times: int = 1) -> None:
        """The next successful create (a post, a comment, a video finalize) matching is
        done, then the socket closed with no answer."""
        self._add_fault("drop_after_create", path, "POST", times)

    def drop_next(self, path: str = "", *, method: str | None = None, times: int = 1) -> None:
        """The next matching request is not processed: the connection is just closed."""
        self._add_fault("drop", path, method, times)

    def delay_next(
        self, seconds: float, path: str = "", *, method: str | None = None, times: int = 1
    ) -> None:
        """Answer the next matching request ``seconds`` late (processed first)."""
        self._add_fault("delay", path, method, times, seconds=seconds)

    def _take(self, kind: str, method: str, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -------------------------------------------------------------- inspection

    def posts(self, author: str | None = None) -> list[dict[str, Any]]:
        """Posts, oldest first: ``urn, author, commentary`` (kept little source),
        ``sent`` (what the client sent), ``plain`` (what readers see), ``truncated``,
        ``hashtags, mentions, content``."""
        with self._lock:
            return [
                {
                    "urn": p.urn,
                    "author": p.author,
                    "commentary": p.commentary,
                    "sent": p.sent_commentary,
                    "plain": p.plain,
                    "truncated": p.commentary != p.sent_commentary,
                    "hashtags": list(p.hashtags),
                    "mentions": list(p.mentions),
                    "content": p.content,
                }
                for p in self._posts.values()
                if author is None or p.author == author
            ]

    def assets(self) -> list[dict[str, Any]]:
        """Every upload slot: ``urn, kind, owner, status, size, sha256, format, parts``."""
        with self._lock:
            return [
                {
                    "urn": a.urn,
                    "kind": a.kind,
                    "owner": a.owner,
                    "status": a.status,
                    "size": len(a.data),
                    "sha256": a.sha256,
                    "format": a.fmt,
                    "parts": len(a.parts),
                }
                for a in self._assets.values()
            ]

    def comments(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(c.__dict__) for c in self._comments.values()]

    def requests(self) -> list[dict[str, Any]]:
        """Log: ``method, path`` (decoded), ``raw_path``, ``query``, ``headers`` (version
        headers, whether a Bearer was sent), ``json`` body, ``size`` and ``status``."""
        with self._lock:
            return [dict(e) for e in self._log]

    def state(self) -> dict[str, Any]:
        return {
            "posts": self.posts(),
            "assets": self.assets(),
            "comments": self.comments(),
            "requests": self.requests(),
        }

    # -------------------------------------------------------------- HTTP plumbing

    @staticmethod
    def _json_reply(
        status: int, body: Any, headers: dict[str, str] | None = None, created: bool = False
    ) -> _Reply:
        h = {"Content-Type": "application/json", "x-li-uuid": secrets.token_hex(8)}
        h.update(headers or {})
        return _Reply(status, json.dumps(body).encode(), h, created)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request: a reply or ``_DROP``."""
        split = urllib.parse.urlsplit(target)
        raw_path = split.path
        path = urllib.parse.unquote(raw_path)
        if raw_path.startswith("/__fake__/"):
            return self._control(method, raw_path, body)
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "raw_path": raw_path,
            "query": split.query,
            "headers": {
                "linkedin-version": headers.get("linkedin-version"),
                "x-restli-protocol-version": headers.get("x-restli-protocol-version"),
                "bearer": headers.get("authorization", "").startswith("Bearer "),
                "content-type": headers.get("content-type"),
            },
            "size": len(body),
            "status": None,
        }
        if headers.get("content-type", "").startswith("application/json"):
            with contextlib.suppress(ValueError):
                entry["json"] = json.loads(body)
        with self._lock:
            self._log.append(entry)
        where = path + (f"?{split.query}" if split.query else "")  # faults see the query
        if self._take("drop", method, where):
            return _DROP
        fail = self._take("fail", method, where)
        if fail:
            reply = self._fault_reply(fail)
        else:
            try:
                with self._lock:
                    reply = self._route(method, raw_path, path, split.query, headers, body)
            except LinkedInError as err:
                reply = self._json_reply(err.status, err.body, err.headers)
        entry["status"] = reply.status
        if reply.created and self._take("drop_after_create", method, where):
            entry["status"] = None
            return _DROP
        delay = self._take("delay", method, where)
        if delay:
            time.sleep(delay.options["seconds"])
        return reply

    def _fault_reply(self, fault: _Fault) -> _Reply:
        o = fault.options
        headers: dict[str, str] = {}
        if o["retry_after"] is not None:
            headers["Retry-After"] = str(o["retry_after"])
        if o["raw_body"] is not None:
            return _Reply(o["status"], o["raw_body"].encode(), {"Content-Type": "text/html"})
        body: dict[str, Any] = {"status": o["status"], "message": o["message"]}
        if o["code"]:
            body["code"] = o["code"]
        if o["service_code"] is not None:
            body["serviceErrorCode"] = o["service_code"]
        return self._json_reply(o["status"], body, headers)

    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        name = path[len("/__fake__/") :]
        try:
            if method == "GET" and name == "state":
                return self._json_reply(200, self.state())
            if method == "GET" and name == "requests":
                return self._json_reply(200, self.requests())
            if method != "POST":
                raise KeyError(name)
            args = json.loads(body or b"{}")
            if not isinstance(args, dict):
                raise TypeError("JSON object expected")
            actions: dict[str, Callable[..., Any]] = {
                "fail": self.fail_next,
                "drop_after_create": self.drop_after_create_next,
                "drop": self.drop_next,
                "delay": self.delay_next,
                "expire_token": self.expire_token,
                "add_comment": self.add_comment,
                "members": self.add_member,
                "organizations": self.add_organization,
                "reset": self.reset,
            }
            result = actions[name](**args)
            return self._json_reply(200, {"ok": True, "result": result})
        except (KeyError, TypeError, ValueError, re.error) as exc:
            return self._json_reply(400, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})

    # -------------------------------------------------------------- routing

    def _member(self, headers: Mapping[str, str]) -> FakeMember:
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        member = self._members.get(token.strip()) if scheme == "Bearer" else None
        if member is None or member.expired:
            raise LinkedInError(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
        return member

    def _check_rest_headers(self, headers: Mapping[str, str]) -> None:
        version = headers.get("linkedin-version")
        if not version:
            raise LinkedInError(
                400,
                "A version must be present. Please specify a version by adding the"
                " LinkedIn-Version header.",
                "VERSION_MISSING",
            )
        if version not in self.versions:
            raise LinkedInError(
                426, f"Requested version {version} is not active", "NONEXISTENT_VERSION"
            )
        if headers.get("x-restli-protocol-version") != "2.0.0":
            raise illegal(
                "X-Restli-Protocol-Version 2.0.0 is required for this resource (got"
                f" {headers.get('x-restli-protocol-version')!r})"
            )

    def _can_act_as(self, member: FakeMember, urn: str, what: str = "posts.CREATE") -> None:
        if urn == member.urn:
            return
        if urn.startswith("urn:li:organization:") and urn.rsplit(":", 1)[1] in member.admin_of:
            return
        raise LinkedInError(
            403, f"Not enough permissions to access: {what} as {urn}", "ACCESS_DENIED", 100
        )

    @staticmethod
    def _json_body(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        if not headers.get("content-type", "").startswith("application/json"):
            raise illegal("Request body could not be converted to data map")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise illegal("Request body could not be converted to data map") from None
        if not isinstance(data, dict):
            raise illegal("Request body could not be converted to data map")
        return data

    @staticmethod
    def _query(query: str) -> dict[str, str]:
        try:
            pairs = urllib.parse.parse_qsl(
                query, keep_blank_values=True, strict_parsing=bool(query)
            )
        except ValueError:
            raise illegal("malformed query string") from None
        out: dict[str, str] = {}
        for k, v in pairs:
            if k in out:
                raise illegal(f"parameter {k} given more than once")
            out[k] = v
        return out

    def _route(
        self,
        method: str,
        raw_path: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        params = self._query(query)
        if path.startswith("/dms-uploads/"):
            return self._upload(method, path, params, headers, body)
        if path == "/v2/userinfo":
            if method != "GET":
                raise LinkedInError(405, "Method not allowed")
            m = self._member(headers)
            if m.scopes is not None and not {"openid", "profile"} <= m.scopes:
                raise LinkedInError(
                    403, "Not enough permissions to access: userinfo", "ACCESS_DENIED", 100
                )
            first, _, last = m.name.partition(" ")
            return self._json_reply(
                200,
                {
                    "sub": m.sub,
                    "name": m.name,
                    "given_name": first,
                    "family_name": last,
                    "picture": m.picture,
                    "locale": {"country": "ES", "language": "es"},
                },
            )
        if not raw_path.startswith("/rest/"):
            raise LinkedInError(404, f"No resource found for {path}", "NOT_FOUND")
        self._check_rest_headers(headers)
        member = self._member(headers)
        segments = raw_path[len("/rest/") :].split("/")
        for seg in segments[1:]:
            if ":" in seg:
                raise illegal(f"Invalid URN in path (not URL-encoded): {seg}")
        segs = [urllib.parse.unquote(s) for s in segments]
        resource = segs[0]
        if resource == "posts":
            return self._posts_route(method, segs[1:], params, member, headers, body)
        if resource in ("images", "documents", "videos"):
            return self._assets_route(method, resource, segs[1:], params, member, headers, body)
        if resource == "organizationAcls" and method == "GET" and len(segs) == 1:
            return self._acls(params, member)
        if resource == "organizations" and method == "GET" and len(segs) == 2:
            if (
                member.scopes is not None
                and not {
                    "rw_organization_admin",
                    "r_organization_admin",
                }
                & member.scopes
            ):
                raise LinkedInError(
                    403, "Not enough permissions to access: organizations.GET", "ACCESS_DENIED", 100
                )
            if segs[1] not in self._orgs:
                raise LinkedInError(404, f"Organization {segs[1]} not found", "NOT_FOUND")
            return self._json_reply(
                200,
                {
                    "id": int(segs[1]),
                    "localizedName": self._orgs[segs[1]],
                    "vanityName": re.sub(r"\W+", "-", self._orgs[segs[1]].lower()),
                },
            )
        if resource == "socialActions" and len(segs) == 3 and segs[2] == "comments":
            return self._comments_route(method, segs[1], params, member, headers, body)
        raise LinkedInError(404, f"No resource found for {path}", "NOT_FOUND")

    # -------------------------------------------------------------- organizations

    def _acls(self, params: dict[str, str], member: FakeMember) -> _Reply:
        if params.get("q") != "roleAssignee":
            raise illegal("Unsupported finder")
        extra = set(params) - {"q", "role", "state", "start", "count", "projection"}
        if extra:
            raise illegal(f"Unknown query parameter {sorted(extra)[0]}")
        if (
            member.scopes is not None
            and not {"rw_organization_admin", "r_organization_admin"} & member.scopes
        ):
            raise LinkedInError(
                403,
                "Not enough permissions to access: organizationAcls.FINDER",
                "ACCESS_DENIED",
                100,
            )
        role = params.get("role", "ADMINISTRATOR")
        state = params.get("state", "APPROVED")
        elements = []
        if role == "ADMINISTRATOR" and state == "APPROVED":
            elements = [
                {
                    "roleAssignee": member.urn,
                    "state": "APPROVED",
                    "role": "ADMINISTRATOR",
                    "organization": f"urn:li:organization:{org}",
                }
                for org in member.admin_of
            ]
        return self._json_reply(
            200, {"paging": {"start": 0, "count": 10, "total": len(elements)}, "elements": elements}
        )

    # -------------------------------------------------------------- posts

    def _posts_route(
        self,
        method: str,
        segs: list[str],
        params: dict[str, str],
        member: FakeMember,
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        if method == "POST" and not segs:
            if params:
                raise illegal(f"Unknown query parameter {sorted(params)[0]}")
            return self._create_post(member, self._json_body(headers, body))
        if method == "GET" and not segs:
            return self._find_posts(params, member)
        if len(segs) == 1 and segs[0] in self._posts:
            post = self._posts[segs[0]]
            self._can_act_as(member, post.author, "posts.GET")
            if method == "GET":
                return self._json_reply(200, self._render(post))
            if method == "DELETE":
                del self._posts[post.urn]
                return _Reply(204, b"", {})
        if len(segs) == 1:
            raise LinkedInError(404, f"Post {segs[0]} not found", "NOT_FOUND")
        raise LinkedInError(405, "Method not allowed")

    def _render(self, post: FakePost) -> dict[str, Any]:
        out = dict(post.body)
        out["id"] = post.urn
        commentary = post.commentary
        out["commentary"] = templated(commentary) if self.hashtags_as_templates else commentary
        out["createdAt"] = out["publishedAt"] = out["lastModifiedAt"] = post.created_ms
        out["lifecycleStateInfo"] = {"isEditedByAuthor": False}
        return out

    def _find_posts(self, params: dict[str, str], member: FakeMember) -> _Reply:
        if params.get("q") != "author":
            raise illegal("Unsupported finder")
        extra = set(params) - {"q", "author", "count", "start", "sortBy", "viewContext"}
        if extra:
            raise illegal(f"Unknown query parameter {sorted(extra)[0]}")
        author = params.get("author", "")
        self._can_act_as(member, author, "posts.FINDER")
        try:
            count = int(params.get("count", "10"))
            start = int(params.get("start", "0"))
        except ValueError:
            raise illegal("count/start must be integers") from None
        if not 1 <= count <= 100:
            raise illegal("count must be between 1 and 100")
        if params.get("sortBy", "LAST_MODIFIED") not in ("LAST_MODIFIED", "CREATED"):
            raise illegal("sortBy must be LAST_MODIFIED or CREATED")
        mine = sorted(
            (p for p in self._posts.values() if p.author == author),
            key=lambda p: (p.created_ms, p.urn),
            reverse=True,
        )
        chunk = mine[start : start + count]
        return self._json_reply(
            200,
            {
                "paging": {"start": start, "count": count, "total": len(mine)},
                "elements": [self._render(p) for p in chunk],
            },
        )

    def _check_content(self, content: Any, author: str) -> None:
        if not isinstance(content, dict) or len(content) != 1:
            raise field_error(
                "/content",
                "content must have exactly one of media, multiImage, article",
                "INVALID_VALUE",
            )
        kind, value = next(iter(content.items()))
        if not isinstance(value, dict):
            raise field_error(f"/content/{kind}", "must be an object", "INVALID_VALUE")
        if kind == "article":
            extra = set(value) - {"source", "title", "description", "thumbnail", "thumbnailAltText"}
            if extra:
                raise illegal(f"Unrecognized field {sorted(extra)[0]} in article")
            source = value.get("source")
            split = urllib.parse.urlsplit(str(source or ""))
            if split.scheme not in ("http", "https") or not split.netloc:
                raise field_error("/content/article/source", "field is required but not found")
            if not value.get("title"):
                raise field_error("/content/article/title", "field is required but not found")
            return
        if kind == "media":
            self._check_media_ref(value, author, "/content/media", ("image", "video", "document"))
            return
        if kind == "multiImage":
            images = value.get("images")
            if not isinstance(images, list) or not 2 <= len(images) <= 20:
                raise field_error(
                    "/content/multiImage/images",
                    "must have between 2 and 20 images",
                    "INVALID_VALUE",
                )
            for i, img in enumerate(images):
                self._check_media_ref(img, author, f"/content/multiImage/images/{i}", ("image",))
            return
        raise illegal(f"Unrecognized field {kind} in content")

    def _check_media_ref(self, value: Any, author: str, where: str, kinds: tuple[str, ...]) -> None:
        if not isinstance(value, dict):
            raise field_error(where, "must be an object", "INVALID_VALUE")
        extra = set(value) - {"id", "altText", "title"}
        if extra:
            raise illegal(f"Unrecognized field {sorted(extra)[0]} in {where}")
        asset = self._assets.get(str(value.get("id", "")))
        if asset is None or asset.kind not in kinds:
            raise field_error(f"{where}/id", "media not found", "INVALID_VALUE")
        if asset.owner != author:
            raise LinkedInError(
                403, f"Media {asset.urn} is not owned by {author}", "ACCESS_DENIED", 100
            )
        if asset.status != "AVAILABLE":
            raise field_error(
                f"{where}/id",
                f"media {asset.urn} is not AVAILABLE ({asset.status})",
                "INVALID_VALUE",
            )
        if asset.kind == "document" and not value.get("title"):
            raise field_error(f"{where}/title", "field is required but not found")

    def _create_post(self, member: FakeMember, data: dict[str, Any]) -> _Reply:
        extra = set(data) - POST_FIELDS
        if extra:
            raise illegal(f"Unrecognized field {sorted(extra)[0]}")
        for key in REQUIRED_POST_FIELDS:
            if key not in data:
                raise field_error(f"/{key}", "field is required but not found")
        author = data["author"]
        if not isinstance(author, str) or not re.fullmatch(
            r"urn:li:(person|organization):[\w-]+", author
        ):
            raise field_error("/author", "invalid author URN", "INVALID_VALUE")
        self._can_act_as(member, author)
        if data["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN"):
            raise field_error("/visibility", "invalid value", "INVALID_VALUE")
        if data["lifecycleState"] not in ("PUBLISHED", "DRAFT"):
            raise field_error("/lifecycleState", "invalid value", "INVALID_VALUE")
        dist = data["distribution"]
        if not isinstance(dist, dict) or dist.get("feedDistribution") not in ("MAIN_FEED", "NONE"):
            raise field_error("/distribution/feedDistribution", "field is required but not found")
        commentary = data["commentary"]
        if not isinstance(commentary, str):
            raise field_error("/commentary", "must be a string", "INVALID_VALUE")
        if len(commentary) > MAX_COMMENTARY:
            raise field_error("/commentary", f"length exceeds {MAX_COMMENTARY}", "INVALID_VALUE")
        content = data.get("content")
        if content is not None:
            self._check_content(content, author)
        if not commentary.strip() and content is None:
            raise field_error("/commentary", "a post needs commentary or content", "INVALID_VALUE")
        mine = [p for p in self._posts.values() if p.author == author]
        last = max(mine, key=lambda p: (p.created_ms, p.urn)) if mine else None
        if (
            last is not None
            and commentary.strip()
            and last.sent_commentary == commentary
            and last.content == content
        ):
            raise LinkedInError(422, f"Content is a duplicate of {last.urn}", "DUPLICATE_POST")
        parsed = parse_little(commentary)
        n = next(self._ids)
        urn = f"urn:li:share:{n}"
        post = FakePost(
            urn=urn,
            activity=f"urn:li:activity:{n + 1_000}",
            author=author,
            commentary=parsed.kept,
            sent_commentary=commentary,
            plain=parsed.plain,
            hashtags=parsed.hashtags,
            mentions=parsed.mentions,
            content=content,
            created_ms=int(self.clock() * 1000),
            body={k: v for k, v in data.items() if k != "commentary"},
        )
        self._posts[urn] = post
        return _Reply(
            201,
            b"",
            {"x-restli-id": urn, "Location": f"/rest/posts/{urllib.parse.quote(urn, safe='')}"},
            created=True,
        )

    # -------------------------------------------------------------- media

    def _assets_route(
        self,
        method: str,
        resource: str,
        segs: list[str],
        params: dict[str, str],
        member: FakeMember,
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        kind = resource[:-1]  # image | document | video
        if method == "POST" and not segs:
            action = params.get("action")
            if set(params) != {"action"}:
                raise illegal("action is the only query parameter")
            data = self._json_body(headers, body)
            if action == "initializeUpload":
                return self._initialize(kind, member, data)
            if action == "finalizeUpload" and kind == "video":
                return self._finalize(member, data)
            raise illegal(f"Unsupported action {action}")
        if method == "GET" and len(segs) == 1:
            asset = self._assets.get(segs[0])
            if asset is None or asset.kind != kind:
                raise LinkedInError(404, f"{segs[0]} not found", "NOT_FOUND")
            self._can_act_as(member, asset.owner, f"{resource}.GET")
            if asset.status == "PROCESSING":
                if asset.polls_left <= 0:
                    asset.status = "AVAILABLE"
                else:
                    asset.polls_left -= 1
            out: dict[str, Any] = {"id": asset.urn, "status": asset.status, "owner": asset.owner}
            if asset.status == "AVAILABLE":
                out["downloadUrl"] = f"{self.upload_host}/dms/{kind}/{asset.urn.rsplit(':', 1)[1]}"
            return self._json_reply(200, out)
        raise LinkedInError(405, "Method not allowed")

    def _initialize(self, kind: str, member: FakeMember, data: dict[str, Any]) -> _Reply:
        req = data.get("initializeUploadRequest")
        if set(data) != {"initializeUploadRequest"} or not isinstance(req, dict):
            raise field_error("/initializeUploadRequest", "field is required but not found")
        allowed = {"owner"} | (
            {"fileSizeBytes", "uploadCaptions", "uploadThumbnail"} if kind == "video" else set()
        )
        extra = set(req) - allowed
        if extra:
            raise illegal(f"Unrecognized field {sorted(extra)[0]}")
        owner = req.get("owner")
        if not isinstance(owner, str):
            raise field_error("/initializeUploadRequest/owner", "field is required but not found")
        self._can_act_as(member, owner, f"{kind}s.CREATE")
        asset_id = "D4E10AQ" + secrets.token_hex(6).upper()
        urn = f"urn:li:{kind}:{asset_id}"
        asset = FakeAsset(urn, kind, owner, self.clock())
        self._assets[urn] = asset
        expires = int((self.clock() + 86_400) * 1000)
        if kind != "video":
            url = (
                f"{self.upload_host}/dms-uploads/{kind}/{asset_id}/0"
                f"?ca=vector&cn=uploads&sync=0&v=beta&ut={secrets.token_hex(4)}"
            )
            return self._json_reply(
                200, {"value": {"uploadUrlExpiresAt": expires, "uploadUrl": url, kind: urn}}
            )
        size = req.get("fileSizeBytes")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise field_error(
                "/initializeUploadRequest/fileSizeBytes", "field is required but not found"
            )
        asset.upload_token = secrets.token_hex(5)
        instructions = []
        for i, first in enumerate(range(0, size, self.part_size)):
            last = min(size, first + self.part_size) - 1
            asset.parts.append({"first": first, "last": last, "etag": None, "data": b""})
            instructions.append(
                {
                    "uploadUrl": (
                        f"{self.upload_host}/dms-uploads/video/{asset_id}/{i}?ca=vector&cn=uploads"
                    ),
                    "firstByte": first,
                    "lastByte": last,
                }
            )
        return self._json_reply(
            200,
            {
                "value": {
                    "uploadUrlsExpireAt": expires,
                    "video": urn,
                    "uploadInstructions": instructions,
                    "uploadToken": asset.upload_token,
                }
            },
        )

    def _upload(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        m = re.fullmatch(r"/dms-uploads/(image|document|video)/([A-Z0-9a-z]+)/(\d+)", path)
        if method != "PUT" or not m:
            raise LinkedInError(404, f"No upload at {path}", "NOT_FOUND")
        kind, asset_id, part = m.group(1), m.group(2), int(m.group(3))
        asset = self._assets.get(f"urn:li:{kind}:{asset_id}")
        if asset is None:
            raise LinkedInError(404, "Upload URL expired or unknown", "NOT_FOUND")
        if "authorization" in headers:
            self._member(headers)
        if kind != "video":
            if "authorization" not in headers:
                raise LinkedInError(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
            if asset.uploaded:
                raise illegal("This upload URL was already used")
            if kind == "image":
                asset.fmt = _image_format(body)
            else:
                if not body.startswith(b"%PDF-") or b"%%EOF" not in body[-1024:]:
                    raise illegal("The document is not a complete PDF")
                asset.fmt = "PDF"
            asset.data = body
            asset.uploaded = True
            asset.status = "PROCESSING"
            asset.polls_left = self.processing_polls
            return _Reply(201, b"", {})
        if part >= len(asset.parts):
            raise LinkedInError(404, "Upload URL expired or unknown", "NOT_FOUND")
        spec = asset.parts[part]
        if len(body) != spec["last"] - spec["first"] + 1:
            raise illegal(
                f"Part {part} must be bytes {spec['first']}-{spec['last']}"
                f" ({spec['last'] - spec['first'] + 1} bytes), got {len(body)}"
            )
        spec["data"] = body
        spec["etag"] = hashlib.md5(body).hexdigest()  # noqa: S324 - an ETag, not security
        return _Reply(200, b"", {"ETag": spec["etag"]})

    def _finalize(self, member: FakeMember, data: dict[str, Any]) -> _Reply:
        req = data.get("finalizeUploadRequest")
        if set(data) != {"finalizeUploadRequest"} or not isinstance(req, dict):
            raise field_error("/finalizeUploadRequest", "field is required but not found")
        extra = set(req) - {"video", "uploadToken", "uploadedPartIds"}
        if extra:
            raise illegal(f"Unrecognized field {sorted(extra)[0]}")
        asset = self._assets.get(str(req.get("video", "")))
        if asset is None or asset.kind != "video":
            raise field_error("/finalizeUploadRequest/video", "video not found", "INVALID_VALUE")
        self._can_act_as(member, asset.owner, "videos.FINALIZE")
        if req.get("uploadToken", "") != asset.upload_token:
            raise illegal("uploadToken does not match")
        etags = req.get("uploadedPartIds")
        expected = [p["etag"] for p in asset.parts]
        if etags != expected or None in expected:
            raise illegal("uploadedPartIds do not match the uploaded parts")
        data_all = b"".join(p["data"] for p in asset.parts)
        if len(data_all) < 12 or data_all[4:8] != b"ftyp":
            raise illegal("The uploaded video is not an MP4 file")
        asset.data = data_all
        asset.fmt = "MP4"
        asset.uploaded = True
        asset.status = "PROCESSING"
        asset.polls_left = self.processing_polls
        return _Reply(200, b"", {}, created=True)

    # -------------------------------------------------------------- comments

    def _new_comment(
        self, post: FakePost, actor: str, text: str, parent: str | None
    ) -> FakeComment:
        cid = str(next(self._ids))
        comment = FakeComment(
            urn=f"urn:li:comment:({post.activity},{cid})",
            post_urn=post.urn,
            activity=post.activity,
            actor=actor,
            text=text,
            created_ms=int(self.clock() * 1000),
            parent=parent,
        )
        self._comments[comment.urn] = comment
        return comment

    def _render_comment(self, c: FakeComment) -> dict[str, Any]:
        out: dict[str, Any] = {
            "actor": c.actor,
            "created": {"actor": c.actor, "time": c.created_ms},
            "lastModified": {"actor": c.actor, "time": c.created_ms},
            "id": c.urn.rsplit(",", 1)[1].rstrip(")"),
            "message": {"attributes": [], "text": c.text},
            "$URN": c.urn,
            "commentUrn": c.urn,
            "object": c.activity,
            "commentsSummary": {
                "aggregatedTotalComments": sum(
                    1 for x in self._comments.values() if x.parent == c.urn
                ),
                "selectedComments": [],
            },
        }
        if c.parent:
            out["parentComment"] = c.parent
        return out

    def _comments_route(
        self,
        method: str,
        target: str,
        params: dict[str, str],
        member: FakeMember,
        headers: Mapping[str, str],
        body: bytes,
    ) -> _Reply:
        parent: FakeComment | None = None
        if target.startswith("urn:li:comment:"):
            parent = self._comments.get(target)
            if parent is None:
                raise LinkedInError(404, f"Comment {target} not found", "NOT_FOUND")
            post = self._posts.get(parent.post_urn)
        else:
            post = self._posts.get(target) or next(
                (p for p in self._posts.values() if p.activity == target), None
            )
        if post is None:
            raise LinkedInError(404, f"{target} not found", "NOT_FOUND")
        if method == "GET":
            extra = set(params) - {"start", "count"}
            if extra:
                raise illegal(f"Unknown query parameter {sorted(extra)[0]}")
            try:
                start = int(params.get("start", "0"))
                count = int(params.get("count", "10"))
            except ValueError:
                raise illegal("start/count must be integers") from None
            if not 1 <= count <= 100 or start < 0:
                raise illegal("count must be between 1 and 100")
            wanted = parent.urn if parent else None
            items = sorted(
                (
                    c
                    for c in self._comments.values()
                    if c.post_urn == post.urn and c.parent == wanted
                ),
                key=lambda c: (c.created_ms, c.urn),
            )
            chunk = items[start : start + count]
            return self._json_reply(
                200,
                {
                    "paging": {"start": start, "count": count, "total": len(items), "links": []},
                    "elements": [self._render_comment(c) for c in chunk],
                },
            )
        if method != "POST":
            raise LinkedInError(405, "Method not allowed")
        data = self._json_body(headers, body)
        extra = set(data) - {"actor", "object", "message", "parentComment", "content"}
        if extra:
            raise illegal(f"Unrecognized field {sorted(extra)[0]}")
        for key in ("actor", "object", "message"):
            if key not in data:
                raise field_error(f"/{key}", "field is required but not found")
        actor = data["actor"]
        if not isinstance(actor, str):
            raise field_error("/actor", "invalid", "INVALID_VALUE")
        self._can_act_as(member, actor, "comments.CREATE")
        if data["object"] not in (post.urn, post.activity):
            raise field_error(
                "/object", "object does not match the commented entity", "INVALID_VALUE"
            )
        message = data["message"]
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise field_error("/message/text", "field is required but not found")
        given_parent = data.get("parentComment")
        if parent is not None and given_parent != parent.urn:
            raise field_error("/parentComment", "must be the comment in the path", "INVALID_VALUE")
        if given_parent is not None:
            target_parent = self._comments.get(str(given_parent))
            if target_parent is None or target_parent.post_urn != post.urn:
                raise field_error("/parentComment", "comment not found", "INVALID_VALUE")
            if target_parent.parent is not None:
                raise field_error(
                    "/parentComment",
                    "replies can only be made to top-level comments",
                    "INVALID_VALUE",
                )
        # Comment text is plain text (message.text + attributes), stored as sent: an
        # escaping client would show its backslashes here.
        comment = self._new_comment(
            post, actor, text, given_parent if isinstance(given_parent, str) else None
        )
        return self._json_reply(
            201, self._render_comment(comment), {"x-restli-id": comment.urn}, created=True
        )


def _image_format(data: bytes) -> str:
    if not data:
        raise illegal("Empty upload")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            fmt = str(im.format)
            im.load()
    except Exception:  # noqa: BLE001 - any decoding failure is a bad upload
        raise illegal("The uploaded file is not a valid image") from None
    if fmt not in ("JPEG", "PNG", "GIF"):
        raise illegal(f"Unsupported image format {fmt}")
    return fmt


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeLinkedIn/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise ValueError("request body shorter than its Content-Length")
        return data

    def _dispatch(self) -> None:
        fake: FakeLinkedIn = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True
        try:
            try:
                body = self._read_body()
            except ValueError as exc:
                self._send(fake._json_reply(400, {"status": 400, "message": str(exc)}))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = fake.handle(self.command, self.path, headers, body)
            if reply is _DROP or not isinstance(reply, _Reply):
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch


DEFAULT_SUB = "abc123XYZ"
DEFAULT_TOKEN = "AQVfake-linkedin-member-token-abc123"
DEFAULT_ORG = "123456"
DEFAULT_ORG_NAME = "Agencia Regional de Empleo y Formación"


@contextlib.contextmanager
def running_linkedin(**kwargs: Any) -> Iterator[FakeLinkedIn]:
    """A started fake with member :data:`DEFAULT_SUB` (token :data:`DEFAULT_TOKEN`),
    administrator of organization :data:`DEFAULT_ORG`."""
    fake = FakeLinkedIn(**kwargs)
    fake.add_organization(DEFAULT_ORG, DEFAULT_ORG_NAME)
    fake.add_member(DEFAULT_SUB, DEFAULT_TOKEN, "Lucía Pérez", admin_of=[DEFAULT_ORG])
    with fake:
        yield fake


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGINT/SIGTERM, printing the base URL on the first stdout line."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.linkedin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--part-size", type=int, default=DEFAULT_PART_SIZE)
    args = parser.parse_args(argv)
    fake = FakeLinkedIn(host=args.host, port=args.port, part_size=args.part_size)
    fake.add_organization(DEFAULT_ORG, DEFAULT_ORG_NAME)
    fake.add_member(DEFAULT_SUB, DEFAULT_TOKEN, "Lucía Pérez", admin_of=[DEFAULT_ORG])
    fake.start()
    return fake.serve_until_terminated()


if __name__ == "__main__":
    sys.exit(main())
