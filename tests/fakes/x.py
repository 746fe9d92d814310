"""A strict fake of the X API v2 on 127.0.0.1, for tests (shared docs/platforms.md §3).

It refuses what the real API refuses (or what we are not sure it accepts), so a client
bug shows up as an X error rather than passing silently. OAuth (``/2/oauth2/token``)
is the auth helper's business and not served here.

In-process use::

    with FakeX({"2244994945": "USER-TOKEN"}) as fake:
        client = XAccount("2244994945", "USER-TOKEN", base_url=fake.url, timeout=2)
        fake.fail_next(r"^/2/tweets$", status=503)          # next matching request fails
        fake.rate_limit_next(r"^/2/tweets$", style="legacy")  # 429 code 88 (or "problem",
                                                             # "usage-capped")
        fake.drop_after_create_next(r"^/2/tweets$")          # created, connection closed
        fake.processing(steps=2, fail=False)                 # next finalize: 2 STATUS
        fake.reply_restriction = True                        # 2026 summon rule
        fake.tweets("2244994945")                            # what was published

From another process: ``python -m tests.fakes.x --port 0 --users ID:TOKEN:username``
prints its base URL; control endpoints (no token): ``GET /__fake__/state``,
``GET /__fake__/requests``, ``POST /__fake__/{fail,rate_limit,drop_after_create,drop,
delay,processing,users,expire_token,reply_restriction,add_reply,reset}`` with the keyword
arguments of the Python methods as a JSON object.

Endpoints and checks:

* every request: ``Authorization: Bearer <token>`` of a known user (else 401 problem);
  ``x-rate-limit-limit/remaining/reset`` headers on every answer, per endpoint and 15-min
  window (``POST /2/tweets`` 100, media upload 500, initialize/append/finalize 1,875,
  ``GET /2/media/upload`` 1,000, reads 900); over the limit -> 429.
* ``POST /2/tweets`` (JSON, ``additionalProperties: false`` at every level) -> 201
  ``{"data": {"id", "text", "edit_history_tweet_ids"}}``; weighted length > 280 (same
  counting module as the client) -> 400; identical text to an earlier post of the same
  user -> 403 "You are not allowed to create a Tweet with duplicate content."; replies
  under ``reply_restriction`` only to own posts or posts mentioning the user -> else 403;
  media ids must be the user's, processed, unexpired, unused: up to 4 images or 1 GIF or
  1 video.
* media: ``POST /2/media/upload`` (multipart image, or legacy ``command=INIT|APPEND|
  FINALIZE``), ``POST /2/media/upload/initialize``, ``/{id}/append`` (``segment_index``
  0-999, in order, not past ``total_bytes``), ``/{id}/finalize`` (all bytes, file type
  checked), ``GET /2/media/upload?command=STATUS&media_id=`` (``processing_info``
  ``pending`` -> ``in_progress`` -> ``succeeded``/``failed``), ``POST /2/media/metadata``.
* reads: ``GET /2/users/me``, ``GET /2/users/{id}/tweets`` (``start_time``,
  ``pagination_token``, ``exclude``), ``GET /2/tweets/search/recent`` with
  ``query=conversation_id:{id}`` and ``next_token``. Returned texts have URLs as t.co
  links and ``& < >`` as HTML entities, as X does.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import html
import io
import itertools
import json
import re
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from app.networks import twitter_text
from tests.fakes.graph import BodyError, GraphError, parse_multipart
from tests.fakes.server import FakeServer

MAX_BODY_BYTES = 40 * 1024 * 1024
IMAGE_MAX = 5_000_000
GIF_MAX = 15_000_000
VIDEO_MAX = 512 * 1024 * 1024  # plenty for tests
MEDIA_TTL = 86_400
WINDOW = 15 * 60
DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content."
REPLY_DETAIL = (
    "Reply to this conversation is not allowed because you have not been mentioned or"
    " otherwise engaged by the author of the post you are replying to."
)
PROBLEM = "https://api.x.com/2/problems/"

LIMITS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("POST", re.compile(r"^/2/tweets$"), 100),
    ("POST", re.compile(r"^/2/media/upload/(initialize|\d+/append|\d+/finalize)$"), 1875),
    ("POST", re.compile(r"^/2/media/upload$"), 500),
    ("GET", re.compile(r"^/2/media/upload$"), 1000),
    ("POST", re.compile(r"^/2/media/metadata$"), 500),
)
DEFAULT_LIMIT = 900

TWEET_KEYS = frozenset(
    {
        "text",
        "media",
        "reply",
        "quote_tweet_id",
        "poll",
        "reply_settings",
        "made_with_ai",
        "paid_partnership",
        "edit_options",
        "for_super_followers_only",
        "nullcast",
        "geo",
        "direct_message_deep_link",
        "card_uri",
        "community_id",
        "share_with_followers",
    }
)
REPLY_KEYS = frozenset(
    {"in_reply_to_tweet_id", "exclude_reply_user_ids", "auto_populate_reply_metadata"}
)
MEDIA_KEYS = frozenset({"media_ids", "tagged_user_ids"})
TWEET_FIELDS = frozenset(
    {
        "id",
        "text",
        "author_id",
        "created_at",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "attachments",
        "edit_history_tweet_ids",
        "public_metrics",
        "entities",
        "lang",
    }
)
USER_FIELDS = frozenset({"id", "name", "username", "profile_image_url", "created_at", "verified"})


class XError(Exception):
    """Raised inside the fake to answer with an X error body."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(str(body))
        self.status = status
        self.body = body


