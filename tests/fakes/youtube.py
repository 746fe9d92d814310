"""A strict fake of the YouTube Data API v3 on 127.0.0.1, for tests.

Follows shared docs/platforms.md §5 ("Fake server must emulate (YouTube)"), except the
OAuth token endpoint (the auth helper's fake does that). Uploaded bytes are never kept:
each session counts them and hashes them (SHA-256), so a 1 GB upload costs no memory.

In-process use::

    with FakeYouTube({"UCabc": "ya29.token"}) as fake:
        client = YouTube("UCabc", "ya29.token", base_url=fake.url, timeout=5)
        fake.drop_upload_after(3 * 256 * 1024)   # close the socket mid-PUT after N bytes
        fake.drop_after_final_next()             # final chunk: video created, no answer
        fake.drop_after_create_next(r"/comments$")  # reply stored, connection closed
        fake.fail_next(r"/videos$", reason="backendError", http_status=503)
        fake.expire_sessions()                   # every open session -> 404
        fake.unverified_project = True           # uploads forced to private
        fake.videos("UCabc")                     # what exists

Endpoints (``Authorization: Bearer <token>`` on every one; missing/wrong -> 401
``authError``):

* ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` (+
  ``notifySubscribers``): headers ``X-Upload-Content-Length``, ``X-Upload-Content-Type``
  (``video/*`` | ``application/octet-stream``), JSON body ``{"snippet", "status"}`` ->
  200 with ``Location`` = session URI (``...&upload_id=...``).
* ``PUT <session URI>``: ``Content-Range: bytes a-b/total`` with ``a`` = bytes received so
  far, every chunk but the last a multiple of 256 KiB; ``bytes */total`` with an empty body
  asks the status -> 308 (``Range: bytes=0-N``, absent when nothing arrived) or 200 with
  the video once complete; expired session -> 404. A non-final chunk -> 308 with Range;
  the final one -> 200 with the video resource.
* ``GET /youtube/v3/videos?part=...&id=a,b``, ``PUT /youtube/v3/videos?part=...`` (body
  with ``id``), ``DELETE /youtube/v3/videos?id=``.
* ``POST /upload/youtube/v3/thumbnails/set?videoId=`` (image body ≤ 2 MB, JPEG/PNG; 403
  ``forbidden`` when the channel may not use custom thumbnails).
* ``GET /youtube/v3/channels?part=...&mine=true|id=``; ``GET /youtube/v3/playlists?mine=true``;
  ``GET|POST /youtube/v3/playlistItems``; ``GET /youtube/v3/commentThreads?videoId=``;
  ``GET /youtube/v3/comments?parentId=``; ``POST /youtube/v3/comments?part=snippet``.

Rules: ``publishAt`` is kept only when ``privacyStatus`` is ``private`` (silently dropped
otherwise) and must be in the future (``invalidPublishAt``); a private video with a
``publishAt`` at or before the fake's clock turns public when next read. With
``unverified_project`` every upload is locked private and its ``publishAt`` dropped.
Quota: per call costs (``COSTS``) in the ``"bucket"`` model (videos.insert: 1 of 100
uploads/day) or ``"units"`` (videos.insert: 1,600 of 10,000 units), reset at midnight
Pacific by the fake's clock; over the limit -> 403 ``quotaExceeded``.

Control endpoints (no token): ``GET /__fake__/state``, ``POST /__fake__/{fail,drop,
drop_upload_after,drop_after_final,drop_after_create,expire_sessions,quota,channels,comments,
playlists,unverified,reset}`` with the keyword arguments of the Python methods as JSON
(``quota`` = :meth:`FakeYouTube.set_quota_used`, ``channels`` = ``add_channel``,
``comments`` = ``add_comment``, ``playlists`` = ``add_playlist``; ``unverified`` takes
``{"on": true}``).

From another process (end-to-end tests)::

    python -m tests.fakes.youtube --channels UCabc:TOKEN:Canal
    # prints its base URL on the first line of stdout; PREGONERO_YOUTUBE_API=<url>
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
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
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.server import FakeServer

CHUNK_GRANULARITY = 256 * 1024
MAX_JSON_BYTES = 4 * 1024 * 1024
MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024
SESSION_TTL = 7 * 24 * 3600  # resumable session URIs live about a week (UNVERIFIED)
PACIFIC = ZoneInfo("America/Los_Angeles")
ALL_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    }
)
UPLOAD_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    }
)
MANAGE_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/youtube",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    }
)
READ_SCOPES = MANAGE_SCOPES | {"https://www.googleapis.com/auth/youtube.readonly"}

COSTS = {
    "videos.insert": 1,
    "videos.list": 1,
    "videos.update": 50,
    "videos.delete": 50,
    "thumbnails.set": 50,
    "channels.list": 1,
    "playlists.list": 1,
    "playlistItems.list": 1,
    "playlistItems.insert": 50,
    "commentThreads.list": 1,
    "comments.list": 1,
    "comments.insert": 50,
}
CATEGORIES = frozenset({"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26"}) | {
    "27",
    "28",
    "29",
}
PRIVACY = frozenset({"public", "unlisted", "private"})
SNIPPET_KEYS = frozenset({"title", "description", "tags", "categoryId", "defaultLanguage"})
STATUS_KEYS = frozenset(
    {
        "privacyStatus",
        "publishAt",
        "selfDeclaredMadeForKids",
        "embeddable",
        "license",
        "publicStatsViewable",
        "containsSyntheticMedia",
    }
)


class ApiError(Exception):
    """Answer with the Google error envelope."""

    def __init__(self, http_status: int, reason: str, message: str = "", domain: str = ""):
        super().__init__(message or reason)
        self.http_status = http_status
        self.reason = reason
        self.domain = domain or ("youtube.quota" if reason == "quotaExceeded" else "youtube")

    def body(self) -> dict[str, Any]:
        msg = str(self)
        return {
            "error": {
                "code": self.http_status,
                "message": msg,
                "errors": [{"message": msg, "domain": self.domain, "reason": self.reason}],
            }
        }


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.timestamp()


# ------------------------------------------------------------------------------ state


@dataclass
class FakeChannel:
    id: str
    token: str
    title: str = "Canal de prueba"
    custom_thumbnails: bool = True  # False = not phone-verified: thumbnails.set -> 403
    scopes: frozenset[str] = ALL_SCOPES

    @property
    def uploads_playlist(self) -> str:
        return "UU" + self.id[2:]


@dataclass
class FakeVideo:
    id: str
    channel_id: str
    snippet: dict[str, Any]
    status: dict[str, Any]
    created: float
    size: int
    sha256: str
    thumbnail: dict[str, Any] | None = None

    def resource(self, parts: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "youtube#video", "etag": secrets.token_hex(8), "id": self.id}
        if "snippet" in parts:
            out["snippet"] = {
                "publishedAt": rfc3339(self.created),
                "channelId": self.channel_id,
                "channelTitle": "",
                "liveBroadcastContent": "none",
                **self.snippet,
            }
        if "status" in parts:
            out["status"] = {"uploadStatus": "processed", "license": "youtube", **self.status}
        return out


@dataclass
class Session:
    id: str
    channel_id: str
    metadata: dict[str, Any]
    total: int
    content_type: str
    created: float
    received: int = 0
    hasher: Any = field(default_factory=hashlib.sha256)
    video_id: str | None = None
    expired: bool = False


@dataclass
class FakeComment:
    id: str
    video_id: str
    channel_id: str  # the channel the video belongs to
    author_id: str
    author_name: str
    text: str
    created: float
    parent_id: str | None = None

    def resource(self) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "channelId": self.channel_id,
            "videoId": self.video_id,
            "textDisplay": self.text,
            "textOriginal": self.text,
            "authorDisplayName": self.author_name,
            "authorChannelId": {"value": self.author_id},
            "canRate": True,
            "likeCount": 0,
            "publishedAt": rfc3339(self.created),
            "updatedAt": rfc3339(self.created),
        }
        if self.parent_id:
            snippet["parentId"] = self.parent_id
        return {"kind": "youtube#comment", "etag": secrets.token_hex(6), "id": self.id, **{}} | {
            "snippet": snippet
        }


@dataclass
class _Fault:
    kind: str
    pattern: re.Pattern[str]
    method: str | None
    remaining: int
    options: dict[str, Any] = field(default_factory=dict)


class _Drop(Exception):
    """Close the connection without an answer."""


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class FakeYouTube(FakeServer):
    """The fake server and its state (thread-safe). ``channels`` maps channel id -> token.

    ``clock`` returns epoch seconds (publishAt, quota day, sessions); ``quota_model``
    ``"bucket"`` | ``"units"``; ``embedded_replies`` how many replies a comment thread
    carries (the rest through ``comments.list``).
    """

    def __init__(
        self,
        channels: Mapping[str, str] = (),  # type: ignore[assignment]
        *,
        clock: Callable[[], float] = time.time,
        quota_model: str = "bucket",
        daily_units: int = 10_000,
        daily_uploads: int = 100,
        embedded_replies: int = 2,
    ) -> None:
        self.clock = clock
        self.quota_model = quota_model
        self.daily_units = daily_units
        self.daily_uploads = daily_uploads
        self.embedded_replies = embedded_replies
        self.unverified_project = False
        self.session_ttl = SESSION_TTL
        self._lock = threading.RLock()
        self._channels: dict[str, FakeChannel] = {}
        self._videos: dict[str, FakeVideo] = {}
        self._sessions: dict[str, Session] = {}
        self._playlists: dict[str, dict[str, Any]] = {}
        self._items: list[dict[str, Any]] = []  # playlist items (non-uploads playlists)
        self._comments: dict[str, FakeComment] = {}
        self._faults: list[_Fault] = []
        self._log: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self.quota_day = ""
        self.units_used = 0
        self.uploads_used = 0
        self._server: ThreadingHTTPServer | None = None
        for cid, token in dict(channels).items():
            self.add_channel(cid, token)

    # -------------------------------------------------------------- lifecycle

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -------------------------------------------------------------- setup

    def add_channel(
        self,
        channel_id: str,
        token: str,
        title: str = "Canal de prueba",
        *,
        custom_thumbnails: bool = True,
        scopes: frozenset[str] = ALL_SCOPES,
    ) -> None:
        """Add (or replace) a channel managed by ``token``; several channels may share a
        token (brand accounts). ``custom_thumbnails=False``: thumbnails.set -> 403;
        ``scopes``: what the token was granted (too few -> 403 insufficientPermissions)."""
        with self._lock:
            self._channels[channel_id] = FakeChannel(
                channel_id, token, title, custom_thumbnails, frozenset(scopes)
            )

    def add_playlist(self, channel_id: str, title: str) -> str:
        """Create a playlist of the channel; returns its id (``PL...``)."""
        with self._lock:
            pid = "PL" + secrets.token_hex(16)
            self._playlists[pid] = {"id": pid, "channel_id": channel_id, "title": title}
            return pid

    def add_comment(
        self,
        video_id: str,
        text: str,
        *,
        author_name: str = "Vecina",
        author_id: str = "UCviewer0000000000000001",
        parent_id: str | None = None,
        at: float | None = None,
    ) -> str:
        """A viewer's comment (or a reply with ``parent_id``) on a video; returns its id.
        ``at`` is epoch seconds (default: the fake's clock)."""
        with self._lock:
            video = self._videos[video_id]
            cid = ("Ugz" if parent_id is None else f"{parent_id}.") + secrets.token_hex(8)
            self._comments[cid] = FakeComment(
                cid,
                video_id,
                video.channel_id,
                author_id,
                author_name,
                text,
                self.clock() if at is None else at,
                parent_id,
            )
            return cid

    def expire_sessions(self) -> None:
        """Every open upload session answers 404 from now on."""
        with self._lock:
            for s in self._sessions.values():
                s.expired = True

    def set_quota_used(self, units: int = 0, uploads: int = 0) -> None:
        """Pretend the project already used this much quota today."""
        with self._lock:
            self._roll_quota()
            self.units_used, self.uploads_used = units, uploads

    def reset(self) -> None:
        """Forget pending faults and the request log (videos and sessions stay)."""
        with self._lock:
            self._faults.clear()
            self._log.clear()

    # -------------------------------------------------------------- faults

    def _add_fault(self, kind: str, path: str, method: str | None, times: int, **kw: Any) -> None:
        with self._lock:
            self._faults.append(
                _Fault(kind, re.compile(path), method.upper() if method else None, times, kw)
            )

    def fail_next(
        self,
        path: str = "",
        *,
        reason: str = "backendError",
        http_status: int = 503,
        message: str = "",
        method: str | None = None,
        times: int = 1,
        raw_body: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next matching request (path regex, query excluded) with an error."""
        self._add_fault(
            "fail",
            path,
            method,
            times,
            reason=reason,
            http_status=http_status,
            message=message,
            raw_body=raw_body,
            retry_after=retry_after,
        )

    def drop_next(self, path: str = "", *, method: str | None = None, times: int = 1) -> None:
        """Close the connection of the next matching request without processing it."""
        self._add_fault("drop", path, method, times)

    def drop_upload_after(self, nbytes: int) -> None:
        """Cut the connection of the upload PUT that carries byte ``nbytes`` of the file,
        once the session holds exactly ``nbytes`` bytes (kept, as after a real cut)."""
        self._add_fault("drop_upload", "", "PUT", 1, nbytes=nbytes)

    def _take_cut(self, first: int, end: int) -> _Fault | None:
        with self._lock:
            for f in self._faults:
                if f.kind == "drop_upload" and first <= f.options["nbytes"] < end:
                    self._faults.remove(f)
                    return f
        return None

    def drop_after_create_next(self, path: str = "", *, times: int = 1) -> None:
        """The next successful POST matching ``path`` (e.g. ``comments.insert``) is carried
        out, then the connection closes unanswered (the client cannot know it worked)."""
        self._add_fault("drop_after_create", path, "POST", times)

    def drop_after_final_next(self, *, times: int = 1) -> None:
        """The next final chunk creates the video, then the connection closes unanswered."""
        self._add_fault("drop_final", "", "PUT", times)

    def _take(self, kind: str, method: str, path: str) -> _Fault | None:
        with self._lock:
            for f in self._faults:
                if f.kind != kind or (f.method and f.method != method):
                    continue
                if not f.pattern.search(path):
                    continue
                f.remaining -= 1
                if f.remaining <= 0:
                    self._faults.remove(f)
                return f
        return None

    # -------------------------------------------------------------- inspection

    def videos(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        """Videos (oldest first): ``id, channel_id, snippet, status, size, sha256,
        thumbnail, playlists``."""
        with self._lock:
            self._apply_schedules()
            return [
                {
                    "id": v.id,
                    "channel_id": v.channel_id,
                    "snippet": dict(v.snippet),
                    "status": dict(v.status),
                    "size": v.size,
                    "sha256": v.sha256,
                    "thumbnail": v.thumbnail,
                    "playlists": [i["playlistId"] for i in self._items if i["videoId"] == v.id],
                }
                for v in self._videos.values()
                if channel_id is None or v.channel_id == channel_id
            ]

    def sessions(self) -> list[dict[str, Any]]:
        """Upload sessions: ``id, received, total, video_id``."""
        with self._lock:
            return [
                {"id": s.id, "received": s.received, "total": s.total, "video_id": s.video_id}
                for s in self._sessions.values()
            ]

    def comments(self, video_id: str) -> list[dict[str, Any]]:
        """Comments of a video: ``id, parent_id, text, author_id``."""
        with self._lock:
            return [
                {"id": c.id, "parent_id": c.parent_id, "text": c.text, "author_id": c.author_id}
                for c in self._comments.values()
                if c.video_id == video_id
            ]

    def requests(self) -> list[dict[str, Any]]:
        """Log of API requests: ``method, path, query, content_range, status`` (None when
        the connection was dropped)."""
        with self._lock:
            return [dict(e) for e in self._log]

    def state(self) -> dict[str, Any]:
        """JSON-able dump: videos, sessions, quota used today, requests."""
        with self._lock:
            return {
                "videos": self.videos(),
                "sessions": self.sessions(),
                "quota": {"units": self.units_used, "uploads": self.uploads_used},
                "requests": self.requests(),
            }

    # -------------------------------------------------------------- helpers

    def _now(self) -> float:
        return float(self.clock())

    def _roll_quota(self) -> None:
        day = datetime.fromtimestamp(self._now(), PACIFIC).date().isoformat()
        if day != self.quota_day:
            self.quota_day, self.units_used, self.uploads_used = day, 0, 0

    def _charge(self, method: str) -> None:
        with self._lock:
            self._roll_quota()
            if method == "videos.insert":
                if self.quota_model == "bucket":
                    if self.uploads_used + 1 > self.daily_uploads:
                        raise ApiError(
                            403,
                            "quotaExceeded",
                            "The request cannot be completed because you have exceeded your quota.",
                        )
                    self.uploads_used += 1
                    return
                cost = 1600
                self.uploads_used += 1
            else:
                cost = COSTS.get(method, 1)
            if self.units_used + cost > self.daily_units:
                raise ApiError(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your quota.",
                )
            self.units_used += cost

    def _apply_schedules(self) -> None:
        now = self._now()
        for v in self._videos.values():
            at = v.status.get("publishAt")
            if (
                v.status.get("privacyStatus") == "private"
                and at
                and not v.status.get("_locked")
                and (parse_time(at) or 0) <= now
            ):
                v.status["privacyStatus"] = "public"

    def _auth(self, headers: Mapping[str, str], need: frozenset[str] | None) -> list[FakeChannel]:
        value = headers.get("authorization", "")
        if not value.startswith("Bearer ") or not value[7:].strip():
            raise ApiError(401, "authError", "Login Required.", "global")
        token = value[7:].strip()
        owned = [c for c in self._channels.values() if c.token == token]
        if not owned:
            raise ApiError(401, "authError", "Invalid Credentials", "global")
        if need is not None and not (owned[0].scopes & need):
            raise ApiError(
                403,
                "insufficientPermissions",
                "Request had insufficient authentication scopes.",
                "global",
            )
        return owned

    @staticmethod
    def _parts(q: Mapping[str, str], allowed: set[str]) -> list[str]:
        raw = q.get("part", "")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not parts:
            raise ApiError(400, "required", "Required parameter: part", "global")
        bad = [p for p in parts if p not in allowed]
        if bad:
            raise ApiError(400, "unknownPart", f"Unknown part: {bad[0]}")
        return parts

    @staticmethod
    def _only(q: Mapping[str, str], allowed: set[str]) -> None:
        extra = sorted(set(q) - allowed)
        if extra:
            raise ApiError(400, "invalidParameter", f"Unknown parameter: {extra[0]}", "global")

    @staticmethod
    def _page(
        items: list[Any], q: Mapping[str, str], max_allowed: int, default: int
    ) -> tuple[list[Any], dict[str, Any]]:
        try:
            size = int(q.get("maxResults", str(default)))
        except ValueError:
            raise ApiError(400, "invalidParameter", "Invalid maxResults", "global") from None
        if not 0 <= size <= max_allowed:
            raise ApiError(400, "invalidParameter", "maxResults out of range", "global")
        start = 0
        if q.get("pageToken"):
            try:
                start = int(base64.urlsafe_b64decode(q["pageToken"].encode()).decode())
            except ValueError:
                raise ApiError(400, "invalidPageToken", "Invalid page token") from None
        page = items[start : start + size]
        meta: dict[str, Any] = {"pageInfo": {"totalResults": len(items), "resultsPerPage": size}}
        if start + size < len(items):
            meta["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return page, meta

    @staticmethod
    def _json_body(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        if not headers.get("content-type", "").lower().startswith("application/json"):
            raise ApiError(400, "badContent", "Content-Type must be application/json", "global")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "parseError", "Parse Error", "global") from None
        if not isinstance(data, dict):
            raise ApiError(400, "parseError", "Parse Error", "global")
        return data

    def _check_metadata(
        self, data: dict[str, Any], *, for_update: bool
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        allowed_top = {"snippet", "status", "id"} if for_update else {"snippet", "status"}
        extra = set(data) - allowed_top
        if extra:
            raise ApiError(400, "invalid", f"Unknown name: {sorted(extra)[0]}", "global")
        snippet = data.get("snippet") or {}
        status = data.get("status") or {}
        if not isinstance(snippet, dict) or not isinstance(status, dict):
            raise ApiError(400, "invalid", "snippet and status must be objects", "global")
        if set(snippet) - SNIPPET_KEYS:
            raise ApiError(
                400, "invalid", f"Unknown name: {sorted(set(snippet) - SNIPPET_KEYS)[0]}"
            )
        if set(status) - STATUS_KEYS:
            raise ApiError(400, "invalid", f"Unknown name: {sorted(set(status) - STATUS_KEYS)[0]}")
        title = snippet.get("title")
        if "snippet" in data or not for_update:
            if not isinstance(title, str) or not title.strip():
                raise ApiError(
                    400,
                    "invalidTitle",
                    "The request metadata specifies an invalid or empty video title.",
                )
            if len(title) > 100 or "<" in title or ">" in title:
                raise ApiError(
                    400, "invalidTitle", "The request metadata specifies an invalid video title."
                )
            desc = snippet.get("description", "")
            if (
                not isinstance(desc, str)
                or len(desc.encode("utf-8")) > 5000
                or ("<" in desc or ">" in desc)
            ):
                raise ApiError(
                    400,
                    "invalidDescription",
                    "The request metadata specifies an invalid video description.",
                )
            tags = snippet.get("tags", [])
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ApiError(400, "invalidTags", "Invalid tags")
            tag_len = sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)
            if tag_len > 500:
                raise ApiError(
                    400, "invalidTags", "The request metadata specifies invalid video keywords."
                )
            cat = snippet.get("categoryId")
            if for_update and not cat:
                raise ApiError(400, "invalidCategoryId", "snippet.categoryId is required")
            if cat is not None and cat not in CATEGORIES:
                raise ApiError(
                    400,
                    "invalidCategoryId",
                    "The snippet.categoryId property specifies an invalid category ID.",
                )
        privacy = status.get("privacyStatus", "public")
        if privacy not in PRIVACY:
            raise ApiError(400, "invalidVideoMetadata", "Invalid privacyStatus")
        kids = status.get("selfDeclaredMadeForKids", False)
        if not isinstance(kids, bool):
            raise ApiError(400, "invalidVideoMetadata", "selfDeclaredMadeForKids must be bool")
        clean_status: dict[str, Any] = {
            "privacyStatus": privacy,
            "selfDeclaredMadeForKids": kids,
            "madeForKids": kids,
        }
        at = status.get("publishAt")
        if at is not None and privacy == "private":  # ignored unless private
            when = parse_time(at) if isinstance(at, str) else None
            if when is None or when <= self._now():
                raise ApiError(
                    400,
                    "invalidPublishAt",
                    "The request metadata specifies an invalid scheduled publishing time.",
                )
            clean_status["publishAt"] = rfc3339(when)
        clean_snippet = {
            "title": title,
            "description": snippet.get("description", ""),
            "tags": list(snippet.get("tags", [])),
            "categoryId": snippet.get("categoryId") or "22",
        }
        return clean_snippet, clean_status

    # -------------------------------------------------------------- dispatch

    def handle(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        read_body: Callable[[], bytes],
        stream: Any,
        length: int,
    ) -> _Reply:
        """Answer one request; raises :class:`_Drop` to close the connection unanswered."""
        split = urllib.parse.urlsplit(target)
        path = split.path
        q = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        if path.startswith("/__fake__/"):
            return self._control(method, path, read_body())
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": q,
            "content_range": headers.get("content-range"),
            "status": None,
        }
        with self._lock:
            self._log.append(entry)
        if self._take("drop", method, path):
            raise _Drop
        fault = self._take("fail", method, path)
        if fault is not None:
            o = fault.options
            hdrs = {"Content-Type": "application/json; charset=UTF-8"}
            if o["retry_after"] is not None:
                hdrs["Retry-After"] = str(o["retry_after"])
            body = (
                o["raw_body"].encode()
                if o["raw_body"] is not None
                else json.dumps(
                    ApiError(o["http_status"], o["reason"], o["message"]).body()
                ).encode()
            )
            entry["status"] = o["http_status"]
            return _Reply(o["http_status"], body, hdrs)
        try:
            if method == "PUT" and path == "/upload/youtube/v3/videos" and "upload_id" in q:
                reply = self._upload_put(q, headers, stream, length)
            else:
                body = read_body()
                with self._lock:
                    reply = self._api(method, path, q, headers, body)
        except ApiError as err:
            reply = _Reply(
                err.http_status,
                json.dumps(err.body()).encode(),
                {"Content-Type": "application/json; charset=UTF-8"},
            )
        entry["status"] = reply.status
        created = method == "POST" and reply.status < 300
        if created and self._take("drop_after_create", method, path):
            entry["status"] = None
            raise _Drop
        return reply

    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        name = path[len("/__fake__/") :]
        if method == "GET" and name == "state":
            return _Reply(200, json.dumps(self.state()).encode())
        args = json.loads(body or b"{}")
        actions: dict[str, Callable[..., None]] = {
            "fail": self.fail_next,
            "drop": self.drop_next,
            "drop_upload_after": self.drop_upload_after,
            "drop_after_final": self.drop_after_final_next,
            "drop_after_create": self.drop_after_create_next,
            "expire_sessions": self.expire_sessions,
            "quota": self.set_quota_used,
            "channels": self.add_channel,
            "reset": self.reset,
        }
        try:
            if name == "unverified":
                self.unverified_project = bool(args.get("on", True))
            elif name == "comments":
                cid = self.add_comment(**args)
                return _Reply(200, json.dumps({"id": cid}).encode())
            elif name == "playlists":
                pid = self.add_playlist(**args)
                return _Reply(200, json.dumps({"id": pid}).encode())
            else:
                actions[name](**args)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            msg = json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            return _Reply(400, msg.encode())
        return _Reply(200, b'{"ok": true}')

    def _api(
        self, method: str, path: str, q: dict[str, str], headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        route = (method, path)
        if route == ("POST", "/upload/youtube/v3/videos"):
            return self._start_session(q, headers, body)
        if route == ("POST", "/upload/youtube/v3/thumbnails/set"):
            return self._thumbnail(q, headers, body)
        if not path.startswith("/youtube/v3/"):
            raise ApiError(404, "notFound", "Not Found", "global")
        resource = path[len("/youtube/v3/") :]
        handlers: dict[tuple[str, str], Callable[..., _Reply]] = {
            ("GET", "videos"): self._videos_list,
            ("PUT", "videos"): self._videos_update,
            ("DELETE", "videos"): self._videos_delete,
            ("GET", "channels"): self._channels_list,
            ("GET", "playlists"): self._playlists_list,
            ("GET", "playlistItems"): self._items_list,
            ("POST", "playlistItems"): self._items_insert,
            ("GET", "commentThreads"): self._threads_list,
            ("GET", "comments"): self._comments_list,
            ("POST", "comments"): self._comments_insert,
        }
        handler = handlers.get((method, resource))
        if handler is None:
            raise ApiError(404, "notFound", "Not Found", "global")
        return handler(q, headers, body)

    def _ok(self, data: dict[str, Any], status: int = 200) -> _Reply:
        return _Reply(
            status, json.dumps(data).encode(), {"Content-Type": "application/json; charset=UTF-8"}
        )

    # -------------------------------------------------------------- upload

    def _start_session(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, UPLOAD_SCOPES)[0]
        self._only(q, {"uploadType", "part", "notifySubscribers"})
        if q.get("uploadType") != "resumable":
            raise ApiError(400, "invalidParameter", "uploadType must be resumable here", "global")
        self._parts(q, {"snippet", "status"})
        try:
            total = int(headers.get("x-upload-content-length", ""))
        except ValueError:
            raise ApiError(400, "badRequest", "X-Upload-Content-Length is required") from None
        if total <= 0:
            raise ApiError(400, "badRequest", "X-Upload-Content-Length must be positive")
        ctype = headers.get("x-upload-content-type", "")
        if not (ctype.startswith("video/") or ctype == "application/octet-stream"):
            raise ApiError(400, "invalidContentType", "Unsupported media type for videos")
        data = self._json_body(headers, body)
        snippet, status = self._check_metadata(data, for_update=False)
        self._charge("videos.insert")
        sid = secrets.token_urlsafe(18)
        self._sessions[sid] = Session(
            sid, channel.id, {"snippet": snippet, "status": status}, total, ctype, self._now()
        )
        location = f"{self.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={sid}"
        return _Reply(200, b"", {"Location": location, "X-GUploader-UploadID": sid})

    def _session(self, q: Mapping[str, str]) -> Session:
        with self._lock:
            s = self._sessions.get(q.get("upload_id", ""))
            if s is None or s.expired or self._now() - s.created > self.session_ttl:
                raise ApiError(404, "notFound", "Upload session not found or expired", "global")
            return s

    def _range_reply(self, s: Session) -> _Reply:
        headers = {"X-GUploader-UploadID": s.id}
        if s.received > 0:
            headers["Range"] = f"bytes=0-{s.received - 1}"
        return _Reply(308, b"", headers)

    def _video_reply(self, s: Session) -> _Reply:
        video = self._videos.get(s.video_id or "")
        if video is None:  # deleted since
            raise ApiError(404, "notFound", "Upload session not found or expired", "global")
        return self._ok(video.resource(["snippet", "status"]), 200)

    def _upload_put(
        self, q: dict[str, str], headers: Mapping[str, str], stream: Any, length: int
    ) -> _Reply:
        if "authorization" in headers:
            with self._lock:
                self._auth(headers, None)
        s = self._session(q)
        crange = headers.get("content-range", "")
        m_status = re.fullmatch(r"bytes \*/(\d+)", crange)
        m_chunk = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", crange)
        if m_status:
            if length:
                raise ApiError(400, "badContent", "A status query has an empty body")
            if int(m_status.group(1)) != s.total:
                raise ApiError(400, "badContent", "Total size differs from the session's")
            if s.video_id:
                return self._video_reply(s)
            return self._range_reply(s)
        if s.video_id:
            return self._video_reply(s)
        if not m_chunk:
            if crange or length != s.total or s.received:
                raise ApiError(400, "badContent", "Content-Range is required for a chunk")
            first, last, total = 0, s.total - 1, s.total
        else:
            first, last, total = (int(g) for g in m_chunk.groups())
        if total != s.total or last < first or last >= total:
            raise ApiError(400, "badContent", "Invalid Content-Range")
        if last - first + 1 != length:
            raise ApiError(400, "badContent", "Content-Range does not match Content-Length")
        if first != s.received:
            raise ApiError(
                400, "badContent", f"Chunk starts at {first}; the server has {s.received} bytes"
            )
        final = last + 1 == total
        if not final and length % CHUNK_GRANULARITY:
            raise ApiError(400, "badContent", "Chunk size must be a multiple of 256 KiB")
        ctype = headers.get("content-type", "")
        if ctype and not (ctype.startswith("video/") or ctype == "application/octet-stream"):
            raise ApiError(400, "invalidContentType", "Unsupported media type")
        drop = self._take_cut(first, last + 1)
        limit = length if drop is None else int(drop.options["nbytes"]) - first
        remaining = limit
        while remaining > 0:
            block = stream.read(min(1 << 20, remaining))
            if not block:
                break
            s.hasher.update(block)
            s.received += len(block)
            remaining -= len(block)
        if drop is not None:
            raise _Drop
        if s.received != last + 1:
            raise _Drop  # client went away
        if not final:
            return self._range_reply(s)
        with self._lock:
            video = self._create_video(s)
        if self._take("drop_final", "PUT", "/upload/youtube/v3/videos"):
            raise _Drop
        return self._ok(video.resource(["snippet", "status"]), 200)

    def _create_video(self, s: Session) -> FakeVideo:
        vid = "v" + base64.urlsafe_b64encode(secrets.token_bytes(7)).decode().rstrip("=")[:10]
        status = dict(s.metadata["status"])
        if self.unverified_project:
            status["privacyStatus"] = "private"
            status.pop("publishAt", None)
            status["_locked"] = True
        video = FakeVideo(
            vid,
            s.channel_id,
            dict(s.metadata["snippet"]),
            status,
            self._now(),
            s.total,
            s.hasher.hexdigest(),
        )
        self._videos[vid] = video
        s.video_id = vid
        return video

    def _thumbnail(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, MANAGE_SCOPES)[0]
        self._only(q, {"videoId", "uploadType"})
        if q.get("uploadType", "media") != "media":
            raise ApiError(400, "invalidParameter", "uploadType must be media", "global")
        video = self._videos.get(q.get("videoId", ""))
        if video is None or video.channel_id != channel.id:
            raise ApiError(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        ctype = headers.get("content-type", "")
        if ctype not in ("image/jpeg", "image/png", "application/octet-stream"):
            raise ApiError(400, "invalidImage", "The provided image content is invalid.")
        if not body:
            raise ApiError(400, "mediaBodyRequired", "The request does not include the image.")
        if len(body) > MAX_THUMBNAIL_BYTES:
            raise ApiError(413, "uploadTooLarge", "Media larger than 2097152 bytes", "global")
        if not (body.startswith(b"\xff\xd8\xff") or body.startswith(b"\x89PNG\r\n\x1a\n")):
            raise ApiError(400, "invalidImage", "The provided image content is invalid.")
        if not channel.custom_thumbnails:
            raise ApiError(
                403,
                "forbidden",
                "The thumbnail can't be set for the specified video."
                " The request might not be properly authorized.",
            )
        self._charge("thumbnails.set")
        video.thumbnail = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        return self._ok({"kind": "youtube#thumbnailSetResponse", "items": [{"default": {}}]})

    # -------------------------------------------------------------- videos

    def _videos_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        self._auth(headers, READ_SCOPES)
        self._only(q, {"part", "id", "maxResults", "pageToken"})
        parts = self._parts(q, {"snippet", "status", "contentDetails", "processingDetails", "id"})
        if not q.get("id"):
            raise ApiError(400, "missingRequiredParameter", "No filter selected.")
        self._charge("videos.list")
        self._apply_schedules()
        items = [
            self._public(self._videos[i].resource(parts))
            for i in q["id"].split(",")
            if i in self._videos
        ]
        return self._ok({"kind": "youtube#videoListResponse", "items": items})

    @staticmethod
    def _public(resource: dict[str, Any]) -> dict[str, Any]:
        status = resource.get("status")
        if isinstance(status, dict):
            status.pop("_locked", None)
        return resource

    def _videos_update(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, MANAGE_SCOPES)[0]
        self._only(q, {"part"})
        parts = self._parts(q, {"snippet", "status"})
        data = self._json_body(headers, body)
        video = self._videos.get(str(data.get("id", "")))
        if video is None or video.channel_id != channel.id:
            raise ApiError(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        if set(data) - {"id", *parts}:
            raise ApiError(400, "invalid", "Body has parts not named in the part parameter")
        snippet, status = self._check_metadata(
            {k: v for k, v in data.items() if k in ("snippet", "status")}, for_update=True
        )
        self._charge("videos.update")
        if "snippet" in parts:
            video.snippet = snippet
        if "status" in parts:
            locked = video.status.get("_locked")
            video.status = status  # replaces every mutable status field
            if locked:
                video.status.update(privacyStatus="private", _locked=True)
                video.status.pop("publishAt", None)
        return self._ok(self._public(video.resource(parts)))

    def _videos_delete(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, MANAGE_SCOPES)[0]
        self._only(q, {"id"})
        video = self._videos.get(q.get("id", ""))
        if video is None or video.channel_id != channel.id:
            raise ApiError(
                404, "videoNotFound", "The video that you are trying to delete cannot be found."
            )
        self._charge("videos.delete")
        del self._videos[video.id]
        self._items = [i for i in self._items if i["videoId"] != video.id]
        return _Reply(204)

    # -------------------------------------------------------------- channels, playlists

    def _channels_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        owned = self._auth(headers, READ_SCOPES | UPLOAD_SCOPES)
        self._only(q, {"part", "mine", "id", "maxResults"})
        parts = self._parts(q, {"id", "snippet", "contentDetails"})
        if q.get("mine") == "true":
            chans = owned
        elif q.get("id"):
            chans = [self._channels[i] for i in q["id"].split(",") if i in self._channels]
        else:
            raise ApiError(400, "missingRequiredParameter", "No filter selected.")
        self._charge("channels.list")
        items = []
        for c in chans:
            item: dict[str, Any] = {"kind": "youtube#channel", "id": c.id}
            if "snippet" in parts:
                item["snippet"] = {
                    "title": c.title,
                    "description": "",
                    "customUrl": "@" + c.title.lower().replace(" ", ""),
                    "thumbnails": {
                        "default": {"url": f"https://yt3.ggpht.example/{c.id}=s88", "width": 88}
                    },
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {"relatedPlaylists": {"uploads": c.uploads_playlist}}
            items.append(item)
        return self._ok({"kind": "youtube#channelListResponse", "items": items})

    def _playlists_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, READ_SCOPES)[0]
        self._only(q, {"part", "mine", "maxResults", "pageToken", "id"})
        self._parts(q, {"id", "snippet"})
        if q.get("mine") != "true" and not q.get("id"):
            raise ApiError(400, "missingRequiredParameter", "No filter selected.")
        self._charge("playlists.list")
        mine = [p for p in self._playlists.values() if p["channel_id"] == channel.id]
        if q.get("id"):
            mine = [p for p in self._playlists.values() if p["id"] in q["id"].split(",")]
        page, meta = self._page(mine, q, 50, 5)
        items = [
            {"kind": "youtube#playlist", "id": p["id"], "snippet": {"title": p["title"]}}
            for p in page
        ]
        return self._ok({"kind": "youtube#playlistListResponse", "items": items, **meta})

    def _items_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        self._auth(headers, READ_SCOPES)
        self._only(q, {"part", "playlistId", "maxResults", "pageToken", "videoId"})
        self._parts(q, {"id", "snippet", "contentDetails", "status"})
        pid = q.get("playlistId", "")
        self._charge("playlistItems.list")
        upload_owner = next((c for c in self._channels.values() if c.uploads_playlist == pid), None)
        if upload_owner is not None:
            vids = sorted(
                (v for v in self._videos.values() if v.channel_id == upload_owner.id),
                key=lambda v: v.created,
                reverse=True,
            )
            rows = [{"videoId": v.id, "playlistId": pid, "id": "UI" + v.id} for v in vids]
        elif pid in self._playlists:
            rows = [i for i in self._items if i["playlistId"] == pid]
        else:
            raise ApiError(404, "playlistNotFound", "The playlist cannot be found.")
        if q.get("videoId"):
            rows = [r for r in rows if r["videoId"] == q["videoId"]]
        page, meta = self._page(rows, q, 50, 5)
        items = []
        for r in page:
            v = self._videos.get(r["videoId"])
            items.append(
                {
                    "kind": "youtube#playlistItem",
                    "id": r["id"],
                    "snippet": {
                        "playlistId": pid,
                        "title": v.snippet["title"] if v else "Deleted video",
                        "publishedAt": rfc3339(v.created if v else 0),
                        "resourceId": {"kind": "youtube#video", "videoId": r["videoId"]},
                    },
                    "contentDetails": {
                        "videoId": r["videoId"],
                        "videoPublishedAt": rfc3339(v.created if v else 0),
                    },
                }
            )
        return self._ok({"kind": "youtube#playlistItemListResponse", "items": items, **meta})

    def _items_insert(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        channel = self._auth(headers, MANAGE_SCOPES)[0]
        self._only(q, {"part"})
        self._parts(q, {"snippet"})
        data = self._json_body(headers, body)
        snippet = data.get("snippet")
        if set(data) != {"snippet"} or not isinstance(snippet, dict):
            raise ApiError(400, "invalid", "Body must be {snippet: ...}")
        pid = snippet.get("playlistId")
        res = snippet.get("resourceId") or {}
        if pid not in self._playlists or self._playlists[pid]["channel_id"] != channel.id:
            raise ApiError(404, "playlistNotFound", "The playlist cannot be found.")
        if res.get("kind") != "youtube#video" or res.get("videoId") not in self._videos:
            raise ApiError(404, "videoNotFound", "The video cannot be found.")
        self._charge("playlistItems.insert")
        row = {"id": "PLI" + secrets.token_hex(8), "playlistId": pid, "videoId": res["videoId"]}
        self._items.append(row)
        return self._ok({"kind": "youtube#playlistItem", "id": row["id"], "snippet": snippet})

    # -------------------------------------------------------------- comments

    def _threads_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        self._auth(headers, READ_SCOPES)
        self._only(q, {"part", "videoId", "maxResults", "pageToken", "textFormat", "order"})
        parts = self._parts(q, {"id", "snippet", "replies"})
        if q.get("textFormat", "html") not in ("html", "plainText"):
            raise ApiError(400, "invalidParameter", "Invalid textFormat", "global")
        video = self._videos.get(q.get("videoId", ""))
        if video is None:
            raise ApiError(
                404,
                "videoNotFound",
                "The video identified by the videoId parameter could not be found.",
            )
        self._charge("commentThreads.list")
        tops = [c for c in self._comments.values() if c.video_id == video.id and not c.parent_id]
        tops.sort(key=lambda c: c.created, reverse=True)
        page, meta = self._page(tops, q, 100, 20)
        items = []
        for top in page:
            replies = [c for c in self._comments.values() if c.parent_id == top.id]
            replies.sort(key=lambda c: c.created)
            thread: dict[str, Any] = {"kind": "youtube#commentThread", "id": top.id}
            if "snippet" in parts:
                thread["snippet"] = {
                    "channelId": video.channel_id,
                    "videoId": video.id,
                    "topLevelComment": top.resource(),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                }
            if "replies" in parts and replies:
                thread["replies"] = {
                    "comments": [r.resource() for r in replies[: self.embedded_replies]]
                }
            items.append(thread)
        return self._ok({"kind": "youtube#commentThreadListResponse", "items": items, **meta})

    def _comments_list(self, q: dict[str, str], headers: Mapping[str, str], body: bytes) -> _Reply:
        self._auth(headers, READ_SCOPES)
        self._only(q, {"part", "parentId", "maxResults", "pageToken", "textFormat", "id"})
        self._parts(q, {"id", "snippet"})
        if not q.get("parentId") and not q.get("id"):
            raise ApiError(400, "missingRequiredParameter", "No filter selected.")
        self._charge("comments.list")
        if q.get("id"):
            rows = [self._comments[i] for i in q["id"].split(",") if i in self._comments]
        else:
            rows = [c for c in self._comments.values() if c.parent_id == q["parentId"]]
        rows.sort(key=lambda c: c.created)
        page, meta = self._page(rows, q, 100, 20)
        return self._ok(
            {"kind": "youtube#commentListResponse", "items": [c.resource() for c in page], **meta}
        )

    def _comments_insert(
        self, q: dict[str, str], headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        channel = self._auth(headers, MANAGE_SCOPES)[0]
        self._only(q, {"part"})
        self._parts(q, {"snippet", "id"})
        data = self._json_body(headers, body)
        snippet = data.get("snippet")
        if set(data) != {"snippet"} or not isinstance(snippet, dict):
            raise ApiError(400, "invalid", "Body must be {snippet: ...}")
        if set(snippet) - {"parentId", "textOriginal"}:
            raise ApiError(400, "invalid", "Unknown snippet field")
        parent = self._comments.get(str(snippet.get("parentId", "")))
        if parent is None:
            raise ApiError(404, "parentCommentNotFound", "The parent comment cannot be found.")
        if parent.parent_id is not None:
            raise ApiError(
                400, "operationNotSupported", "Replies can only answer a top-level comment."
            )
        text = snippet.get("textOriginal")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "commentTextRequired", "The comment has no text.")
        if len(text) > 10_000:
            raise ApiError(400, "commentTextTooLong", "The comment is too long.")
        self._charge("comments.insert")
        cid = self.add_comment(
            parent.video_id,
            text,
            author_name=channel.title,
            author_id=channel.id,
            parent_id=parent.id,
        )
        return self._ok(self._comments[cid].resource())


class _Counted:
    """The request body as a stream that knows how much of it is left."""

    def __init__(self, raw: Any, length: int) -> None:
        self._raw = raw
        self.left = length

    def read(self, size: int) -> bytes:
        data = self._raw.read(min(size, self.left)) if self.left > 0 else b""
        self.left -= len(data)
        return data

    def drain(self) -> None:
        while self.left > 0 and self.read(1 << 20):
            pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeYouTube/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _dispatch(self) -> None:
        fake: FakeYouTube = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True
        headers = {k.lower(): v for k, v in self.headers.items()}
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._send(_Reply(411, b'{"error": "Content-Length required"}'))
            return
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(_Reply(400, b'{"error": "bad Content-Length"}'))
            return

        stream = _Counted(self.rfile, length)

        def read_body() -> bytes:
            if length > MAX_JSON_BYTES + MAX_THUMBNAIL_BYTES:
                raise ApiError(413, "uploadTooLarge", "Request too large", "global")
            return stream.read(length) if length else b""

        try:
            reply = fake.handle(self.command, self.path, headers, read_body, stream, length)
            stream.drain()  # an early error answer must not cut a body being sent
        except _Drop:
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except (BrokenPipeError, ConnectionResetError):
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(reply)

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        headers = {"Content-Type": "application/json; charset=UTF-8", **reply.headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_DELETE = do_PUT = _dispatch


@contextlib.contextmanager
def running_youtube(channels: Mapping[str, str], **kwargs: Any) -> Iterator[FakeYouTube]:
    """A started :class:`FakeYouTube` (context manager / fixture body)."""
    with FakeYouTube(channels, **kwargs) as fake:
        yield fake


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGINT/SIGTERM, printing the base URL on the first stdout line."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.youtube", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--quota-model", choices=("bucket", "units"), default="bucket")
    parser.add_argument("--unverified", action="store_true", help="lock uploads private")
    parser.add_argument("--channels", nargs="*", default=[], metavar="CHANNELID:TOKEN[:TITLE]")
    args = parser.parse_args(argv)
    fake = FakeYouTube(quota_model=args.quota_model)
    fake.unverified_project = args.unverified
    for spec in args.channels:
        cid, _sep, rest = spec.partition(":")
        token, _sep, title = rest.partition(":")
        fake.add_channel(cid, token, title or "Canal de prueba")
    fake.host, fake.port = args.host, args.port
    fake.start()
    return fake.serve_until_terminated()


if __name__ == "__main__":
    sys.exit(main())
