"""A strict fake of the Instagram Graph API (Facebook-login path) on 127.0.0.1, for tests.

Follows shared docs/platforms.md §2 and its "Fake server must emulate (Instagram)"
checklist; same Graph error envelope and fault injection as :mod:`tests.fakes.graph`
(whose HTTP handler and helpers it reuses). One server answers both the Graph paths
(``/v25.0/...``) and the resumable upload host (``/ig-api-upload/v25.0/{container}``).

In-process use::

    with FakeInstagram(clock=clock) as fake:
        fake.add_account("1784", "PAGE-TOKEN", username="empleo", page_id="1001")
        fake.add_user("USER-TOKEN", ["1001"])          # for /me/accounts discovery
        fake.quota_total = 2                           # content_publishing_limit
        fake.video_seconds = 30                        # processing time of a video (clock)
        fake.drop_after_create_next(r"/media_publish$")
        fake.truncate_upload_next(1000)                # rupload keeps 1000 bytes, drops

Endpoints (all need the account's Page token: query/form ``access_token`` or, on the
upload host, ``Authorization: OAuth <token>``):

* ``POST /{ig}/media``: ``image_url`` (+``alt_text``, ``caption``, ``is_carousel_item``),
  ``media_type=REELS|STORIES|VIDEO`` with ``video_url`` or ``upload_type=resumable``
  (-> ``{"id","uri"}``), ``media_type=CAROUSEL`` + ``children`` + ``caption``. The fake
  DOWNLOADS every ``image_url``/``video_url`` over HTTP: unreachable, non-200 (e.g. 401 of a
  private URL), wrong ``Content-Type``, not a JPEG / MP4, or an image outside 4:5…1.91:1
  (feed) -> an ERROR container with a ``status`` reason.
* ``GET /{container}?fields=id,status_code,status``: IN_PROGRESS -> FINISHED after the
  processing time on the injectable clock (``image_seconds``/``video_seconds``),
  EXPIRED 24 h after creation unless published, PUBLISHED once published.
* ``POST /{ig}/media_publish?creation_id=``: only FINISHED containers (else code 9007,
  subcode 2207027); a second publish fails; quota exceeded -> code 9, subcode 2207042.
* ``GET /{ig}/content_publishing_limit?fields=quota_usage,config``.
* ``POST /ig-api-upload/{v}/{container}`` headers ``offset``, ``file_size``: bytes appended
  at ``offset`` (must equal what the fake holds); ``GET`` there -> ``{"offset": N}``
  (UNVERIFIED shape). Errors use the upload host's ``{"debug_info": {...}}`` shape.
* ``GET /{ig}?fields=id,username``, ``GET /{ig}/media`` and ``/stories``
  (``fields``, ``limit``, ``after``), ``GET /{media}?fields=id,permalink,caption,timestamp``,
  ``GET /{media}/comments`` (cursor paging; ``replies{...}`` holds the first
  25 replies, with ``paging`` when there are more), ``POST /{comment}/replies``
  (top-level comments only), ``GET /{comment}/replies``, ``POST /{comment}`` ``hide=``,
  ``GET /me/accounts`` (user token).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from tests.fakes.graph import (
    _DROP,
    BodyError,
    GraphError,
    _Fault,
    _Handler,
    _merge,
    _Reply,
    envelope,
    graph_time,
    parse_form,
)
from tests.fakes.server import FakeServer

VERSION = "v25.0"
VERSION_RE = re.compile(r"^/(v\d+\.0)(/.*)?$")
UPLOAD_RE = re.compile(r"^/ig-api-upload/(v\d+\.0)/([^/]+)$")
MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_IMAGE_BYTES = 8 * 1024 * 1024
EXPIRY_SECONDS = 24 * 3600
WEB = "https://www.instagram.com/p/"
HASHTAG = re.compile(r"(?<![\w&#/])#\w+")
MENTION = re.compile(r"(?<![\w@/])@\w[\w.]*")

CREATE_PARAMS = frozenset(
    {
        "image_url",
        "video_url",
        "caption",
        "alt_text",
        "is_carousel_item",
        "media_type",
        "upload_type",
        "children",
        "share_to_feed",
        "cover_url",
        "thumb_offset",
        "location_id",
        "user_tags",
        "collaborators",
        "audio_name",
    }
)


@dataclass
class FakeAccount:
    """An IG professional account linked to a Page (``page_id``) whose token it uses."""

    ig_id: str
    token: str
    username: str = "empleo_region"
    page_id: str = "1001"
    page_name: str = "Agencia de Empleo"
    expired_subcode: int | None = None  # the token answers code 190 with this subcode


@dataclass
class Container:
    """One media container."""

    id: str
    owner: str
    kind: str  # IMAGE | VIDEO | REELS | STORIES | CAROUSEL
    created: float
    params: dict[str, str]
    is_item: bool = False
    children: list[str] = field(default_factory=list)
    error: str = ""
    ready_at: float | None = None  # when processing ends (None: waiting for upload)
    published: bool = False
    media_id: str = ""
    resumable: bool = False
    file_size: int | None = None
    received: bytearray = field(default_factory=bytearray)
    downloaded: bytes = b""


@dataclass
class Media:
    """A published post (or story)."""

    id: str
    owner: str
    container: str
    kind: str
    caption: str
    timestamp: float
    shortcode: str


@dataclass
class Comment:
    """A comment (``parent`` None) or a reply."""

    id: str
    media: str
    parent: str | None
    text: str
    username: str
    user_id: str
    timestamp: float
    hidden: bool = False


def _parse_fields(value: str) -> list[str]:
    """Top-level names of a ``fields`` value with nested ``a{b,c}`` parts."""
    out, depth, cur = [], 0, ""
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    if depth != 0:
        raise GraphError(100, "(#100) Syntax error in fields")
    return out


class FakeInstagram(FakeServer):
    """The fake server and its state (thread-safe). ``clock`` returns epoch seconds."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, clock: Callable[[], float] = time.time
    ) -> None:
        self.host, self.port = host, port
        self.clock = clock
        self.quota_total = 50
        self.quota_duration = 24 * 3600
        self.image_seconds = 0.0
        self.video_seconds = 0.0
        self.download_timeout = 3.0
        self.fetch_errors_at_create = False
        """True: a failed download answers the create call with code 9004 / subcode 2207052
        (as Meta does in the field) instead of creating an ERROR container."""
        self._lock = threading.RLock()
        self._accounts: dict[str, FakeAccount] = {}
        self._users: dict[str, list[str]] = {}
        self._containers: dict[str, Container] = {}
        self._media: dict[str, Media] = {}
        self._comments: dict[str, Comment] = {}
        self._publishes: list[tuple[str, float]] = []
        self._faults: list[_Fault] = []
        self._log: list[dict[str, Any]] = []
        self._ids = itertools.count(17_900_000_000_001)
        self._truncate: list[int] = []
        self._server: ThreadingHTTPServer | None = None

    # -------------------------------------------------------------- lifecycle

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -------------------------------------------------------------- setup / faults

    def add_account(
        self,
        ig_id: str,
        token: str,
        *,
        username: str = "empleo_region",
        page_id: str = "1001",
        page_name: str = "Agencia de Empleo",
    ) -> None:
        """Register an IG account published with the Page token ``token``."""
        with self._lock:
            self._accounts[ig_id] = FakeAccount(ig_id, token, username, page_id, page_name)

    def expire_token(self, ig_id: str, subcode: int = 463) -> None:
        """From now on the account's Page token answers code 190 with ``subcode`` (463 =
        expired, 460 = password changed); :meth:`add_account` with a new token revives it."""
        with self._lock:
            self._accounts[ig_id].expired_subcode = subcode

    def add_user(self, user_token: str, page_ids: list[str]) -> None:
        """A Facebook user (``user_token``) who manages the Pages ``page_ids``."""
        with self._lock:
            self._users[user_token] = list(page_ids)

    def add_comment(
        self, media_id: str, text: str, *, username: str = "vecina", parent: str | None = None
    ) -> str:
        """Someone comments on ``media_id`` (or replies to ``parent``); returns its id."""
        with self._lock:
            cid = self._new_id()
            self._comments[cid] = Comment(
                cid, media_id, parent, text, username, "9" + cid[-6:], self.clock()
            )
            return cid

    def _add_fault(self, kind: str, path: str, method: str | None, times: int, **o: Any) -> None:
        with self._lock:
            self._faults.append(
                _Fault(kind, re.compile(path), method.upper() if method else None, times, o)
            )

    def fail_next(
        self,
        path: str = "",
        *,
        code: int = 1,
        subcode: int | None = None,
        http_status: int | None = None,
        message: str = "",
        method: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next matching request(s) with a Graph error envelope."""
        status = http_status or (500 if code in (1, 2) else 400)
        self._add_fault(
            "fail", path, method, times, code=code, subcode=subcode, status=status, message=message
        )

    def drop_after_create_next(self, path: str = "", *, times: int = 1) -> None:
        """The next successful create (POST) matching is done, then the socket closed."""
        self._add_fault("drop_after_create", path, "POST", times)

    def drop_next(self, path: str = "", *, method: str | None = None, times: int = 1) -> None:
        """The next matching request is not processed: the connection is just closed."""
        self._add_fault("drop", path, method, times)

    def truncate_upload_next(self, keep: int) -> None:
        """The next rupload keeps only its first ``keep`` bytes, then drops the connection."""
        with self._lock:
            self._truncate.append(keep)

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

    def requests(self) -> list[dict[str, Any]]:
        """Every request received (tokens masked)."""
        with self._lock:
            return [dict(e) for e in self._log]

    def container(self, container_id: str) -> Container:
        """A container's state (tests only)."""
        with self._lock:
            return self._containers[container_id]

    def containers(self, ig_id: str) -> list[Container]:
        """The account's containers, in creation order."""
        with self._lock:
            return [c for c in self._containers.values() if c.owner == ig_id]

    def media(self, ig_id: str) -> list[Media]:
        """Published media of the account, oldest first."""
        with self._lock:
            return [m for m in self._media.values() if m.owner == ig_id]

    def comments(self, media_id: str) -> list[Comment]:
        """Comments and replies on ``media_id``, oldest first."""
        with self._lock:
            return [c for c in self._comments.values() if c.media == media_id]

    # -------------------------------------------------------------- dispatch

    def _headers(self, _hint: str | None = None) -> dict[str, str]:
        return {"Content-Type": "application/json; charset=UTF-8", "facebook-api-version": VERSION}

    def _reply(self, status: int, body: Any, created: bool = False) -> _Reply:
        return _Reply(status, json.dumps(body).encode(), self._headers(), created)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request (called by the shared HTTP handler)."""
        split = urllib.parse.urlsplit(target)
        path = split.path
        entry: dict[str, Any] = {"method": method, "path": path, "status": None}
        with self._lock:
            self._log.append(entry)
        if self._take("drop", method, path):
            return _DROP
        fault = self._take("fail", method, path)
        if fault:
            o = fault.options
            err = envelope(
                o["message"] or f"(#{o['code']}) Injected error", o["code"], subcode=o["subcode"]
            )
            return _Reply(o["status"], json.dumps(err).encode(), self._headers())
        up = UPLOAD_RE.match(path)
        try:
            if up:
                reply = self._rupload(method, up.group(2), headers, body)
            else:
                reply = self._graph(method, path, split.query, headers, body, entry)
        except GraphError as err:
            reply = _Reply(err.http_status, json.dumps(err.body).encode(), self._headers())
        if reply is _DROP:
            return _DROP
        assert isinstance(reply, _Reply)
        entry["status"] = reply.status
        if reply.created and self._take("drop_after_create", method, path):
            entry["status"] = None
            return _DROP
        return reply

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _account_for(self, token: str) -> FakeAccount | None:
        for acc in self._accounts.values():
            if token and acc.token == token:
                return acc
        return None

    def _graph(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        entry: dict[str, Any],
    ) -> _Reply:
        m = VERSION_RE.match(path)
        if not m:
            raise GraphError(2500, f"Unknown path components: {path}", http_status=404)
        parts = [p for p in (m.group(2) or "").split("/") if p]
        params: dict[str, str] = {}
        try:
            _merge(urllib.parse.parse_qsl(query, keep_blank_values=True), params)
        except ValueError:
            raise BodyError("malformed query string") from None
        if body:
            ctype = headers.get("content-type", "").lower()
            if method != "POST" or not ctype.startswith("application/x-www-form-urlencoded"):
                raise BodyError(f"unsupported Content-Type {ctype or '(none)'}")
            _merge(parse_form(body), params)
        entry["params"] = {k: ("***" if k == "access_token" else v) for k, v in params.items()}
        token = params.pop("access_token", "")
        if not token:
            raise GraphError(190, "An active access token must be used to query information.")
        if not parts:
            raise GraphError(100, "(#100) Unsupported request.")
        with self._lock:
            if parts == ["me", "accounts"] and method == "GET":
                return self._me_accounts(token, params)
            acc = self._account_for(token)
            if acc is None:
                raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
            if acc.expired_subcode is not None:
                raise GraphError(
                    190,
                    "Error validating access token: Session has expired.",
                    subcode=acc.expired_subcode,
                )
            node, edge = parts[0], (parts[1] if len(parts) > 1 else "")
            if len(parts) > 2:
                raise GraphError(100, "(#100) Unsupported request.")
            if node == acc.ig_id:
                return self._account_edge(acc, method, edge, params)
            if node in self._containers and self._containers[node].owner == acc.ig_id:
                if method == "GET" and not edge:
                    return self._get_container(self._containers[node], params)
            if node in self._media and self._media[node].owner == acc.ig_id:
                if method == "GET" and not edge:
                    return self._get_media(self._media[node], params)
                if method == "GET" and edge == "comments":
                    return self._list_comments(node, params)
            if (
                node in self._comments
                and self._media[self._comments[node].media].owner == acc.ig_id
            ):
                if edge == "replies" and method == "POST":
                    return self._reply_to(acc, self._comments[node], params)
                if edge == "replies" and method == "GET":
                    return self._list_replies(node, params)
                if not edge and method == "POST":
                    return self._hide(self._comments[node], params)
            raise GraphError(
                100,
                f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist,"
                " cannot be loaded due to missing permissions, or does not support this"
                " operation.",
                type_="GraphMethodException",
            )

    # -------------------------------------------------------------- account edges

    def _no_extra(self, params: Mapping[str, str], allowed: frozenset[str] | set[str]) -> None:
        for key in params:
            if key not in allowed:
                raise GraphError(100, f"(#100) The parameter {key} is not supported")

    def _account_edge(
        self, acc: FakeAccount, method: str, edge: str, params: dict[str, str]
    ) -> _Reply:
        if method == "GET" and not edge:
            self._no_extra(params, {"fields"})
            wanted = _parse_fields(params.get("fields", "id"))
            known = {"id": acc.ig_id, "username": acc.username, "name": acc.username}
            for f in wanted:
                if f not in known:
                    raise GraphError(100, f"(#100) Tried accessing nonexisting field ({f})")
            return self._reply(200, {f: known[f] for f in wanted})
        if method == "POST" and edge == "media":
            self._no_extra(params, CREATE_PARAMS)
            return self._create(acc, params)
        if method == "POST" and edge == "media_publish":
            self._no_extra(params, {"creation_id"})
            return self._publish(acc, params)
        if method == "GET" and edge == "content_publishing_limit":
            self._no_extra(params, {"fields", "since"})
            wanted = _parse_fields(params.get("fields", "quota_usage"))
            row: dict[str, Any] = {}
            if "quota_usage" in wanted:
                row["quota_usage"] = self._usage(acc.ig_id)
            if "config" in wanted:
                row["config"] = {
                    "quota_total": self.quota_total,
                    "quota_duration": self.quota_duration,
                }
            return self._reply(200, {"data": [row]})
        if method == "GET" and edge in ("media", "stories"):
            self._no_extra(params, {"fields", "limit", "after"})
            stories = edge == "stories"
            items = [
                m
                for m in self._media.values()
                if m.owner == acc.ig_id and (m.kind == "STORY") == stories
            ]
            items.sort(key=lambda m: (m.timestamp, m.id), reverse=True)
            return self._page(items, params, lambda m, f: self._render_media(m, f))
        raise GraphError(100, f"(#100) Tried accessing nonexisting field ({edge})")

    def _usage(self, ig_id: str) -> int:
        since = self.clock() - self.quota_duration
        return sum(1 for owner, at in self._publishes if owner == ig_id and at > since)

    def _page(
        self,
        items: list[Any],
        params: Mapping[str, str],
        render: Callable[[Any, list[str]], dict[str, Any]],
    ) -> _Reply:
        wanted = _parse_fields(params.get("fields", "id"))
        limit = int(params.get("limit", "25"))
        start = 0
        if params.get("after"):
            ids = [i.id for i in items]
            try:
                start = ids.index(params["after"]) + 1
            except ValueError:
                raise GraphError(100, "(#100) Invalid cursor") from None
        chunk = items[start : start + limit]
        out: dict[str, Any] = {"data": [render(i, wanted) for i in chunk]}
        if chunk:
            out["paging"] = {"cursors": {"before": chunk[0].id, "after": chunk[-1].id}}
            if start + limit < len(items):
                out["paging"]["next"] = f"{self.url}/{VERSION}/next?after={chunk[-1].id}"
        return self._reply(200, out)

    def _render_media(self, media: Media, wanted: list[str]) -> dict[str, Any]:
        known = {
            "id": media.id,
            "caption": media.caption,
            "timestamp": graph_time(media.timestamp),
            "permalink": WEB + media.shortcode + "/",
            "media_type": media.kind,
            "comments_count": sum(1 for c in self._comments.values() if c.media == media.id),
        }
        out = {}
        for f in wanted:
            if f not in known:
                raise GraphError(100, f"(#100) Tried accessing nonexisting field ({f})")
            if f == "caption" and media.kind == "STORY":
                continue
            out[f] = known[f]
        return out

    def _get_media(self, media: Media, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, {"fields"})
        return self._reply(
            200, self._render_media(media, _parse_fields(params.get("fields", "id")))
        )

    def _me_accounts(self, token: str, params: Mapping[str, str]) -> _Reply:
        if token not in self._users:
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        self._no_extra(params, {"fields", "limit", "after"})
        fields = _parse_fields(params.get("fields", "id,name"))
        pages = []
        for page_id in self._users[token]:
            acc = next((a for a in self._accounts.values() if a.page_id == page_id), None)
            row: dict[str, Any] = {"id": page_id}
            if "name" in fields:
                row["name"] = acc.page_name if acc else "Otra página"
            if "access_token" in fields:
                row["access_token"] = acc.token if acc else "EAAother" + page_id
            if any(f.startswith("instagram_business_account") for f in fields) and acc:
                row["instagram_business_account"] = {
                    "id": acc.ig_id,
                    "username": acc.username,
                    "profile_picture_url": f"https://scontent.example/{acc.ig_id}.jpg",
                }
            pages.append(row)
        return self._reply(
            200, {"data": pages, "paging": {"cursors": {"before": "a", "after": "b"}}}
        )

    # -------------------------------------------------------------- containers

    def _status(self, c: Container) -> str:
        now = self.clock()
        if c.published:
            return "PUBLISHED"
        if c.error:
            return "ERROR"
        if now - c.created >= EXPIRY_SECONDS:
            return "EXPIRED"
        if c.kind == "CAROUSEL":
            kids = [self._containers[k] for k in c.children]
            if any(self._status(k) == "ERROR" for k in kids):
                return "ERROR"
        if c.ready_at is None or now < c.ready_at:
            return "IN_PROGRESS"
        return "FINISHED"

    def _get_container(self, c: Container, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, {"fields"})
        wanted = _parse_fields(params.get("fields", "id"))
        status = self._status(c)
        known = {
            "id": c.id,
            "status_code": status,
            "status": (f"Error: {c.error}" if c.error else status.capitalize()),
        }
        for f in wanted:
            if f not in known:
                raise GraphError(
                    100, f"(#100) Tried accessing nonexisting field ({f}) on IGContainer"
                )
        return self._reply(200, {f: known[f] for f in wanted})

    def _check_caption(self, caption: str) -> None:
        if len(caption) > MAX_CAPTION:
            raise GraphError(100, "(#100) The caption is too long", subcode=2207044)
        if len(HASHTAG.findall(caption)) > MAX_HASHTAGS:
            raise GraphError(100, "(#100) The caption has too many hashtags", subcode=2207045)
        if len(MENTION.findall(caption)) > MAX_MENTIONS:
            raise GraphError(100, "(#100) The caption has too many mentions", subcode=2207046)

    def _create(self, acc: FakeAccount, params: dict[str, str]) -> _Reply:
        media_type = params.get("media_type", "")
        is_item = params.get("is_carousel_item", "false").lower() == "true"
        resumable = params.get("upload_type") == "resumable"
        if "caption" in params:
            if is_item or media_type == "STORIES":
                raise GraphError(100, "(#100) caption is not supported for this media type")
            self._check_caption(params["caption"])
        if "alt_text" in params and ("image_url" not in params or media_type):
            raise GraphError(100, "(#100) alt_text is only supported for images")
        now = self.clock()
        cid = self._new_id()
        if media_type == "CAROUSEL":
            ids = [i for i in params.get("children", "").split(",") if i]
            if not MIN_OK <= len(ids) <= MAX_OK:
                raise GraphError(100, "(#100) A carousel needs 2 to 10 children", subcode=2207003)
            for kid in ids:
                k = self._containers.get(kid)
                if k is None or k.owner != acc.ig_id or not k.is_item:
                    raise GraphError(100, f"(#100) Invalid child {kid}")
                if self._status(k) != "FINISHED":
                    raise GraphError(9007, "Media ID is not available", subcode=2207027)
            c = Container(cid, acc.ig_id, "CAROUSEL", now, dict(params), children=ids, ready_at=now)
            self._containers[cid] = c
            return self._reply(200, {"id": cid}, created=True)
        if media_type not in ("", "REELS", "STORIES", "VIDEO"):
            raise GraphError(100, f"(#100) Invalid media_type {media_type}")
        if media_type == "VIDEO" and not is_item:
            raise GraphError(100, "(#100) media_type VIDEO is deprecated: use REELS")
        if media_type == "REELS" and is_item:
            raise GraphError(100, "(#100) Reels cannot appear in carousels")
        video = media_type in ("REELS", "VIDEO") or (
            media_type == "STORIES" and "video_url" in params
        )
        if media_type == "STORIES" and resumable:
            video = True
        if video and "image_url" in params:
            raise GraphError(100, "(#100) image_url is not supported for videos")
        if not video and "video_url" in params:
            raise GraphError(100, "(#100) video_url needs media_type REELS, VIDEO or STORIES")
        source = "video_url" if video else "image_url"
        if resumable:
            if not video or source in params:
                raise GraphError(100, "(#100) upload_type=resumable is for videos without a URL")
        elif source not in params:
            raise GraphError(100, f"(#100) The parameter {source} is required")
        kind = "STORIES" if media_type == "STORIES" else ("VIDEO" if video else "IMAGE")
        if media_type == "REELS":
            kind = "REELS"
        c = Container(cid, acc.ig_id, kind, now, dict(params), is_item=is_item, resumable=resumable)
        self._containers[cid] = c
        if resumable:
            uri = f"{self.url}/ig-api-upload/{VERSION}/{cid}"
            return self._reply(200, {"id": cid, "uri": uri}, created=True)
        data, error = self._download(params[source], video)
        if error and "2207052" in error and self.fetch_errors_at_create:
            del self._containers[cid]
            raise GraphError(
                9004,
                "Only photo or video can be accepted as media type.",
                subcode=2207052,
                user_title=(
                    "Media download has failed. The media URI doesn't meet our requirements."
                ),
                user_msg=f"The media could not be fetched from this URI: {params[source]}.",
            )
        if not error:
            error = self._check_media(data, video, feed=(media_type == "" or is_item))
        c.downloaded = data
        if error:
            c.error = error
        else:
            c.ready_at = now + (self.video_seconds if video else self.image_seconds)
        return self._reply(200, {"id": cid}, created=True)

    def _download(self, url: str, video: bool) -> tuple[bytes, str]:
        """Fetch ``url`` as Meta would: (bytes, "") or (b"", reason)."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return b"", "The media URI is not a valid http(s) URL (2207052)"
        try:
            with urllib.request.urlopen(url, timeout=self.download_timeout) as resp:  # noqa: S310
                ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                data = bytes(resp.read(300 * 1024 * 1024))
        except urllib.error.HTTPError as exc:
            return b"", f"Media download has failed: HTTP {exc.code} (2207052)"
        except OSError:
            return b"", "Media download has failed: the media URI could not be fetched (2207052)"
        want = ("video/mp4", "video/quicktime") if video else ("image/jpeg",)
        if ctype not in want:
            return b"", f"The media has the wrong content type {ctype or '(none)'} (2207026)"
        return data, ""

    def _check_media(self, data: bytes, video: bool, *, feed: bool) -> str:
        if video:
            return "" if data[4:8] == b"ftyp" else "The video file is not MP4/MOV (2207026)"
        if len(data) > MAX_IMAGE_BYTES:
            return "The image is larger than 8 MB (2207004)"
        try:
            with Image.open(io.BytesIO(data)) as im:
                fmt, (w, h), mode = im.format, im.size, im.mode
                im.load()
        except Exception:  # noqa: BLE001 - any decoding failure
            return "The image could not be decoded (2207005)"
        if fmt != "JPEG":
            return f"Only JPEG images are supported, not {fmt} (2207005)"
        if mode not in ("RGB", "L"):
            return f"The image colour mode {mode} is not supported (2207005)"
        if feed and not (0.8 - 0.005 <= w / h <= 1.91 + 0.005):
            return "The aspect ratio is not supported (2207009)"
        return ""

    def _publish(self, acc: FakeAccount, params: Mapping[str, str]) -> _Reply:
        cid = params.get("creation_id", "")
        c = self._containers.get(cid)
        if c is None or c.owner != acc.ig_id or c.is_item:
            raise GraphError(100, f"(#100) Invalid creation_id {cid}")
        if c.published:
            raise GraphError(9007, "The media has already been published", subcode=2207008)
        status = self._status(c)
        if status != "FINISHED":
            raise GraphError(9007, "Media ID is not available", subcode=2207027)
        if self._usage(acc.ig_id) >= self.quota_total:
            raise GraphError(
                9,
                "(#9) Application request limit reached",
                subcode=2207042,
                user_msg="You have reached the maximum number of posts allowed in 24 hours.",
            )
        now = self.clock()
        mid = self._new_id()
        kind = {"STORIES": "STORY", "CAROUSEL": "CAROUSEL_ALBUM", "REELS": "REELS"}.get(
            c.kind, "IMAGE"
        )
        self._media[mid] = Media(
            mid, acc.ig_id, cid, kind, c.params.get("caption", ""), now, "C" + mid[-8:]
        )
        c.published, c.media_id = True, mid
        self._publishes.append((acc.ig_id, now))
        return self._reply(200, {"id": mid}, created=True)

    # -------------------------------------------------------------- resumable upload

    def _upload_error(
        self, status: int, message: str, kind: str = "ProcessingFailedError"
    ) -> _Reply:
        body = {"debug_info": {"retriable": False, "type": kind, "message": message}}
        return _Reply(status, json.dumps(body).encode(), self._headers())

    def _rupload(
        self, method: str, cid: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        with self._lock:
            acc = self._account_for(token.strip()) if scheme == "OAuth" else None
            if acc is None or acc.expired_subcode is not None:
                return self._upload_error(401, "Invalid OAuth access token", "OAuthException")
            c = self._containers.get(cid)
            if c is None or c.owner != acc.ig_id or not c.resumable:
                return self._upload_error(400, f"Unknown upload container {cid}")
            if method == "GET":
                return self._reply(200, {"offset": len(c.received), "file_size": c.file_size})
            if method != "POST":
                return self._upload_error(405, "Method not allowed")
            try:
                offset = int(headers["offset"])
                size = int(headers["file_size"])
            except (KeyError, ValueError):
                return self._upload_error(400, "The offset and file_size headers are required")
            if c.file_size is not None and size != c.file_size:
                return self._upload_error(400, "file_size differs from the first request")
            if offset != len(c.received) and offset != 0:
                return self._upload_error(400, f"Offset mismatch: expected {len(c.received)}")
            if offset == 0:
                c.received = bytearray()
            c.file_size = size
            if self._truncate:
                keep = self._truncate.pop(0)
                c.received += body[:keep]
                return _DROP
            c.received += body
            if len(c.received) > size:
                return self._upload_error(400, "More bytes than file_size")
            if len(c.received) < size:
                return self._reply(200, {"success": True, "message": "Partial upload received."})
            data = bytes(c.received)
            error = self._check_media(data, True, feed=False)
            if error:
                c.error = error
            else:
                c.ready_at = self.clock() + self.video_seconds
            return self._reply(200, {"success": True, "message": "Upload successful."})

    # -------------------------------------------------------------- comments

    def _render_comment(self, c: Comment, wanted: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in wanted:
            name = f.split("{", 1)[0]
            if name == "id":
                out["id"] = c.id
            elif name == "text":
                out["text"] = c.text
            elif name == "username":
                out["username"] = c.username
            elif name == "timestamp":
                out["timestamp"] = graph_time(c.timestamp)
            elif name == "from":
                out["from"] = {"id": c.user_id, "username": c.username}
            elif name == "like_count":
                out["like_count"] = 0
            elif name == "hidden":
                out["hidden"] = c.hidden
            elif name == "replies" and c.parent is None:
                inner = _parse_fields(f[len("replies{") : -1]) if "{" in f else ["id"]
                kids = [r for r in self._comments.values() if r.parent == c.id]
                # An edge expanded inside ``fields`` is a first page, like any edge.
                chunk = kids[:NESTED_LIMIT]
                nested: dict[str, Any] = {"data": [self._render_comment(r, inner) for r in chunk]}
                if len(kids) > NESTED_LIMIT:
                    after = chunk[-1].id
                    nested["paging"] = {
                        "cursors": {"before": chunk[0].id, "after": after},
                        "next": f"{self.url}/{VERSION}/{c.id}/replies?after={after}",
                    }
                out["replies"] = nested
            elif name != "replies":
                raise GraphError(100, f"(#100) Tried accessing nonexisting field ({name})")
        return out

    def _list_comments(self, media_id: str, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, {"fields", "limit", "after"})
        items = [c for c in self._comments.values() if c.media == media_id and c.parent is None]
        return self._page(items, params, self._render_comment)

    def _list_replies(self, comment_id: str, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, {"fields", "limit", "after"})
        items = [c for c in self._comments.values() if c.parent == comment_id]
        return self._page(items, params, self._render_comment)

    def _hide(self, comment: Comment, params: Mapping[str, str]) -> _Reply:
        """``POST /{comment}`` ``hide=true|false`` -> ``{"success": true}``."""
        self._no_extra(params, {"hide"})
        value = params.get("hide", "").lower()
        if value not in ("true", "false"):
            raise GraphError(100, "(#100) The parameter hide is required")
        comment.hidden = value == "true"
        return self._reply(200, {"success": True})

    def _reply_to(self, acc: FakeAccount, parent: Comment, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, {"message"})
        if parent.parent is not None:
            raise GraphError(100, "(#100) Replies can only be made to top-level comments")
        if not params.get("message", "").strip():
            raise GraphError(100, "(#100) The parameter message is required")
        cid = self._new_id()
        self._comments[cid] = Comment(
            cid, parent.media, parent.id, params["message"], acc.username, acc.ig_id, self.clock()
        )
        return self._reply(200, {"id": cid}, created=True)


MIN_OK, MAX_OK = 2, 10
NESTED_LIMIT = 25
"""Replies given inside a comment's ``replies{...}`` field (Graph's default page size)."""


def running_instagram(**kwargs: Any) -> Iterator[FakeInstagram]:
    """Generator for a pytest fixture: a started :class:`FakeInstagram`."""
    fake = FakeInstagram(**kwargs)
    with fake:
        yield fake