def problem(status: int, detail: str, kind: str = "invalid-request", title: str = "") -> XError:
    """A v2 problem answer (``type`` ``about:blank`` for plain HTTP errors)."""
    titles = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}
    body = {
        "title": title or titles.get(status, "Error"),
        "detail": detail,
        "type": PROBLEM + kind if kind != "about:blank" else kind,
        "status": status,
    }
    if status == 400:
        body["errors"] = [{"message": detail, "parameters": {}}]
    return XError(status, body)


def tco(text: str) -> str:
    """``text`` as X returns it: URLs as t.co links, ``& < >`` HTML-escaped."""
    out, pos = [], 0
    for span in twitter_text.extract_urls(text):
        out.append(html.escape(text[pos : span.start], quote=False))
        digest = abs(hash(span.url)) % 10**10
        out.append(f"https://t.co/{digest:010d}")
        pos = span.end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def iso(epoch: float) -> str:
    """X's timestamp format ``2027-01-20T10:00:01.000Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# ------------------------------------------------------------------------------ state


@dataclass
class FakeUser:
    """An X account the fake knows."""

    id: str
    token: str
    username: str = "empleo_test"
    name: str = "Agencia de Empleo"
    expired: bool = False


@dataclass
class FakeTweet:
    """A post as stored (``text`` exactly as sent)."""

    id: str
    author_id: str
    text: str
    created: float
    media_ids: list[str]
    reply_to: str | None
    conversation_id: str


@dataclass
class FakeMedia:
    """An upload: simple (image) or chunked (GIF/video)."""

    id: str
    owner: str
    category: str
    media_type: str
    total_bytes: int
    created: float
    segments: dict[int, bytes] = field(default_factory=dict)
    state: str = "uploading"  # uploading | pending | in_progress | succeeded | failed
    steps_left: int = 0
    fail: bool = False
    check_after: int = 1
    progress: int = 0
    alt_text: str | None = None
    used_by: str | None = None
    size: int = 0
    statuses_seen: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.category == "tweet_gif" or self.media_type == "image/gif":
            return "gif"
        if self.category == "tweet_video" or self.media_type.startswith("video/"):
            return "video"
        return "image"

    def processing_info(self) -> dict[str, Any] | None:
        if self.state in ("uploading",):
            return None
        info: dict[str, Any] = {"state": self.state}
        if self.state in ("pending", "in_progress"):
            info["check_after_secs"] = self.check_after
        if self.state == "in_progress":
            info["progress_percent"] = self.progress
        if self.state == "succeeded":
            info["progress_percent"] = 100
        if self.state == "failed":
            info["error"] = {"code": 1, "name": "InvalidMedia", "message": "Unsupported video"}
        return info


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


class FakeX(FakeServer):
    """The fake server and its state. Thread-safe; start with ``with`` or :meth:`start`.

    ``users`` maps user id -> token (or is a list of :class:`FakeUser`); ``clock``
    returns epoch seconds (stamps ``created_at`` and rate-limit windows).
    """

    def __init__(
        self,
        users: Mapping[str, str] | Iterable[FakeUser] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host, self.port = host, port
        self.clock = clock
        self.reply_restriction = False
        self._lock = threading.RLock()
        self._users: dict[str, FakeUser] = {}
        self._tweets: dict[str, FakeTweet] = {}
        self._media: dict[str, FakeMedia] = {}
        self._faults: list[_Fault] = []
        self._log: list[dict[str, Any]] = []
        self._windows: dict[tuple[str, str], list[float]] = {}  # key -> [start, used]
        self._processing: list[dict[str, Any]] = []
        self._ids = itertools.count(1_880_000_000_000_000_001)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        items = (
            [FakeUser(str(k), v) for k, v in users.items()]
            if isinstance(users, Mapping)
            else list(users)
        )
        for user in items:
            self._users[user.id] = user

    # -------------------------------------------------------------- lifecycle

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -------------------------------------------------------------- setup / faults

    def add_user(
        self, user_id: str, token: str, username: str = "empleo_test", name: str = "Agencia"
    ) -> None:
        """Add (or replace) a user with its access token."""
        with self._lock:
            self._users[str(user_id)] = FakeUser(str(user_id), token, username, name)

    def expire_token(self, user_id: str) -> None:
        """From now on the user's token answers 401."""
        with self._lock:
            self._users[str(user_id)].expired = True

    def set_reply_restriction(self, on: bool = True) -> None:
        """Turn the 2026 reply restriction (summon rule) on or off."""
        self.reply_restriction = on

    def add_reply(
        self,
        to_id: str,
        text: str,
        author_id: str = "999",
        username: str = "vecina",
        name: str = "Vecina",
    ) -> str:
        """Someone else replies to post ``to_id``; returns the reply's id."""
        with self._lock:
            if author_id not in self._users:
                self._users[author_id] = FakeUser(author_id, f"other-{author_id}", username, name)
            parent = self._tweets[to_id]
            tweet = FakeTweet(
                self._new_id(), author_id, text, self.clock(), [], to_id, parent.conversation_id
            )
            self._tweets[tweet.id] = tweet
            return tweet.id

    def reset(self) -> None:
        """Forget posts, media, faults, windows and the log (keep users)."""
        with self._lock:
            self._tweets.clear()
            self._media.clear()
            self._faults.clear()
            self._log.clear()
            self._windows.clear()
            self._processing.clear()
            self.reply_restriction = False
            for user in self._users.values():
                user.expired = False

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
        status: int = 503,
        detail: str = "Service Unavailable",
        kind: str = "about:blank",
        method: str | None = None,
        times: int = 1,
        raw_body: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests matching ``path`` (regex on the path) with
        a problem ``status``/``detail``/``kind`` (or ``raw_body`` as text/html)."""
        self._add_fault(
            "fail",
            path,
            method,
            times,
            status=status,
            detail=detail,
            problem_kind=kind,
            raw_body=raw_body,
        )

    def rate_limit_next(
        self,
        path: str = "",
        *,
        style: str = "legacy",
        reset_in: int = 600,
        method: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer 429 with ``x-rate-limit-remaining: 0`` and a reset ``reset_in`` seconds
        ahead. ``style``: ``"legacy"`` (``errors[{code: 88}]``), ``"problem"``
        (``rate-limit-exceeded``) or ``"usage-capped"``."""
        self._add_fault("rate", path, method, times, style=style, reset_in=reset_in)

    def drop_after_create_next(self, path: str = "", *, times: int = 1) -> None:
        """The next successful create (POST) matching is stored, then the connection is
        closed with no answer."""
        self._add_fault("drop_after_create", path, "POST", times)

    def drop_next(self, path: str = "", *, method: str | None = None, times: int = 1) -> None:
        """The next matching request is not processed: the connection is just closed."""
        self._add_fault("drop", path, method, times)

    def delay_next(
        self, seconds: float, path: str = "", *, method: str | None = None, times: int = 1
    ) -> None:
        """Answer the next matching request ``seconds`` late (after processing it)."""
        self._add_fault("delay", path, method, times, seconds=seconds)

    def processing(self, steps: int = 2, *, fail: bool = False, check_after: int = 1) -> None:
        """The next finalized GIF/video needs ``steps`` STATUS checks (pending ->
        in_progress ...), then ``succeeded`` (or ``failed`` when ``fail``)."""
        with self._lock:
            self._processing.append({"steps": steps, "fail": fail, "check_after": check_after})

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

    def tweets(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Posts oldest first: ``id, author_id, text, media_ids, reply_to,
        conversation_id, created_at`` (+ ``alt_texts`` of the media)."""
        with self._lock:
            return [
                {
                    "id": t.id,
                    "author_id": t.author_id,
                    "text": t.text,
                    "media_ids": list(t.media_ids),
                    "alt_texts": [self._media[m].alt_text for m in t.media_ids],
                    "reply_to": t.reply_to,
                    "conversation_id": t.conversation_id,
                    "created_at": iso(t.created),
                }
                for t in self._tweets.values()
                if user_id is None or t.author_id == user_id
            ]

    def media(self) -> list[dict[str, Any]]:
        """Every upload: ``id, kind, size, state, alt_text, used_by, statuses_seen``."""
        with self._lock:
            return [
                {
                    "id": m.id,
                    "kind": m.kind,
                    "size": m.size,
                    "state": m.state,
                    "alt_text": m.alt_text,
                    "used_by": m.used_by,
                    "segments": sorted(m.segments),
                    "statuses_seen": list(m.statuses_seen),
                }
                for m in self._media.values()
            ]

    def requests(self) -> list[dict[str, Any]]:
        """Log of API requests: ``method, path, query, status`` (None if dropped)."""
        with self._lock:
            return [dict(e) for e in self._log]

    def state(self) -> dict[str, Any]:
        """JSON-able dump of posts, media and requests."""
        return {"tweets": self.tweets(), "media": self.media(), "requests": self.requests()}

    # -------------------------------------------------------------- plumbing

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _limit_headers(self, method: str, path: str, user: str, spend: bool) -> dict[str, str]:
        limit = DEFAULT_LIMIT
        key_path = path
        for m, pattern, n in LIMITS:
            if m == method and pattern.search(path):
                limit, key_path = n, pattern.pattern
                break
        now = time.time()  # rate-limit windows are real time, whatever ``clock`` says
        with self._lock:
            window = self._windows.get((user, f"{method} {key_path}"))
            if window is None or now >= window[0] + WINDOW:
                window = [now, 0.0]
                self._windows[(user, f"{method} {key_path}")] = window
            if spend:
                window[1] += 1
            remaining = max(0, limit - int(window[1]))
            reset = int(window[0] + WINDOW)
            over = window[1] > limit
        return {
            **({"x-over-limit": "1"} if over else {}),
            "Content-Type": "application/json; charset=utf-8",
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset),
            "x-transaction-id": f"fake{next(self._ids) % 10**8:08d}",
        }

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request: a reply or ``_DROP``."""
        split = urllib.parse.urlsplit(target)
        path = split.path
        if path.startswith("/__fake__/"):
            return self._control(method, path, body)
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": split.query,
            "status": None,
        }
        with self._lock:
            self._log.append(entry)
        if self._take("drop", method, path):
            return _DROP
        user_id = ""
        try:
            user = self._authorize(headers.get("authorization", ""))
            user_id = user.id
            hdrs = self._limit_headers(method, path, user_id, spend=True)
            if hdrs.pop("x-over-limit", "") == "1":
                raise XError(
                    429,
                    {
                        "title": "Too Many Requests",
                        "detail": "Too Many Requests",
                        "type": "about:blank",
                        "status": 429,
                    },
                )
            rate = self._take("rate", method, path)
            if rate:
                reply = self._rate_reply(rate, hdrs)
            elif fail := self._take("fail", method, path):
                reply = self._fail_reply(fail, hdrs)
            else:
                reply = self._api(method, path, split.query, headers, body, user, hdrs)
        except XError as err:
            hdrs = self._limit_headers(method, path, user_id or "-", spend=False)
            reply = _Reply(err.status, json.dumps(err.body).encode(), hdrs)
        except GraphError as err:  # BodyError from the shared multipart parser
            hdrs = self._limit_headers(method, path, user_id or "-", spend=False)
            body_ = problem(400, str(err)).body
            reply = _Reply(400, json.dumps(body_).encode(), hdrs)
        reply.headers.pop("x-over-limit", None)
        entry["status"] = reply.status
        if reply.created and self._take("drop_after_create", method, path):
            entry["status"] = None
            return _DROP
        delay = self._take("delay", method, path)
        if delay:
            time.sleep(delay.options["seconds"])
        return reply

    def _rate_reply(self, fault: _Fault, hdrs: dict[str, str]) -> _Reply:
        style = fault.options["style"]
        hdrs = {**hdrs, "x-rate-limit-remaining": "0"}
        hdrs["x-rate-limit-reset"] = str(int(time.time() + fault.options["reset_in"]))
        if style == "legacy":
            body: dict[str, Any] = {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
        elif style == "usage-capped":
            body = {
                "title": "UsageCapExceeded",
                "detail": "Usage cap exceeded: Monthly product cap",
                "type": PROBLEM + "usage-capped",
                "period": "Monthly",
                "scope": "Product",
            }
        else:
            body = {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": PROBLEM + "rate-limit-exceeded",
                "status": 429,
            }
        return _Reply(429, json.dumps(body).encode(), hdrs)

    def _fail_reply(self, fault: _Fault, hdrs: dict[str, str]) -> _Reply:
        o = fault.options
        if o["raw_body"] is not None:
            return _Reply(
                o["status"], o["raw_body"].encode(), {**hdrs, "Content-Type": "text/html"}
            )
        err = problem(o["status"], o["detail"], o["problem_kind"])
        return _Reply(o["status"], json.dumps(err.body).encode(), hdrs)

    def _authorize(self, header: str) -> FakeUser:
        scheme, _, token = header.partition(" ")
        with self._lock:
            for user in self._users.values():
                if scheme == "Bearer" and token and token == user.token and not user.expired:
                    return user
        raise XError(
            401,
            {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            },
        )

    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        name = path[len("/__fake__/") :]
        try:
            if method == "GET" and name == "state":
                return _Reply(
                    200, json.dumps(self.state()).encode(), {"Content-Type": "application/json"}
                )
            if method == "GET" and name == "requests":
                return _Reply(
                    200, json.dumps(self.requests()).encode(), {"Content-Type": "application/json"}
                )
            if method != "POST":
                raise KeyError(name)
            args = json.loads(body or b"{}")
            if not isinstance(args, dict):
                raise TypeError("JSON object expected")
            actions: dict[str, Callable[..., Any]] = {
                "fail": self.fail_next,
                "rate_limit": self.rate_limit_next,
                "drop_after_create": self.drop_after_create_next,
                "drop": self.drop_next,
                "delay": self.delay_next,
                "processing": self.processing,
                "users": self.add_user,
                "expire_token": self.expire_token,
                "reply_restriction": self.set_reply_restriction,
                "add_reply": self.add_reply,
                "reset": self.reset,
            }
            result = actions[name](**args)
            return _Reply(
                200,
                json.dumps({"ok": True, "result": result}).encode(),
                {"Content-Type": "application/json"},
            )
        except (KeyError, TypeError, ValueError, re.error) as exc:
            msg = json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            return _Reply(400, msg.encode(), {"Content-Type": "application/json"})

    # -------------------------------------------------------------- API

    def _api(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        user: FakeUser,
        hdrs: dict[str, str],
    ) -> _Reply:
        try:
            params = dict(
                urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
            )
        except ValueError:
            raise problem(400, "Malformed query string") from None
        with self._lock:
            if method == "GET" and path == "/2/users/me":
                return self._me(user, params, hdrs)
            if method == "GET" and (m := re.fullmatch(r"/2/users/(\d+)/tweets", path)):
                return self._timeline(m.group(1), params, hdrs)
            if method == "GET" and path == "/2/tweets/search/recent":
                return self._search(params, hdrs)
            if method == "POST" and path == "/2/tweets":
                return self._create(user, params, headers, body, hdrs)
            if method == "POST" and path == "/2/media/upload/initialize":
                self._no_params(params)
                return self._initialize(user, self._json(headers, body), hdrs)
            if method == "POST" and (m := re.fullmatch(r"/2/media/upload/(\d+)/append", path)):
                self._no_params(params)
                fields, files = self._multipart(headers, body)
                return self._append(user, m.group(1), fields, files, hdrs)
            if method == "POST" and (m := re.fullmatch(r"/2/media/upload/(\d+)/finalize", path)):
                self._no_params(params)
                if body.strip():
                    raise problem(400, "finalize takes no body")
                return self._finalize(user, m.group(1), hdrs)
            if method == "GET" and path == "/2/media/upload":
                return self._status(user, params, hdrs)
            if method == "POST" and path == "/2/media/upload":
                return self._upload(user, params, headers, body, hdrs)
            if method == "POST" and path == "/2/media/metadata":
                self._no_params(params)
                return self._metadata(user, self._json(headers, body), hdrs)
        raise problem(404, f"No route for {method} {path}", "about:blank")

    @staticmethod
    def _reply(status: int, payload: Any, hdrs: dict[str, str], created: bool = False) -> _Reply:
        return _Reply(status, json.dumps(payload).encode(), dict(hdrs), created)

    @staticmethod
    def _no_params(params: Mapping[str, str], allowed: Iterable[str] = ()) -> None:
        extra = sorted(set(params) - set(allowed))
        if extra:
            raise problem(400, f"The query parameter [{extra[0]}] is not one of {sorted(allowed)}")

    @staticmethod
    def _json(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        if not headers.get("content-type", "").startswith("application/json"):
            raise problem(400, "Content-Type must be application/json")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise problem(400, "Request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise problem(400, "Request body must be a JSON object")
        return data

    @staticmethod
    def _multipart(
        headers: Mapping[str, str], body: bytes
    ) -> tuple[dict[str, str], dict[str, Any]]:
        ctype = headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data"):
            raise problem(400, "Content-Type must be multipart/form-data")
        fields, files = parse_multipart(body, ctype)
        out: dict[str, str] = {}
        for k, v in fields:
            if k in out:
                raise problem(400, f"field {k} sent twice")
            out[k] = v
        return out, files

    @staticmethod
    def _fields(params: Mapping[str, str], key: str, allowed: frozenset[str]) -> list[str]:
        wanted = [f for f in params.get(key, "").split(",") if f]
        for f in wanted:
            if f not in allowed:
                raise problem(
                    400, f"The `{key}` query parameter value [{f}] is not one of {sorted(allowed)}"
                )
        return wanted

    # reads ------------------------------------------------------------------

    def _user_json(self, user: FakeUser, wanted: Iterable[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.username}
        if "profile_image_url" in wanted:
            out["profile_image_url"] = (
                f"https://pbs.twimg.com/profile_images/{user.id}/a_normal.jpg"
            )
        return out

    def _me(self, user: FakeUser, params: Mapping[str, str], hdrs: dict[str, str]) -> _Reply:
        self._no_params(params, ("user.fields", "expansions", "tweet.fields"))
        wanted = self._fields(params, "user.fields", USER_FIELDS)
        return self._reply(200, {"data": self._user_json(user, wanted)}, hdrs)

    def _tweet_json(self, t: FakeTweet, wanted: Iterable[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t.id, "text": tco(t.text), "edit_history_tweet_ids": [t.id]}
        wanted = set(wanted)
        if "author_id" in wanted:
            out["author_id"] = t.author_id
        if "created_at" in wanted:
            out["created_at"] = iso(t.created)
        if "conversation_id" in wanted:
            out["conversation_id"] = t.conversation_id
        if "in_reply_to_user_id" in wanted and t.reply_to and t.reply_to in self._tweets:
            out["in_reply_to_user_id"] = self._tweets[t.reply_to].author_id
        if "referenced_tweets" in wanted and t.reply_to:
            out["referenced_tweets"] = [{"type": "replied_to", "id": t.reply_to}]
        if "attachments" in wanted and t.media_ids:
            out["attachments"] = {"media_keys": [f"3_{m}" for m in t.media_ids]}
        return out

    @staticmethod
    def _parse_time(value: str, name: str) -> float:
        try:
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise problem(400, f"Invalid {name}: {value}") from None
        return parsed.timestamp()

    def _page(
        self, items: list[FakeTweet], params: Mapping[str, str], token_key: str, lo: int, hi: int
    ) -> tuple[list[FakeTweet], dict[str, Any]]:
        raw = params.get("max_results", "10")
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise problem(
                400, f"The `max_results` query parameter value [{raw}] is not between {lo} and {hi}"
            )
        size = int(raw)
        start = 0
        if token_key in params:
            token = params[token_key]
            try:
                start = int(base64.urlsafe_b64decode(token.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise problem(400, f"Invalid {token_key}") from None
        page = items[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"], meta["oldest_id"] = page[0].id, page[-1].id
        if start + size < len(items):
            meta["next_token"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return page, meta

    def _timeline(self, user_id: str, params: Mapping[str, str], hdrs: dict[str, str]) -> _Reply:
        self._no_params(
            params,
            (
                "max_results",
                "pagination_token",
                "start_time",
                "end_time",
                "exclude",
                "tweet.fields",
                "expansions",
                "user.fields",
                "since_id",
                "until_id",
            ),
        )
        if user_id not in self._users:
            raise problem(404, f"Could not find user with id: [{user_id}].", "resource-not-found")
        wanted = self._fields(params, "tweet.fields", TWEET_FIELDS)
        exclude = {e for e in params.get("exclude", "").split(",") if e}
        if exclude - {"replies", "retweets"}:
            raise problem(400, "exclude must be replies or retweets")
        since = (
            self._parse_time(params["start_time"], "start_time") if "start_time" in params else None
        )
        if since is not None and since > self.clock() - 10:
            raise problem(
                400,
                "Invalid 'start_time': must be a minimum of 10 seconds prior to the request time.",
            )
        items = [
            t
            for t in self._tweets.values()
            if t.author_id == user_id
            and (since is None or t.created >= since)
            and not ("replies" in exclude and t.reply_to)
        ]
        items.sort(key=lambda t: int(t.id), reverse=True)
        page, meta = self._page(items, params, "pagination_token", 5, 100)
        payload: dict[str, Any] = {"meta": meta}
        if page:
            payload["data"] = [self._tweet_json(t, wanted) for t in page]
        return self._reply(200, payload, hdrs)

    def _search(self, params: Mapping[str, str], hdrs: dict[str, str]) -> _Reply:
        self._no_params(
            params,
            (
                "query",
                "max_results",
                "next_token",
                "tweet.fields",
                "expansions",
                "user.fields",
                "start_time",
                "end_time",
                "since_id",
                "until_id",
                "sort_order",
            ),
        )
        m = re.fullmatch(r"conversation_id:(\d+)", params.get("query", ""))
        if not m:
            raise problem(400, "The fake only supports query=conversation_id:<id>")
        wanted = self._fields(params, "tweet.fields", TWEET_FIELDS)
        expansions = [e for e in params.get("expansions", "").split(",") if e]
        if set(expansions) - {"author_id", "referenced_tweets.id", "in_reply_to_user_id"}:
            raise problem(400, "unknown expansion")
        user_fields = self._fields(params, "user.fields", USER_FIELDS)
        conv = m.group(1)
        items = [t for t in self._tweets.values() if t.conversation_id == conv and t.id != conv]
        items.sort(key=lambda t: int(t.id), reverse=True)
        page, meta = self._page(items, params, "next_token", 10, 100)
        payload: dict[str, Any] = {"meta": meta}
        if page:
            payload["data"] = [self._tweet_json(t, wanted) for t in page]
            if "author_id" in expansions:
                authors = {t.author_id for t in page}
                payload["includes"] = {
                    "users": [self._user_json(self._users[a], user_fields) for a in sorted(authors)]
                }
        return self._reply(200, payload, hdrs)

    # create -----------------------------------------------------------------

    def _create(
        self,
        user: FakeUser,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        hdrs: dict[str, str],
    ) -> _Reply:
        self._no_params(params)
        data = self._json(headers, body)
        extra = sorted(set(data) - TWEET_KEYS)
        if extra:
            raise problem(
                400, f"The `{extra[0]}` field is not allowed (additionalProperties: false)"
            )
        text = data.get("text")
        if text is not None and not isinstance(text, str):
            raise problem(400, "text must be a string")
        media = data.get("media")
        media_ids: list[str] = []
        if media is not None:
            if not isinstance(media, dict) or set(media) - MEDIA_KEYS:
                raise problem(400, "media has unknown fields")
            ids = media.get("media_ids")
            if (
                not isinstance(ids, list)
                or not 1 <= len(ids) <= 4
                or not all(isinstance(i, str) and i.isdigit() for i in ids)
            ):
                raise problem(400, "media.media_ids must be 1-4 numeric strings")
            media_ids = list(ids)
        if not (text or "").strip() and not media_ids:
            raise problem(400, "Post text or media is required")
        if text and twitter_text.weighted_length(text) > twitter_text.MAX_WEIGHTED_LENGTH:
            raise problem(400, "Post text is too long (weighted length over 280).")
        reply_to: str | None = None
        reply = data.get("reply")
        if reply is not None:
            if not isinstance(reply, dict) or set(reply) - REPLY_KEYS:
                raise problem(400, "reply has unknown fields")
            target = reply.get("in_reply_to_tweet_id")
            if not isinstance(target, str) or not target.isdigit():
                raise problem(400, "reply.in_reply_to_tweet_id must be a numeric string")
            if target not in self._tweets:
                raise problem(400, "The post you are replying to does not exist or was deleted.")
            reply_to = target
        self._check_media(user, media_ids)
        if text and any(t.author_id == user.id and t.text == text for t in self._tweets.values()):
            raise problem(403, DUPLICATE_DETAIL, "about:blank")
        if reply_to is not None and self.reply_restriction:
            parent = self._tweets[reply_to]
            summoned = (
                parent.author_id == user.id or f"@{user.username}".lower() in parent.text.lower()
            )
            if not summoned:
                raise problem(403, REPLY_DETAIL, "about:blank")
        tweet_id = self._new_id()
        conversation = self._tweets[reply_to].conversation_id if reply_to else tweet_id
        tweet = FakeTweet(
            tweet_id, user.id, text or "", self.clock(), media_ids, reply_to, conversation
        )
        self._tweets[tweet_id] = tweet
        for m in media_ids:
            self._media[m].used_by = tweet_id
        out = {
            "data": {"id": tweet_id, "text": tco(tweet.text), "edit_history_tweet_ids": [tweet_id]}
        }
        return self._reply(
            201, out, {**hdrs, "location": f"https://api.x.com/2/tweets/{tweet_id}"}, created=True
        )

    def _check_media(self, user: FakeUser, ids: list[str]) -> None:
        kinds = []
        for mid in ids:
            media = self._media.get(mid)
            if media is None or media.owner != user.id:
                raise problem(400, f"Your media IDs are invalid: [{mid}]")
            if media.state != "succeeded":
                raise problem(400, f"Media {mid} is not ready (state {media.state})")
            if media.used_by is not None:
                raise problem(400, f"Media {mid} is already attached to a post")
            if self.clock() > media.created + MEDIA_TTL:
                raise problem(400, f"Media {mid} has expired")
            kinds.append(media.kind)
        if len(set(ids)) != len(ids):
            raise problem(400, "media_ids repeated")
        if ("gif" in kinds or "video" in kinds) and len(kinds) > 1:
            raise problem(400, "A post takes up to 4 images, or 1 GIF, or 1 video.")

    # media ------------------------------------------------------------------

    def _new_media(self, user: FakeUser, category: str, media_type: str, total: int) -> FakeMedia:
        if category not in (
            "tweet_image",
            "tweet_gif",
            "tweet_video",
            "amplify_video",
            "subtitles",
        ):
            raise problem(400, f"Invalid media_category {category}")
        media = FakeMedia(self._new_id(), user.id, category, media_type, total, self.clock())
        self._media[media.id] = media
        return media

    def _media_json(self, media: FakeMedia, *, image: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": media.id,
            "media_key": f"{'7' if media.kind == 'video' else '3'}_{media.id}",
            "expires_after_secs": max(0, int(media.created + MEDIA_TTL - self.clock())),
        }
        if media.state != "uploading":
            out["size"] = media.size
        info = media.processing_info()
        if info is not None and media.kind != "image":
            out["processing_info"] = info
        return out

    def _initialize(self, user: FakeUser, data: dict[str, Any], hdrs: dict[str, str]) -> _Reply:
        extra = set(data) - {
            "media_type",
            "total_bytes",
            "media_category",
            "additional_owners",
            "shared",
        }
        if extra:
            raise problem(400, f"The `{sorted(extra)[0]}` field is not allowed")
        media_type, total = data.get("media_type"), data.get("total_bytes")
        category = data.get("media_category", "tweet_image")
        if not isinstance(media_type, str) or not re.fullmatch(
            r"(image|video)/[\w.+-]+", media_type
        ):
            raise problem(400, "media_type is required (e.g. video/mp4)")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise problem(400, "total_bytes must be a positive integer")
        limit = {"tweet_gif": GIF_MAX, "tweet_video": VIDEO_MAX}.get(str(category), IMAGE_MAX)
        if total > limit:
            raise problem(400, f"File size exceeds {limit} bytes.")
        media = self._new_media(user, str(category), media_type, total)
        return self._reply(200, {"data": self._media_json(media)}, hdrs, created=True)

    def _owned(self, user: FakeUser, media_id: str) -> FakeMedia:
        media = self._media.get(media_id)
        if media is None or media.owner != user.id:
            raise problem(400, f"Media id {media_id} not found", "resource-not-found")
        return media

    def _append(
        self,
        user: FakeUser,
        media_id: str,
        fields: dict[str, str],
        files: dict[str, Any],
        hdrs: dict[str, str],
    ) -> _Reply:
        media = self._owned(user, media_id)
        if set(fields) - {"segment_index", "media", "command", "media_id"} or set(files) - {
            "media"
        }:
            raise problem(400, "append takes segment_index and media")
        raw = fields.get("segment_index", "")
        if not raw.isdigit() or not 0 <= int(raw) <= 999:
            raise problem(400, "segment_index must be an integer 0-999")
        index = int(raw)
        chunk = files["media"].data if "media" in files else fields.get("media", "").encode()
        if not chunk:
            raise problem(400, "media chunk is required")
        if media.state != "uploading":
            raise problem(400, "Media is already finalized")
        if index != len(media.segments) and index not in media.segments:
            raise problem(
                400, f"segment_index {index} out of order (expected {len(media.segments)})"
            )
        media.segments[index] = chunk
        if sum(len(c) for c in media.segments.values()) > media.total_bytes:
            raise problem(400, "More bytes appended than total_bytes")
        expires = int(media.created + MEDIA_TTL)
        return self._reply(200, {"data": {"expires_at": expires}}, hdrs)

    def _finalize(self, user: FakeUser, media_id: str, hdrs: dict[str, str]) -> _Reply:
        media = self._owned(user, media_id)
        if media.state != "uploading":
            return self._reply(200, {"data": self._media_json(media)}, hdrs)
        data = b"".join(media.segments[i] for i in sorted(media.segments))
        if sorted(media.segments) != list(range(len(media.segments))):
            raise problem(400, "Segments are missing")
        if len(data) != media.total_bytes:
            raise problem(
                400, f"File size {len(data)} does not match total_bytes {media.total_bytes}"
            )
        if media.kind == "video" and data[4:8] != b"ftyp":
            raise problem(400, "InvalidMedia: not an MP4/MOV file")
        if media.kind == "gif" and not data.startswith(b"GIF8"):
            raise problem(400, "InvalidMedia: not a GIF file")
        if media.kind == "image":
            self._check_image(data, media.media_type)
        media.size = len(data)
        media.segments = {0: b""}  # keep memory low; sizes are known
        plan = (
            self._processing.pop(0)
            if self._processing
            else {"steps": 1, "fail": False, "check_after": 1}
        )
        if media.kind == "image":
            media.state = "succeeded"
        else:
            media.state = "pending"
            media.steps_left = int(plan["steps"])
            media.fail = bool(plan["fail"])
            media.check_after = int(plan["check_after"])
        return self._reply(200, {"data": self._media_json(media)}, hdrs)

    def _status(self, user: FakeUser, params: Mapping[str, str], hdrs: dict[str, str]) -> _Reply:
        self._no_params(params, ("command", "media_id"))
        if params.get("command") != "STATUS":
            raise problem(400, "command must be STATUS")
        media = self._owned(user, params.get("media_id", ""))
        if media.state == "uploading":
            raise problem(400, "Media is not finalized")
        if media.state in ("pending", "in_progress"):
            media.steps_left -= 1
            if media.steps_left <= 0:
                media.state = "failed" if media.fail else "succeeded"
            else:
                media.state = "in_progress"
                media.progress = min(99, media.progress + 40)
        media.statuses_seen.append(media.state)
        return self._reply(200, {"data": self._media_json(media)}, hdrs)

    @staticmethod
    def _check_image(data: bytes, media_type: str) -> None:
        if len(data) > IMAGE_MAX:
            raise problem(400, "File size exceeds 5242880 bytes.")
        try:
            with Image.open(io.BytesIO(data)) as im:
                im.verify()
            with Image.open(io.BytesIO(data)) as im:
                fmt = str(im.format)
                im.load()
        except Exception:  # noqa: BLE001 - anything Pillow cannot decode
            raise problem(400, "InvalidMedia: image cannot be decoded") from None
        if fmt not in ("JPEG", "PNG", "GIF", "WEBP"):
            raise problem(400, f"InvalidMedia: unsupported image format {fmt}")

    def _upload(
        self,
        user: FakeUser,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        hdrs: dict[str, str],
    ) -> _Reply:
        ctype = headers.get("content-type", "")
        if ctype.startswith("application/json"):
            self._no_params(params)
            data = self._json(headers, body)
            if set(data) - {"media", "media_category", "media_type", "additional_owners", "shared"}:
                raise problem(400, "unknown field")
            try:
                raw = base64.b64decode(str(data.get("media", "")), validate=True)
            except ValueError:
                raise problem(400, "media must be base64") from None
            return self._simple(
                user,
                raw,
                str(data.get("media_category", "tweet_image")),
                str(data.get("media_type", "image/jpeg")),
                hdrs,
            )
        fields, files = (
            self._multipart(headers, body) if ctype.startswith("multipart/") else ({}, {})
        )
        if ctype.startswith("application/x-www-form-urlencoded"):
            fields = dict(urllib.parse.parse_qsl(body.decode("ascii")))
        merged = {**params, **fields}
        command = merged.get("command")
        if command is None:  # simple upload
            self._no_params(params)
            if set(fields) - {"media_category", "media_type", "additional_owners", "shared"} or set(
                files
            ) != {"media"}:
                raise problem(400, "simple upload takes media (file), media_category, media_type")
            return self._simple(
                user,
                files["media"].data,
                fields.get("media_category", "tweet_image"),
                fields.get("media_type", files["media"].content_type),
                hdrs,
            )
        # Legacy single-URL form (quickstart page): command=INIT|APPEND|FINALIZE.
        if command == "INIT":
            total = merged.get("total_bytes", "")
            if not total.isdigit():
                raise problem(400, "total_bytes must be an integer")
            return self._initialize(
                user,
                {
                    "media_type": merged.get("media_type"),
                    "total_bytes": int(total),
                    "media_category": merged.get("media_category", "tweet_image"),
                },
                hdrs,
            )
        if command == "APPEND":
            return self._append(user, merged.get("media_id", ""), fields, files, hdrs)
        if command == "FINALIZE":
            return self._finalize(user, merged.get("media_id", ""), hdrs)
        raise problem(400, f"Unknown command {command}")

    def _simple(
        self, user: FakeUser, data: bytes, category: str, media_type: str, hdrs: dict[str, str]
    ) -> _Reply:
        if category != "tweet_image":
            raise problem(400, "Use the chunked upload for GIF and video")
        self._check_image(data, media_type)
        media = self._new_media(user, category, media_type, len(data))
        media.size = len(data)
        media.state = "succeeded"
        with Image.open(io.BytesIO(data)) as im:
            w, h = im.size
        out = self._media_json(media)
        out["image"] = {"image_type": media_type, "w": w, "h": h}
        return self._reply(200, {"data": out}, hdrs, created=True)

    def _metadata(self, user: FakeUser, data: dict[str, Any], hdrs: dict[str, str]) -> _Reply:
        if set(data) - {"id", "metadata"}:
            raise problem(400, "metadata takes id and metadata")
        media_id = data.get("id")
        if not isinstance(media_id, str) or not re.fullmatch(r"[0-9]{1,19}", media_id):
            raise problem(400, "id must match ^[0-9]{1,19}$")
        meta = data.get("metadata")
        allowed = {
            "alt_text",
            "allow_download_status",
            "found_media_origin",
            "sticker_info",
            "shared_info",
            "audience_policy",
            "geo_restrictions",
            "sensitive_media_warning",
            "content_expiration",
            "management_info",
            "preview_image",
            "upload_source",
        }
        if not isinstance(meta, dict) or set(meta) - allowed:
            raise problem(400, "metadata has unknown fields")
        media = self._owned(user, media_id)
        alt = meta.get("alt_text")
        if alt is not None:
            if (
                not isinstance(alt, dict)
                or set(alt) != {"text"}
                or not isinstance(alt["text"], str)
            ):
                raise problem(400, 'alt_text must be {"text": string}')
            if len(alt["text"]) > 1000:
                raise problem(400, "alt_text.text is longer than 1000")
            media.alt_text = alt["text"]
        out = {
            "data": {"id": media.id, "associated_metadata": {"alt_text": {"text": media.alt_text}}}
        }
        return self._reply(200, out, hdrs)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeX/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise BodyError("request body too large")
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise BodyError("request body shorter than its Content-Length")
        return data

    def _dispatch(self) -> None:
        fake: FakeX = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True
        try:
            try:
                body = self._read_body()
            except (BodyError, ValueError):
                self._send(_Reply(400, json.dumps(problem(400, "bad body").body).encode(), {}))
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

    do_GET = do_POST = do_DELETE = do_PUT = _dispatch


@contextlib.contextmanager
def running_x(users: Mapping[str, str] | Iterable[FakeUser] = (), **kwargs: Any) -> Iterator[FakeX]:
    """Context manager: a started :class:`FakeX`."""
    fake = FakeX(users, **kwargs)
    with fake:
        yield fake


def _parse_user(spec: str) -> FakeUser:
    user_id, sep, rest = spec.partition(":")
    token, _, username = rest.partition(":")
    if not sep or not user_id or not token:
        raise argparse.ArgumentTypeError(f"expected ID:TOKEN[:USERNAME], got {spec!r}")
    return FakeUser(user_id, token, username or "empleo_test")


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGINT/SIGTERM, printing the base URL on the first stdout line."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.x", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--users", nargs="*", type=_parse_user, default=[], metavar="ID:TOKEN[:USERNAME]"
    )
    args = parser.parse_args(argv)
    fake = FakeX(args.users, host=args.host, port=args.port).start()
    return fake.serve_until_terminated()


if __name__ == "__main__":
    sys.exit(main())
