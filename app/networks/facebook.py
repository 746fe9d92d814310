"""Facebook Pages client over the Meta Graph API (shared docs/platforms.md, section 1).

API pages this follows:

* Posts: https://developers.facebook.com/docs/pages-api/posts
* Photos: https://developers.facebook.com/docs/graph-api/reference/page/photos/
* Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
* Rate limits (``X-Business-Use-Case-Usage``):
  https://developers.facebook.com/docs/graph-api/overview/rate-limiting/

The token is a Page access token. It travels as the ``access_token`` parameter: in the
query string of GETs and in the (form or multipart) body of POSTs, so create calls never
carry it in a URL. It never appears in messages or logs (see :mod:`app.networks.http`).

More pages this follows (what was checked in them is noted next to the code):

* Page videos, resumable upload (``upload_phase=start|transfer|finish`` on the
  ``graph-video`` host): https://developers.facebook.com/docs/video-api/guides/publishing
  and https://developers.facebook.com/docs/graph-api/video-uploads (Meta's own
  ``facebook_business/video_uploader.py`` does the same three phases).
* Reels (``/{page-id}/video_reels`` + ``rupload.facebook.com/video-upload``):
  https://developers.facebook.com/docs/video-api/guides/reels-publishing
* Comments: https://developers.facebook.com/docs/graph-api/reference/object/comments/
* Pages of a user (sign-in): https://developers.facebook.com/docs/pages-api/getting-started

What was checked, and where (2026):

* Page video, resumable: ``start`` (``file_size``) answers ``upload_session_id``,
  ``video_id``, ``start_offset``, ``end_offset``; ``transfer`` (``upload_session_id``,
  ``start_offset``, multipart ``video_file_chunk``) answers the next offsets until they
  are equal; ``finish`` (``upload_session_id``, ``title``) answers ``{"success": true}``;
  error subcode 1363037 carries ``error_data.start_offset/end_offset`` to resume; the
  status is ``GET /{video-id}?fields=status``. Source: Meta's
  ``facebook-python-business-sdk/facebook_business/video_uploader.py`` and the Video API
  publishing guide (``graph-video`` host; permissions pages_show_list,
  pages_read_engagement, pages_manage_posts; no publish_video for Pages).
* Video limits: resumable "up to 10GB and 4 hours long", aspect ratio 9x16 .. 16x9
  (graph-api/video-uploads; an older copy says 1.75 GB / 45 min).
* Reels: ``/video_reels upload_phase=start`` -> ``video_id`` (+ ``upload_url``);
  ``POST rupload.facebook.com/video-upload/{v}/{video-id}`` with ``Authorization: OAuth``,
  ``offset``, ``file_size`` and the raw bytes -> ``{"success": true}``; ``finish`` with
  ``video_id``, ``video_state=PUBLISHED``, ``description``. Source: Meta's
  ``fbsamples/reels_publishing_apis`` (index.js, upload_reel.sh). Reels guide: 3-90 s,
  9:16, at least 540x960, at most 30 API-published reels per rolling 24 h.
* A video node's ``permalink_url`` is relative (fixture ``video_info_default.json``); a
  scheduled post carries ``scheduled_publish_time`` in epoch seconds (fixture
  ``restfb/post-scheduled.json``).

Assumed (UNVERIFIED; the strict fake follows these): a transfer chunk shorter than the
proposed range is taken (we send at most :data:`MAX_CHUNK_BYTES`); a reel resumes at
``status.uploading_phase.bytes_transferred``; rupload errors look like
``{"debug_info": {"retriable", "type", "message"}}``; the hand-off window ends at 29 days;
``POST /{post-id} scheduled_publish_time`` reschedules; ``/{page-id}/scheduled_posts``
lists scheduled posts; photos of a scheduled post are uploaded ``temporary=true``
(platforms.md); comment threads are one level deep; Page videos take no alt text.

Resumable work kept in ``post.progress.data`` (saved as soon as the network gives it):

* ``post_id``/``permalink``: the visible object this delivery created (a feed post
  ``{page}_{post}``, a video id, a reel's video id). With it set, :meth:`publish` never
  creates again and :meth:`find_published` answers from it.
* Page video: ``video_id``, ``upload_session_id``, ``video_file_size``, ``start_offset``,
  ``end_offset`` (the next byte range the server asked for), ``video_uploaded``,
  ``video_finish_sent`` (set before the finish call: its lost answer is reconciled with
  ``GET /{video-id}?fields=status``).
* Reel: ``reel_video_id``, ``reel_file_size``, ``reel_upload_started``, ``reel_uploaded``,
  ``reel_finish_sent``.
* First comment: ``first_comment_sent`` (before the call), ``first_comment_id`` (after),
  ``first_comment_error`` (the last failure, in the user's language).
* Hand-off: ``handoff_at`` (epoch seconds, set before the create call and removed after
  its answer) and ``handoff_post_id``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, ClassVar, cast

import requests

from app.errors import (
    AuthExpired,
    Duplicate,
    NetworkError,
    Problem,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
)
from app.i18n import _
from app.networks.base import (
    AccountInfo,
    CommentPage,
    DiscoveredAccount,
    Limits,
    Network,
    OutgoingMedia,
    OutgoingPost,
    Published,
    RemoteComment,
    TokenSet,
)
from app.networks.http import FilePart, HttpClient, MultipartBody

GRAPH_VERSION = "v25.0"
"""Pinned Graph API version (path prefix). Versions live about two years."""

DEFAULT_BASE_URL = "https://graph.facebook.com"
"""Overridden by the ``base_url`` argument (the registry passes ``PREGONERO_FACEBOOK_API``)."""

WEB_BASE_URL = "https://www.facebook.com"

GRAPH_VIDEO_BASE_URL = "https://graph-video.facebook.com"
"""Host of Page video uploads ("Videos must be published to graph-video.facebook.com")."""
RUPLOAD_BASE_URL = "https://rupload.facebook.com"
"""Host of reel byte uploads (``/video-upload/{v}/{video-id}``)."""

HANDOFF_MIN_SECONDS = 600
"""Native scheduling: at least 10 minutes ahead (platforms.md, Meta's Pages API)."""
HANDOFF_MAX_SECONDS = 29 * 24 * 3600
"""Native scheduling: at most 29 days ahead. The real maximum is UNVERIFIED (sources say
30 days to 6 months); 29 days stays inside every quoted figure."""

MAX_CHUNK_BYTES = 8 * 1024 * 1024
"""Largest piece of a video held in memory at once (bytes). The server proposes each
transfer range; a larger range is sent in pieces of this size (the answer gives the next
offsets, as Meta's own uploader reads them)."""
UPLOAD_OFFSET_SUBCODE = 1363037
"""Transfer sent at the wrong offset; ``error_data`` carries the server's offsets."""
MAX_OFFSET_RESYNCS = 5

VIDEO_MAX_BYTES = 10 * 1024**3
"""Resumable Page video upload: "videos that are up to 10GB and 4 hours long"
(graph-api/video-uploads; an older copy said 1.75 GB / 45 min)."""
VIDEO_MAX_SECONDS = 4 * 3600
VIDEO_MIN_ASPECT = 9 / 16
VIDEO_MAX_ASPECT = 16 / 9
"""Page video: "The aspect ratio of the video must be between 9x16 and 16x9"."""
REEL_MIN_SECONDS = 3.0
REEL_MAX_SECONDS = 90.0
"""Reels publishing guide: "Duration 3 to 90 seconds", aspect ratio 9 x 16, at least
540 x 960 pixels."""
REEL_MIN_WIDTH, REEL_MIN_HEIGHT = 540, 960

COMMENT_FIELDS = "id,message,from,created_time,comment_count,parent"
COMMENTS_PAGE_SIZE = 25
REPLY_SEARCH_PAGES = 8
DISCOVER_MAX_PAGES = 50

# UNVERIFIED: Meta documents no hard maximum of photos per multi-photo post through
# ``attached_media``; 10 is a conservative, configurable default.
MAX_PHOTOS_PER_POST = 10

AUTH_CODES = frozenset({190, 102})
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 341})
TRANSIENT_CODES = frozenset({1, 2})
DUPLICATE_CODE = 506
DEFAULT_RATE_LIMIT_WAIT = 300.0
"""Seconds to back off on a rate-limit code when the BUC header gives no estimate."""

RECONCILE_SLACK = timedelta(minutes=2)
"""How much earlier than ``since`` a post may be stamped and still match (clock skew)."""
RECONCILE_PAGE_SIZE = 25
RECONCILE_MAX_PAGES = 4


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def buc_retry_after(headers: Any) -> float | None:
    """Seconds until access returns per ``X-Business-Use-Case-Usage``, or ``None``.

    The header is JSON ``{"<business id>": [{"type", "call_count", "total_cputime",
    "total_time", "estimated_time_to_regain_access"}]}`` with the estimate in minutes;
    the largest positive estimate wins.
    """
    raw = headers.get("X-Business-Use-Case-Usage") if headers is not None else None
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = 0.0
    entries = usage.values() if isinstance(usage, dict) else []
    for group in entries:
        for item in group if isinstance(group, list) else [group]:
            if isinstance(item, dict):
                value = item.get("estimated_time_to_regain_access")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    minutes = max(minutes, float(value))
    return minutes * 60.0 if minutes > 0 else None


def classify_graph_error(
    response: requests.Response, label: str = "Facebook"
) -> NetworkError | None:
    """Map a Graph API error envelope to our error taxonomy, whatever the HTTP status.

    Envelope: ``{"error": {"message", "type", "code", "error_subcode",
    "error_user_title", "error_user_msg", "fbtrace_id", "is_transient"}}``. Returns
    ``None`` when the body is not such an envelope. Codes: 190, 102 -> AuthExpired;
    4, 17, 32, 613, 80001, 341 -> RateLimited; 1, 2 or ``is_transient`` -> Transient;
    506 -> Duplicate; anything else -> Rejected. ``user_message`` is ``error_user_msg``
    or else ``message``; ``code`` is ``str(code)``.
    """
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return None
    err: dict[str, Any] = body["error"]
    code = _int(err.get("code"))
    user_message = str(err.get("error_user_msg") or err.get("message") or "")
    kw = {"user_message": user_message, "code": "" if code is None else str(code)}
    if code in AUTH_CODES:
        return AuthExpired(
            _(
                "{network} no longer accepts the connection to this Page (the access expired"
                " or was revoked). Reconnect the account."
            ).format(network=label),
            **kw,
        )
    if code in RATE_LIMIT_CODES:
        wait = buc_retry_after(response.headers) or DEFAULT_RATE_LIMIT_WAIT
        return RateLimited(
            _(
                "{network} asks Pregonero to slow down (too many requests); it will try again"
                " in {minutes} minutes."
            ).format(network=label, minutes=max(1, math.ceil(wait / 60))),
            retry_after=wait,
            **kw,
        )
    if code in TRANSIENT_CODES or err.get("is_transient") is True:
        return Transient(
            _("{network} had a temporary problem; Pregonero will try again.").format(network=label),
            **kw,
        )
    if code == DUPLICATE_CODE:
        return Duplicate(
            _(
                "{network} refused the post as identical to the previous one; it may already"
                " be published."
            ).format(network=label),
            **kw,
        )
    return Rejected(
        _("{network} refused the request: {reason}").format(
            network=label, reason=user_message or _("no reason given")
        ),
        **kw,
    )


def parse_graph_time(value: str) -> datetime | None:
    """Parse a Graph timestamp (``"2023-07-14T10:45:55+0000"``) to an aware UTC datetime."""
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(value, fmt).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


class UploadOffsetMismatch(Transient):
    """A video transfer was sent at an offset the server did not expect (Graph subcode
    1363037). ``start_offset``/``end_offset`` are the byte range the server wants next."""

    def __init__(self, message: str, *, start_offset: int, end_offset: int, **kw: str) -> None:
        super().__init__(message, **kw)
        self.start_offset = start_offset
        self.end_offset = end_offset


def _offset_mismatch(response: requests.Response, label: str) -> UploadOffsetMismatch | None:
    try:
        body = response.json()
    except ValueError:
        return None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or _int(err.get("error_subcode")) != UPLOAD_OFFSET_SUBCODE:
        return None
    data = err.get("error_data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    start = _int(data.get("start_offset")) if isinstance(data, dict) else None
    end = _int(data.get("end_offset")) if isinstance(data, dict) else None
    if start is None or end is None:
        return None
    return UploadOffsetMismatch(
        _("{network} asked to resume the video upload at another point.").format(network=label),
        start_offset=start,
        end_offset=end,
        code=str(err.get("code") or ""),
    )


class _ChunkBody(MultipartBody):
    """A multipart body whose one file part is ``data`` (a video chunk already in memory,
    at most :data:`MAX_CHUNK_BYTES`), after the text ``fields``. The chunk is not copied,
    and :meth:`close` (called by :class:`HttpClient` once sent) lets it go."""

    def __init__(
        self, fields: list[tuple[str, str]], name: str, filename: str, data: bytes
    ) -> None:
        super().__init__(list(fields))
        closing = self._segments.pop()
        safe = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}";'
            f' filename="{safe}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        self._segments += [head, data, b"\r\n", closing]
        self._length += len(head) + len(data) + 2

    def close(self) -> None:
        """Forget the chunk (the response keeps a reference to its request body)."""
        super().close()
        self._segments = []


class FileSlice:
    """Bytes ``offset .. offset+length`` of a file, read in 64 KiB blocks while sent.

    Given as a request body (``requests`` streams objects with ``read`` and ``__len__``,
    with ``Content-Length: length``), so a reel of any size is never held in memory.
    """

    BLOCK = 64 * 1024

    def __init__(self, path: Path, offset: int, length: int) -> None:
        self.path, self.offset, self.length = path, offset, length
        self._file: IO[bytes] | None = None
        self._sent = 0

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (a block when negative); ``b""`` at the end."""
        if self._sent >= self.length:
            self.close()
            return b""
        if self._file is None:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed at the end / close()
            self._file.seek(self.offset)
        want = self.BLOCK if size is None or size < 0 else size
        piece = self._file.read(min(want, self.length - self._sent))
        if not piece:
            self.close()
            raise OSError("media file shrank while uploading")
        self._sent += len(piece)
        return piece

    def __iter__(self) -> Iterator[bytes]:
        while piece := self.read(self.BLOCK):
            yield piece

    def close(self) -> None:
        """Close the file, if open."""
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(frozen=True)
class PageAccess:
    """One Page a signed-in user can manage, from ``GET /me/accounts``.

    ``token`` is the Page access token (a secret: never log it); ``tasks`` the user's
    tasks on the Page (``"CREATE_CONTENT"``, ``"MODERATE"``, ``"MANAGE"``...);
    ``instagram_id`` the linked Instagram professional account, if any.
    """

    id: str
    name: str
    token: str
    tasks: frozenset[str]
    picture_url: str = ""
    instagram_id: str | None = None

    def __repr__(self) -> str:  # never show the token
        return f"<PageAccess {self.id} {self.name!r} tasks={sorted(self.tasks)}>"


def list_pages(
    user_token: str,
    *,
    base_url: str | None = None,
    timeout: float = 30.0,
    session: requests.Session | None = None,
    page_size: int = 100,
) -> list[PageAccess]:
    """Every Page the user behind ``user_token`` (a long-lived USER token) can manage.

    ``GET /{v}/me/accounts?fields=id,name,access_token,tasks,picture{url},
    instagram_business_account&limit=page_size``, following ``paging.cursors.after`` while
    ``paging.next`` is given. Pages without a Page token are skipped. Raises AuthExpired
    (190, e.g. subcode 463 for an expired user token), RateLimited, Transient, Rejected.
    Doc: https://developers.facebook.com/docs/pages-api/getting-started
    """
    http = HttpClient(
        (base_url or DEFAULT_BASE_URL).rstrip("/"),
        timeout=timeout,
        classify=lambda r: classify_graph_error(r, "Facebook"),
        label="Facebook",
        secrets=(user_token,),
        session=session,
    )
    params = {
        "fields": "id,name,access_token,tasks,picture{url},instagram_business_account",
        "limit": str(page_size),
        "access_token": user_token,
    }
    pages: list[PageAccess] = []
    seen: set[str] = set()
    for _page in range(DISCOVER_MAX_PAGES):
        response = http.get(f"{GRAPH_VERSION}/me/accounts", params)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Transient(
                _("Facebook sent an answer Pregonero cannot read; it will try again."),
                code="bad_json",
            )
        for item in body.get("data") or []:
            if not isinstance(item, dict):
                continue
            page_id, token = str(item.get("id") or ""), item.get("access_token")
            if not page_id or not isinstance(token, str) or not token or page_id in seen:
                continue
            seen.add(page_id)
            tasks = item.get("tasks")
            picture = item.get("picture")
            pic_data = picture.get("data") if isinstance(picture, dict) else None
            url = pic_data.get("url") if isinstance(pic_data, dict) else None
            iga = item.get("instagram_business_account")
            ig_id = iga.get("id") if isinstance(iga, dict) else None
            pages.append(
                PageAccess(
                    page_id,
                    str(item.get("name") or page_id),
                    token,
                    frozenset(str(t) for t in tasks) if isinstance(tasks, list) else frozenset(),
                    url if isinstance(url, str) else "",
                    str(ig_id) if ig_id else None,
                )
            )
        paging = body.get("paging")
        cursors = paging.get("cursors") if isinstance(paging, dict) else None
        after = cursors.get("after") if isinstance(cursors, dict) else None
        if not (isinstance(paging, dict) and paging.get("next")) or not after:
            break
        params = {**params, "after": str(after)}
    return pages


def message_for(post: OutgoingPost) -> str:
    """The ``message`` Facebook gets for ``post``.

    A feed post carries its link in the separate ``link`` parameter, so its message is
    the text. Photo posts have no link parameter: the link is appended to the text
    (after a blank line) unless the text already contains it.
    """
    text = post.text
    if post.media and post.link and post.link not in text:
        text = f"{text.rstrip()}\n\n{post.link}" if text.strip() else post.link
    return text


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return s.replace("\r\n", "\n").strip()

    return norm(a) == norm(b)


class FacebookPages(Network):
    """Client for one Facebook Page (``remote_id`` = Page id, ``token`` = Page token).

    ``base_url`` defaults to :data:`DEFAULT_BASE_URL`; ``timeout`` is seconds per connect
    and per read. ``session`` lets tests inject a :class:`requests.Session`.
    Errors: see :class:`app.networks.base.Network`.
    """

    key = "facebook"
    label = "Facebook"
    limits = Limits(
        max_chars=63_206,  # UNVERIFIED in platforms.md ("widely quoted")
        max_images=MAX_PHOTOS_PER_POST,
        image_max_bytes=10_000_000,  # "static images must be under 10 MB"
        image_formats=frozenset({"JPEG", "PNG", "GIF", "BMP", "TIFF"}),
        min_schedule_lead_seconds=600,
    )

    required_scopes: ClassVar[frozenset[str]] = frozenset(
        {
            "pages_show_list",
            "pages_manage_posts",
            "pages_read_engagement",
            "pages_manage_engagement",
            "pages_read_user_content",
        }
    )
    """Publishing needs the first three (Pages API, Video API and Reels guides); the first
    comment, replies and hiding need ``pages_manage_engagement``, reading people's comments
    ``pages_read_user_content`` (platforms.md 1.1/1.4). Video needs nothing more on a Page."""
    publish_scopes: ClassVar[frozenset[str]] = frozenset(
        {"pages_show_list", "pages_manage_posts", "pages_read_engagement"}
    )

    supports_handoff = True
    handoff_min_seconds = HANDOFF_MIN_SECONDS
    handoff_max_seconds = HANDOFF_MAX_SECONDS
    supports_comments = True
    supports_hide = True

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(
            remote_id, token, base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), timeout=timeout
        )
        self._now = now or (lambda: datetime.now(UTC))
        # With an overridden base URL (tests: one fake), every host maps to it.
        overridden = base_url is not None and self.base_url != DEFAULT_BASE_URL
        graph = self.base_url or DEFAULT_BASE_URL
        self._http = self._client(graph, session)
        self._video_http = self._client(graph if overridden else GRAPH_VIDEO_BASE_URL, session)
        self._rupload_http = self._client(graph if overridden else RUPLOAD_BASE_URL, session)

    def _client(self, base: str, session: requests.Session | None) -> HttpClient:
        return HttpClient(
            base,
            timeout=self.timeout,
            classify=self.classify,
            label=self.label,
            secrets=(self._token,),
            session=session,
        )

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Hook for :class:`HttpClient`; see :func:`classify_graph_error`. A video transfer
        at the wrong offset (subcode 1363037) is :class:`UploadOffsetMismatch`."""
        return (
            _offset_mismatch(response, self.label)
            or classify_graph_error(response, self.label)
            or self._classify_rupload(response)
        )

    def _classify_rupload(self, response: requests.Response) -> NetworkError | None:
        """rupload's own envelope ``{"debug_info": {"retriable", "type", "message"}}``
        (UNVERIFIED shape, as seen in public reports): retriable -> Transient."""
        if response.status_code < 400:
            return None
        body = self._json(response)
        info = body.get("debug_info") if body else None
        if not isinstance(info, dict):
            return None
        reason = str(info.get("message") or info.get("type") or "")
        if info.get("retriable") is True:
            return Transient(
                _("{network} had a temporary problem; Pregonero will try again.").format(
                    network=self.label
                ),
                user_message=reason,
                code=str(info.get("type") or "rupload"),
            )
        if response.status_code == 401:
            return None  # the generic 401 rule: reconnect the account
        return Rejected(
            _("{network} refused the request: {reason}").format(
                network=self.label, reason=reason or _("no reason given")
            ),
            user_message=reason,
            code=str(info.get("type") or "rupload"),
        )

    def _path(self, *parts: str) -> str:
        return "/".join((GRAPH_VERSION, *parts))

    def _get(self, path: str, **params: str) -> dict[str, Any]:
        response = self._http.get(self._path(path), {**params, "access_token": self._token})
        body = self._json(response)
        if body is None:
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network=self.label
                ),
                code="bad_json",
            )
        return body

    def _json(self, response: requests.Response) -> dict[str, Any] | None:
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _created_id(self, response: requests.Response, key: str = "id") -> str:
        """The id in a create call's answer; UnknownOutcome when the answer is unreadable."""
        body = self._json(response)
        value = body.get(key) if body else None
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value):
            raise UnknownOutcome(
                _(
                    "{network} accepted the request but its answer could not be read, so the"
                    " post may exist. Pregonero will check before trying again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return str(value)

    def _full_id(self, post_id: str) -> str:
        return post_id if "_" in post_id else f"{self.remote_id}_{post_id}"

    def _multipart(self, fields: list[tuple[str, str | FilePart]]) -> MultipartBody:
        missing = ""
        try:
            return MultipartBody(fields)
        except OSError as exc:
            missing = exc.filename if isinstance(exc.filename, str) else "?"
        # Raised outside ``except`` so the OS error (a full local path) is not attached.
        raise Rejected(
            _("The media file {name} cannot be read.").format(name=Path(missing).name),
            code="media_unreadable",
        )

    def _file(self, media: OutgoingMedia) -> FilePart:
        return FilePart(media.path, media.path.name, media.mime or "application/octet-stream")

    # ------------------------------------------------------------------ interface

    def verify(self) -> AccountInfo:
        """``GET /{v}/{page-id}?fields=id,name`` -> the Page's id and name.

        Raises AuthExpired (190) for a dead token, Rejected (100) for an unknown Page.
        """
        body = self._get(self.remote_id, fields="id,name")
        return AccountInfo(str(body.get("id") or self.remote_id), str(body.get("name") or ""))

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Offline checks: text length, photo count, and for video posts and reels the
        one-video rule and the documented limits (size, length, proportion, reel pixels)
        as far as :class:`OutgoingMedia` knows them."""
        problems = [
            p
            for p in super().validate(post)
            if not (p.code == "too_many_media" and any(m.is_video for m in post.media))
        ]
        videos = [m for m in post.media if m.is_video]
        kind = post.options.kind
        if kind in ("reel", "video") or videos:
            if len(post.media) != 1 or not videos:
                problems.append(
                    Problem(
                        "video_alone",
                        _("A Facebook video or reel takes exactly one video and nothing else."),
                        "media",
                    )
                )
                return problems
            video = videos[0]
            problems += cls._video_problems(video, reel=kind == "reel")
        elif kind not in ("feed", ""):
            problems.append(
                Problem(
                    "unsupported_kind",
                    _("Facebook Pages take posts, videos and reels, not “{kind}”.").format(
                        kind=kind
                    ),
                    "options",
                )
            )
        return problems

    @classmethod
    def _video_problems(cls, video: OutgoingMedia, *, reel: bool) -> list[Problem]:
        found: list[Problem] = []
        name = video.path.name
        if video.size_bytes > VIDEO_MAX_BYTES:
            found.append(
                Problem(
                    "video_too_large",
                    _("{name} is larger than the 10 GB Facebook takes.").format(name=name),
                    "media:0",
                )
            )
        seconds = video.duration_seconds
        low, high = (REEL_MIN_SECONDS, REEL_MAX_SECONDS) if reel else (0.0, VIDEO_MAX_SECONDS)
        if seconds is not None and (seconds < low or seconds > high):
            found.append(
                Problem(
                    "video_length",
                    _(
                        "{name} lasts {n:.0f} s; a Facebook {what} lasts {low:.0f}–{high:.0f} s."
                    ).format(
                        name=name,
                        n=seconds,
                        what=_("reel") if reel else _("video"),
                        low=low,
                        high=high,
                    ),
                    "media:0",
                )
            )
        if video.width and video.height:
            ratio = video.width / video.height
            if reel and abs(ratio - 9 / 16) > 0.01:
                found.append(
                    Problem(
                        "video_aspect",
                        _(
                            "{name} is {w}×{h} pixels; a Facebook reel must be vertical 9:16."
                        ).format(name=name, w=video.width, h=video.height),
                        "media:0",
                    )
                )
            elif reel and (video.width < REEL_MIN_WIDTH or video.height < REEL_MIN_HEIGHT):
                found.append(
                    Problem(
                        "video_too_small",
                        _(
                            "{name} is {w}×{h} pixels; a Facebook reel needs at least 540×960."
                        ).format(name=name, w=video.width, h=video.height),
                        "media:0",
                    )
                )
            elif not reel and not VIDEO_MIN_ASPECT - 0.01 <= ratio <= VIDEO_MAX_ASPECT + 0.01:
                found.append(
                    Problem(
                        "video_aspect",
                        _(
                            "{name} is {w}×{h} pixels; Facebook takes videos from 9:16 to 16:9."
                        ).format(name=name, w=video.width, h=video.height),
                        "media:0",
                    )
                )
        return found

    def publish(self, post: OutgoingPost) -> Published:
        """Publish ``post`` on the Page now and return its id and permalink.

        * text and/or link: ``POST /{v}/{page-id}/feed`` (``message``, ``link``);
        * one photo: ``POST /{v}/{page-id}/photos`` multipart ``source`` + ``message`` +
          ``alt_text_custom`` -> ``post_id``;
        * several: each ``POST /{v}/{page-id}/photos published=false`` (+ alt text), then
          ``POST /{v}/{page-id}/feed`` with ``attached_media[i]={"media_fbid": id}``;
        * a video (``options.kind == "video"`` or a video attached): resumable upload on
          the graph-video host (see :meth:`_publish_video`); the id is the video id;
        * a reel (``options.kind == "reel"``): ``/video_reels`` + rupload (see
          :meth:`_publish_reel`); the id is the reel's video id.

        Then ``GET /{v}/{id}?fields=permalink_url`` (``https://www.facebook.com/{id}`` if
        that read fails). Then the first comment, if any (:meth:`add_first_comment`): its
        failure never fails the post, it comes back as ``extra["first_comment_error"]``.

        Resumes from ``post.progress`` (see the module docstring): an upload goes on where
        it stopped and a post already created is never created again. UnknownOutcome only
        comes from a call that creates the visible post; a lost answer to an unpublished
        photo or a video chunk is Transient (nothing visible exists yet).
        """
        data = post.progress.data
        done = data.get("post_id")
        if isinstance(done, str) and done:
            published = Published(done, str(data.get("permalink") or self._permalink(done)))
        else:
            published = self._create(post)
            data["post_id"], data["permalink"] = published.remote_id, published.permalink
            post.progress.save()
        return self.add_first_comment(post, published)

    def _create(self, post: OutgoingPost) -> Published:
        kind = post.options.kind
        if kind == "reel":
            return self._publish_reel(post)
        if kind == "video" or any(m.is_video for m in post.media):
            return self._publish_video(post)
        message = message_for(post)
        if post.media:
            if len(post.media) == 1:
                post_id = self._publish_one_photo(message, post.media[0])
            else:
                post_id = self._publish_photos(message, post.media)
        elif message.strip() or post.link:
            form = {"access_token": self._token, "message": message}
            if post.link:
                form["link"] = post.link
            post_id = self._created_id(self._http.post(self._path(self.remote_id, "feed"), form))
        else:
            raise Rejected(_("The post has no text, link or media to publish."), code="empty")
        remote_id = self._full_id(post_id)
        return Published(remote_id, self._permalink(remote_id))

    # ------------------------------------------------------------------ video

    def _one_video(self, post: OutgoingPost) -> tuple[OutgoingMedia, int]:
        if len(post.media) != 1 or not post.media[0].is_video:
            raise Rejected(
                _("A Facebook video or reel takes exactly one video and nothing else."),
                code="video_alone",
            )
        media = post.media[0]
        try:
            size = os.stat(media.path).st_size
        except OSError:
            size = -1
        if size <= 0:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            )
        return media, size

    def _read_answer(self, response: requests.Response) -> dict[str, Any]:
        body = self._json(response)
        if body is None:
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network=self.label
                ),
                code="bad_json",
            )
        return body

    def _publish_video(self, post: OutgoingPost) -> Published:
        """Page video, resumable: ``POST graph-video/{v}/{page-id}/videos``

        1. ``upload_phase=start&file_size=N`` -> ``{video_id, upload_session_id,
           start_offset, end_offset}``;
        2. ``upload_phase=transfer&upload_session_id&start_offset`` + multipart
           ``video_file_chunk`` (bytes ``start_offset..end_offset``, at most
           :data:`MAX_CHUNK_BYTES` in memory) -> the next ``{start_offset, end_offset}``,
           until they are equal; a wrong offset (subcode 1363037) resumes at the server's;
        3. ``upload_phase=finish&upload_session_id&title&description`` -> ``{success}``.

        Each step is kept in ``post.progress`` before the next call. A lost answer to the
        start or to a chunk is Transient (an unfinished upload is invisible); the finish
        call is the create: its lost answer is UnknownOutcome, and the next attempt (or
        :meth:`find_published`) reads ``GET /{video-id}?fields=status`` first.
        """
        media, size = self._one_video(post)
        progress, data = post.progress, post.progress.data
        edge = self._path(self.remote_id, "videos")
        changed = data.get("video_file_size") not in (None, size)
        if changed and not data.get("video_finish_sent"):  # another file: start again
            for key in ("video_id", "upload_session_id", "start_offset", "end_offset"):
                data.pop(key, None)
            data.pop("video_uploaded", None)
        if not data.get("upload_session_id"):
            form = {"access_token": self._token, "upload_phase": "start", "file_size": str(size)}
            body = self._read_answer(self._video_http.post(edge, form, idempotent=True))
            session_id, video_id = body.get("upload_session_id"), body.get("video_id")
            start, end = _int(body.get("start_offset")), _int(body.get("end_offset"))
            if not session_id or not video_id or start is None or end is None:
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                )
            data.update(
                video_id=str(video_id),
                upload_session_id=str(session_id),
                video_file_size=size,
                start_offset=start,
                end_offset=end,
            )
            progress.save()
        video_id = str(data["video_id"])
        if not data.get("video_uploaded"):
            self._transfer(media, post)
            data["video_uploaded"] = True
            progress.save()
        if data.get("video_finish_sent") and self._video_published(video_id):
            return Published(video_id, self._permalink(video_id))
        form = {
            "access_token": self._token,
            "upload_phase": "finish",
            "upload_session_id": str(data["upload_session_id"]),
        }
        message = message_for(post)
        if message:
            form["description"] = message
        if post.options.title:
            form["title"] = post.options.title
        resent = bool(data.get("video_finish_sent"))
        data["video_finish_sent"] = True
        progress.save()
        return self._finish(self._video_http, edge, form, video_id, resent)

    def _transfer(self, media: OutgoingMedia, post: OutgoingPost) -> None:
        data = post.progress.data
        start, end = int(data["start_offset"]), int(data["end_offset"])
        edge = self._path(self.remote_id, "videos")
        resyncs = 0
        try:
            handle = open(media.path, "rb")  # noqa: SIM115 - closed below
        except OSError:
            handle = None
        if handle is None:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            )
        with handle:
            while start < end:
                handle.seek(start)
                chunk = handle.read(min(end - start, MAX_CHUNK_BYTES))
                if not chunk:
                    raise Rejected(
                        _("The media file {name} changed while it was being sent.").format(
                            name=media.path.name
                        ),
                        code="media_unreadable",
                    )
                fields = [
                    ("access_token", self._token),
                    ("upload_phase", "transfer"),
                    ("upload_session_id", str(data["upload_session_id"])),
                    ("start_offset", str(start)),
                ]
                body = _ChunkBody(fields, "video_file_chunk", media.path.name, chunk)
                del chunk
                try:
                    response = self._video_http.post(edge, body, idempotent=True)
                except UploadOffsetMismatch as exc:
                    resyncs += 1
                    if resyncs > MAX_OFFSET_RESYNCS:
                        raise
                    start, end = exc.start_offset, exc.end_offset
                else:
                    answer = self._read_answer(response)
                    new_start = _int(answer.get("start_offset"))
                    new_end = _int(answer.get("end_offset"))
                    if new_start is None or new_end is None:
                        raise Transient(
                            _(
                                "{network} sent an answer Pregonero cannot read; it will try again."
                            ).format(network=self.label),
                            code="bad_answer",
                        )
                    start, end = new_start, new_end
                data["start_offset"], data["end_offset"] = start, end
                post.progress.save()

    def _video_status(self, video_id: str) -> dict[str, Any]:
        """``GET /{v}/{video-id}?fields=status`` -> the ``status`` object ({} if absent):
        ``video_status``, ``uploading_phase{status, bytes_transferred}``,
        ``processing_phase{status}``, ``publishing_phase{status, publish_status}``."""
        body = self._get(video_id, fields="status")
        status = body.get("status")
        return status if isinstance(status, dict) else {}

    def _video_published(self, video_id: str, *, reel: bool = False) -> bool:
        """Whether the finish call of ``video_id`` reached Facebook. A Page video: its
        processing or publishing phase started (the finish call starts them). A reel:
        its publishing phase started (processing may start with the upload itself)."""
        status = self._video_status(video_id)
        phases = ("publishing_phase",) if reel else ("processing_phase", "publishing_phase")
        for key in phases:
            phase = status.get(key)
            if isinstance(phase, dict) and phase.get("status") not in (None, "not_started"):
                return True
        return False

    def _finish(
        self, http: HttpClient, edge: str, form: dict[str, str], video_id: str, resent: bool
    ) -> Published:
        """Send a finish call (the create). Refused after an earlier finish whose answer
        was lost? Then the video status decides (it may have gone through after all)."""
        try:
            body = self._json(http.post(edge, form)) or {}
        except Rejected:
            if resent and self._video_published(video_id, reel=http is self._http):
                return Published(video_id, self._permalink(video_id))
            raise
        if body.get("success") is not True:
            raise UnknownOutcome(
                _(
                    "{network} accepted the request but its answer could not be read, so the"
                    " post may exist. Pregonero will check before trying again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return Published(video_id, self._permalink(video_id))

    def _bytes_transferred(self, video_id: str) -> int:
        phase = self._video_status(video_id).get("uploading_phase")
        value = _int(phase.get("bytes_transferred")) if isinstance(phase, dict) else None
        return max(0, value or 0)

    def _publish_reel(self, post: OutgoingPost) -> Published:
        """Reel on the Page (Reels Publishing API):

        1. ``POST /{v}/{page-id}/video_reels upload_phase=start`` -> ``{video_id, upload_url}``;
        2. ``POST rupload/video-upload/{v}/{video-id}`` with headers ``Authorization: OAuth
           <token>``, ``offset``, ``file_size`` and the raw bytes from ``offset`` (streamed
           from disk). After a dropped connection the offset comes from
           ``GET /{video-id}?fields=status`` (``uploading_phase.bytes_transferred``);
        3. ``POST /{v}/{page-id}/video_reels upload_phase=finish&video_id&
           video_state=PUBLISHED&description`` -> ``{success: true}`` (the create).
        """
        media, size = self._one_video(post)
        progress, data = post.progress, post.progress.data
        edge = self._path(self.remote_id, "video_reels")
        changed = data.get("reel_file_size") not in (None, size)
        if changed and not data.get("reel_finish_sent"):  # another file: start again
            for key in ("reel_video_id", "reel_upload_started", "reel_uploaded"):
                data.pop(key, None)
        if not data.get("reel_video_id"):
            form = {"access_token": self._token, "upload_phase": "start"}
            body = self._read_answer(self._http.post(edge, form, idempotent=True))
            if not body.get("video_id"):
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                )
            data["reel_video_id"], data["reel_file_size"] = str(body["video_id"]), size
            progress.save()
        video_id = str(data["reel_video_id"])
        if not data.get("reel_uploaded"):
            self._rupload(media, size, video_id, post)
            data["reel_uploaded"] = True
            progress.save()
        if data.get("reel_finish_sent") and self._video_published(video_id, reel=True):
            return Published(video_id, self._permalink(video_id))
        form = {
            "access_token": self._token,
            "upload_phase": "finish",
            "video_id": video_id,
            "video_state": "PUBLISHED",
        }
        message = message_for(post)
        if message:
            form["description"] = message
        resent = bool(data.get("reel_finish_sent"))
        data["reel_finish_sent"] = True
        progress.save()
        return self._finish(self._http, edge, form, video_id, resent)

    def _rupload(self, media: OutgoingMedia, size: int, video_id: str, post: OutgoingPost) -> None:
        data = post.progress.data
        path = f"video-upload/{GRAPH_VERSION}/{video_id}"
        attempts = 0
        while True:
            offset = self._bytes_transferred(video_id) if data.get("reel_upload_started") else 0
            if offset >= size:
                return
            data["reel_upload_started"] = True
            post.progress.save()
            headers = {
                "Authorization": f"OAuth {self._token}",
                "offset": str(offset),
                "file_size": str(size),
                "Content-Type": "application/octet-stream",
            }
            body = FileSlice(media.path, offset, size - offset)
            try:
                response = self._rupload_http.request(
                    "POST",
                    path,
                    # a streamed raw body: requests sends read()/len() objects as they are
                    data=cast(Any, body),
                    headers=headers,
                    idempotent=True,
                )
            except Transient as exc:
                attempts += 1
                if exc.answered or attempts > 2:
                    raise
                continue  # the connection dropped: ask how far it got, go on from there
            finally:
                body.close()
            answer = self._json(response) or {}
            if answer.get("success") is not True:
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                )
            return

    # ------------------------------------------------------------------ first comment

    def add_first_comment(self, post: OutgoingPost, published: Published) -> Published:
        """Post ``post.options.first_comment`` as the Page under ``published`` (once).

        ``POST /{v}/{post-or-video-id}/comments message=...``. Kept in ``post.progress``
        (``first_comment_sent`` before, ``first_comment_id`` after): a retry never
        comments twice; after a lost answer it looks for our comment first. Never raises
        a network error: a failure comes back as ``extra["first_comment_error"]`` (in the
        user's language) on the same :class:`Published`. Call it again later to retry,
        e.g. when a handed-off post goes live.
        """
        text = post.options.first_comment.strip()
        data = post.progress.data
        extra = {k: v for k, v in published.extra.items() if k != "first_comment_error"}
        clean = Published(published.remote_id, published.permalink, extra)
        if not text or data.get("first_comment_id"):
            return clean
        try:
            if data.get("first_comment_sent"):
                found = self._find_own_comment(published.remote_id, text)
                if found:
                    data["first_comment_id"] = found
                    data.pop("first_comment_error", None)
                    post.progress.save()
                    return clean
            data["first_comment_sent"] = True
            post.progress.save()
            form = {"access_token": self._token, "message": text}
            response = self._http.post(self._path(published.remote_id, "comments"), form)
            data["first_comment_id"] = self._created_id(response)
            data.pop("first_comment_error", None)
            post.progress.save()
            return clean
        except NetworkError as exc:
            data["first_comment_error"] = str(exc)
            post.progress.save()
            failed = {**extra, "first_comment_error": str(exc)}
            return Published(published.remote_id, published.permalink, failed)

    def _find_own_comment(self, parent_id: str, text: str, since: datetime | None = None) -> str:
        """Our comment ``text`` directly under ``parent_id`` ("" if none). With ``since``
        (a reply) newest first, stopping at comments older than ``since`` - 2 min;
        without (the first comment, among the oldest) oldest first."""
        cursor: str | None = None
        earliest = since - RECONCILE_SLACK if since is not None else None
        order = "chronological" if earliest is None else "reverse_chronological"
        for _page in range(REPLY_SEARCH_PAGES):
            page = self._comments(parent_id, cursor, filter_="toplevel", order=order)
            for comment in page.comments:
                if earliest is not None and comment.created_at < earliest:
                    return ""
                if comment.is_own and _same_text(comment.text, text):
                    return comment.remote_id
            cursor = page.next_cursor
            if cursor is None:
                break
        return ""

    # ------------------------------------------------------------------ hand-off

    def _check_window(self, publish_at: datetime) -> int:
        if publish_at.tzinfo is None:
            publish_at = publish_at.replace(tzinfo=UTC)
        ahead = (publish_at - self._now()).total_seconds()
        if not self.handoff_min_seconds <= ahead <= self.handoff_max_seconds:
            raise Rejected(
                _(
                    "Facebook can only schedule posts between 10 minutes and 29 days ahead;"
                    " Pregonero will publish this one itself."
                ),
                code="handoff_window",
            )
        return int(publish_at.timestamp())

    def can_hand_off(self, post: OutgoingPost, publish_at: datetime) -> bool:
        """Whether :meth:`hand_off` would take ``post`` for ``publish_at`` (offline: a text,
        link or photo post inside the window). Videos and reels are published locally."""
        if post.options.kind in ("reel", "video") or any(m.is_video for m in post.media):
            return False
        try:
            self._check_window(publish_at)
        except Rejected:
            return False
        return bool(message_for(post).strip() or post.link or post.media)

    def hand_off(self, post: OutgoingPost, publish_at: datetime) -> Published:
        """Schedule ``post`` on Facebook itself for ``publish_at`` (aware UTC), so it goes
        out even when this computer is off. Returns ``Published(post_id, "")``.

        Text/link: ``POST /{v}/{page-id}/feed published=false&scheduled_publish_time=<epoch>``.
        Photos: each ``POST /photos published=false&temporary=true``, then the feed call
        with ``attached_media``. Videos and reels are not handed off (Rejected
        ``"handoff_unsupported"``: publish them locally). Outside the window
        (:attr:`handoff_min_seconds` .. :attr:`handoff_max_seconds` from now) Rejected
        ``"handoff_window"``. The first comment is not posted here: call
        :meth:`add_first_comment` once :meth:`hand_off_status` says it is live.
        ``progress["handoff_at"]`` is saved before the create call: a lost answer raises
        UnknownOutcome and :meth:`find_published` then looks among scheduled posts.
        """
        if post.options.kind in ("reel", "video") or any(m.is_video for m in post.media):
            raise Rejected(
                _(
                    "Facebook cannot schedule videos or reels for Pregonero; Pregonero"
                    " publishes them itself."
                ),
                code="handoff_unsupported",
            )
        when = self._check_window(publish_at)
        message = message_for(post)
        if not (message.strip() or post.link or post.media):
            raise Rejected(_("The post has no text, link or media to publish."), code="empty")
        form = {
            "access_token": self._token,
            "published": "false",
            "scheduled_publish_time": str(when),
        }
        if message:
            form["message"] = message
        if post.media:
            for i, photo_id in enumerate(self._upload_unpublished(post.media, temporary=True)):
                form[f"attached_media[{i}]"] = json.dumps({"media_fbid": photo_id})
        elif post.link:
            form["link"] = post.link
        data = post.progress.data
        data["handoff_at"] = when
        post.progress.save()
        post_id = self._created_id(self._http.post(self._path(self.remote_id, "feed"), form))
        remote_id = self._full_id(post_id)
        data.pop("handoff_at", None)
        data["handoff_post_id"] = remote_id
        post.progress.save()
        return Published(remote_id, "")

    def _node_or_gone(self, remote_id: str, fields: str) -> dict[str, Any] | None:
        """The node's fields, or None when Facebook says it does not exist (code 100)."""
        try:
            return self._get(remote_id, fields=fields)
        except Rejected as exc:
            if exc.code == "100":
                return None
            raise

    def _live_error(self) -> Rejected:
        return Rejected(
            _(
                "Facebook has already published this post, so it can no longer be changed"
                " or cancelled from Pregonero. Edit or delete it on Facebook."
            ),
            code="handoff_live",
        )

    def _gone_error(self) -> Rejected:
        return Rejected(
            _(
                "The post scheduled on Facebook is no longer there (it was deleted or"
                " published by hand on Facebook)."
            ),
            code="handoff_gone",
        )

    def update_hand_off(self, remote_id: str, post: OutgoingPost, publish_at: datetime) -> None:
        """Move the scheduled post ``remote_id`` to ``publish_at`` and update its text.

        ``GET /{v}/{post-id}?fields=is_published,message,link`` then ``POST /{v}/{post-id}``
        with ``scheduled_publish_time`` (and ``message`` when it changed). Rejected
        ``"handoff_window"`` outside the window, ``"handoff_live"`` once published,
        ``"handoff_gone"`` when deleted, ``"handoff_replace"`` when the link changed
        (Facebook cannot change it: cancel and hand off again; same for other media).
        """
        when = self._check_window(publish_at)
        node = self._node_or_gone(remote_id, "is_published,message,link")
        if node is None:
            raise self._gone_error()
        if node.get("is_published") is True:
            raise self._live_error()
        if not post.media and (post.link or None) != (node.get("link") or None):
            raise Rejected(
                _("The link changed; the scheduled post is replaced on Facebook."),
                code="handoff_replace",
            )
        form = {"access_token": self._token, "scheduled_publish_time": str(when)}
        message = message_for(post)
        if message != (node.get("message") or ""):
            form["message"] = message
        self._http.post(self._path(remote_id), form, idempotent=True)

    def cancel_hand_off(self, remote_id: str) -> None:
        """Delete the scheduled post ``remote_id`` (``DELETE /{v}/{post-id}``); nothing
        happens if it is already gone. Rejected ``"handoff_live"`` if Facebook already
        published it (a live post is never deleted from here)."""
        node = self._node_or_gone(remote_id, "is_published")
        if node is None:
            return
        if node.get("is_published") is True:
            raise self._live_error()
        try:
            self._http.request(
                "DELETE",
                self._path(remote_id),
                data={"access_token": self._token},
                idempotent=True,
            )
        except Rejected as exc:
            if exc.code != "100":
                raise

    def hand_off_status(self, remote_id: str) -> Published | None:
        """``GET /{v}/{post-id}?fields=is_published,scheduled_publish_time,permalink_url``:
        ``Published(remote_id, permalink)`` once live, None while still scheduled;
        Rejected ``"handoff_gone"`` when Facebook no longer has it."""
        node = self._node_or_gone(remote_id, "is_published,scheduled_publish_time,permalink_url")
        if node is None:
            raise self._gone_error()
        if node.get("is_published") is True:
            return Published(remote_id, self._permalink_from(node.get("permalink_url"), remote_id))
        return None

    # ------------------------------------------------------------------ comments

    def recent_posts(self, limit: int = 10) -> list[str]:
        """Ids of the Page's latest published posts, newest first
        (``GET /{v}/{page-id}/published_posts?fields=id&limit=N``, N in 1..100)."""
        limit = max(1, min(100, limit))
        body = self._get(self.remote_id + "/published_posts", fields="id", limit=str(limit))
        items = body.get("data")
        return [
            self._full_id(str(item["id"]))
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and item.get("id")
        ][:limit]

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """One page (25) of comments and replies on a post, oldest first.

        ``GET /{v}/{post-id}/comments?fields=id,message,from,created_time,comment_count,
        parent&filter=stream&order=chronological&limit=25[&after=CURSOR]``. ``next_cursor``
        is ``paging.cursors.after`` while ``paging.next`` says there is more. A comment
        without ``from`` (people who did not authorize the app) has author "unknown".
        """
        return self._comments(post_remote_id, cursor, filter_="stream")

    def _comments(
        self, parent_id: str, cursor: str | None, *, filter_: str, order: str = "chronological"
    ) -> CommentPage:
        params = {
            "fields": COMMENT_FIELDS,
            "filter": filter_,
            "order": order,
            "limit": str(COMMENTS_PAGE_SIZE),
        }
        if cursor:
            params["after"] = cursor
        body = self._get(parent_id + "/comments", **params)
        items = body.get("data")
        post_id = parent_id
        comments: list[RemoteComment] = []
        for item in items if isinstance(items, list) else []:
            comment = self._comment(item, post_id)
            if comment is not None:
                comments.append(comment)
        paging = body.get("paging")
        cursors = paging.get("cursors") if isinstance(paging, dict) else None
        after = cursors.get("after") if isinstance(cursors, dict) else None
        more = isinstance(paging, dict) and bool(paging.get("next")) and bool(after)
        return CommentPage(tuple(comments), str(after) if more else None)

    def _comment(self, item: object, post_id: str) -> RemoteComment | None:
        if not isinstance(item, dict) or not item.get("id"):
            return None
        created = parse_graph_time(str(item.get("created_time", "")))
        if created is None:
            return None
        author = item.get("from")
        author_id = str(author.get("id") or "") if isinstance(author, dict) else ""
        author_name = str(author.get("name") or "") if isinstance(author, dict) else ""
        parent = item.get("parent")
        parent_id = str(parent.get("id")) if isinstance(parent, dict) and parent.get("id") else None
        message = item.get("message")
        return RemoteComment(
            remote_id=str(item["id"]),
            post_remote_id=post_id,
            parent_remote_id=parent_id,
            author_name=author_name or _("unknown"),
            author_id=author_id,
            text=message if isinstance(message, str) else "",
            created_at=created,
            permalink=str(item.get("permalink_url") or ""),
            is_own=author_id == self.remote_id,
        )

    def _reply_target(self, comment: RemoteComment) -> str:
        # Facebook threads are one level deep: a reply to a reply goes to its thread.
        return comment.parent_remote_id or comment.remote_id

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """Reply as the Page: ``POST /{v}/{comment-id}/comments message=...`` -> id.

        A reply to a reply goes to the top comment of its thread. UnknownOutcome when
        the answer is lost: then :meth:`find_reply`.
        """
        form = {"access_token": self._token, "message": text}
        response = self._http.post(self._path(self._reply_target(comment), "comments"), form)
        return self._created_id(response)

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """Our reply ``text`` in ``comment``'s thread made at or after ``since`` (2 min
        slack), read from ``GET /{v}/{comment-id}/comments``; None if absent."""
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return self._find_own_comment(self._reply_target(comment), text, since) or None

    def hide_comment(self, comment: RemoteComment, hidden: bool = True) -> None:
        """``POST /{v}/{comment-id} is_hidden=true|false`` (harmless to repeat)."""
        form = {"access_token": self._token, "is_hidden": "true" if hidden else "false"}
        self._http.post(self._path(comment.remote_id), form, idempotent=True)

    # ------------------------------------------------------------------ sign-in

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """The Pages the user behind ``token`` (long-lived USER token) can add, one
        :class:`DiscoveredAccount` each with its Page token (``expires_at`` None: Page
        tokens from a long-lived user token do not expire) and picture. See
        :func:`list_pages`. ``missing_scopes`` = :attr:`required_scopes` not in
        ``token.scopes`` (nothing when the scopes are unknown); ``note`` says when the
        user's role lacks the CREATE_CONTENT task (cannot publish) or MODERATE (cannot
        answer comments). Raises AuthExpired, RateLimited, Transient, Rejected.
        """
        granted = token.scopes
        missing = (cls.required_scopes - granted) if granted else frozenset()
        accounts = []
        for page in list_pages(token.access_token, base_url=base_url, timeout=timeout):
            note = ""
            if "CREATE_CONTENT" not in page.tasks:
                note = _("Your role on this Page does not allow publishing (Create content).")
            elif "MODERATE" not in page.tasks:
                note = _("Your role on this Page does not allow answering comments (Moderate).")
            accounts.append(
                DiscoveredAccount(
                    network=cls.key,
                    remote_id=page.id,
                    name=page.name,
                    kind="page",
                    token=TokenSet(page.token, expires_at=None, scopes=granted),
                    picture_url=page.picture_url,
                    missing_scopes=frozenset(missing),
                    note=note,
                )
            )
        return accounts

    def _publish_one_photo(self, message: str, media: OutgoingMedia) -> str:
        fields: list[tuple[str, str | FilePart]] = [("access_token", self._token)]
        if message:
            fields.append(("message", message))
        if media.alt_text:
            fields.append(("alt_text_custom", media.alt_text))
        fields.append(("source", self._file(media)))
        response = self._http.post(self._path(self.remote_id, "photos"), self._multipart(fields))
        body = self._json(response) or {}
        if body.get("post_id"):
            return self._created_id(response, "post_id")
        return self._created_id(response, "id")

    def _upload_unpublished(
        self, media: tuple[OutgoingMedia, ...], *, temporary: bool = False
    ) -> list[str]:
        """``POST /{v}/{page-id}/photos published=false`` (+ ``temporary=true`` for a
        scheduled parent) for each photo -> photo ids. A lost answer is Transient: an
        unpublished photo is invisible, so uploading it again is safe."""
        photo_ids: list[str] = []
        for item in media:
            fields: list[tuple[str, str | FilePart]] = [
                ("access_token", self._token),
                ("published", "false"),
            ]
            if temporary:
                fields.append(("temporary", "true"))
            if item.alt_text:
                fields.append(("alt_text_custom", item.alt_text))
            fields.append(("source", self._file(item)))
            response = self._http.post(
                self._path(self.remote_id, "photos"), self._multipart(fields), idempotent=True
            )
            try:
                photo_ids.append(self._created_id(response))
            except UnknownOutcome:  # an unpublished photo is invisible: safe to redo
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                ) from None
        return photo_ids

    def _publish_photos(self, message: str, media: tuple[OutgoingMedia, ...]) -> str:
        photo_ids = self._upload_unpublished(media)
        form = {"access_token": self._token}
        if message:
            form["message"] = message
        for i, photo_id in enumerate(photo_ids):
            form[f"attached_media[{i}]"] = json.dumps({"media_fbid": photo_id})
        return self._created_id(self._http.post(self._path(self.remote_id, "feed"), form))

    def _permalink(self, remote_id: str) -> str:
        # The post exists now: whatever goes wrong reading its permalink (even an
        # expired token) must not hide that, or a retry could publish it twice.
        try:
            body = self._get(remote_id, fields="permalink_url")
        except NetworkError:
            return self._permalink_from(None, remote_id)
        return self._permalink_from(body.get("permalink_url"), remote_id)

    def _permalink_from(self, link: object, remote_id: str) -> str:
        if isinstance(link, str) and link:
            return WEB_BASE_URL + link if link.startswith("/") else link
        return f"{WEB_BASE_URL}/{remote_id}"

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """Look for ``post`` on the Page (reconciliation after a timeout).

        A video or reel: from ``post.progress`` (its id once created; after a finish call
        whose answer was lost, ``GET /{video-id}?fields=status`` says whether it went
        through). A hand-off whose answer was lost (``progress["handoff_at"]``): also
        ``GET /{page-id}/scheduled_posts`` (a match there has an empty permalink).
        Otherwise the feed:

        ``GET /{v}/{page-id}/feed?fields=id,message,created_time,permalink_url&limit=25``
        (up to :data:`RECONCILE_MAX_PAGES` pages while posts are newer than ``since``).
        A post matches when its message equals :func:`message_for` (line endings and
        surrounding blanks ignored) and ``created_time >= since - 2 min``. A post with no
        message (photos only) matches on time alone, only when exactly one such candidate
        exists. Returns the oldest match, or ``None``. Raises UnknownOutcome when
        several photo-only posts match and it cannot tell (never guess: the user decides).
        """
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        data = post.progress.data
        is_video = post.options.kind in ("reel", "video") or any(m.is_video for m in post.media)
        done = data.get("post_id")
        if is_video and isinstance(done, str) and done:  # created by this delivery
            return Published(done, str(data.get("permalink") or self._permalink(done)))
        for id_key, sent_key in (
            ("video_id", "video_finish_sent"),
            ("reel_video_id", "reel_finish_sent"),
        ):
            video_id = data.get(id_key)
            if data.get(sent_key) and isinstance(video_id, str) and video_id:
                if self._video_published(video_id, reel=id_key == "reel_video_id"):
                    return Published(video_id, self._permalink(video_id))
                return None
        if is_video:
            return None  # a video is only created by its finish call, which was not sent
        edges = ["feed"]
        if data.get("handoff_at"):
            edges.append("scheduled_posts")
        for edge in edges:
            found = self._find_in(edge, post, since)
            if found is not None:
                if edge == "scheduled_posts":
                    return Published(found.remote_id, "")
                return found
        return None

    def _find_in(self, edge: str, post: OutgoingPost, since: datetime) -> Published | None:
        earliest = since - RECONCILE_SLACK
        wanted = message_for(post)
        candidates: list[dict[str, Any]] = []
        params = {
            "fields": "id,message,created_time,permalink_url",
            "limit": str(RECONCILE_PAGE_SIZE),
        }
        for _page in range(RECONCILE_MAX_PAGES):
            body = self._get(self.remote_id + "/" + edge, **params)
            items = body.get("data")
            if not isinstance(items, list):
                break
            older_seen = False
            for item in items:
                if not isinstance(item, dict):
                    continue
                created = parse_graph_time(str(item.get("created_time", "")))
                if created is None:
                    continue
                if created < earliest:
                    older_seen = True
                    continue
                text = item.get("message")
                text = text if isinstance(text, str) else ""
                if (wanted.strip() and _same_text(text, wanted)) or (
                    not wanted.strip() and not text.strip()
                ):
                    candidates.append(item)
            paging = body.get("paging")
            cursors = paging.get("cursors") if isinstance(paging, dict) else None
            after = cursors.get("after") if isinstance(cursors, dict) else None
            if older_seen or not after or not (isinstance(paging, dict) and paging.get("next")):
                break
            params = {**params, "after": str(after)}
        if not candidates:
            return None
        if not wanted.strip() and len(candidates) != 1:
            raise UnknownOutcome(
                _(
                    "Several posts without text appeared on the Page at that time; Pregonero "
                    "cannot tell which one is this. Check the Page before publishing it again."
                )
            )
        found = candidates[-1]
        remote_id = self._full_id(str(found.get("id", "")))
        return Published(remote_id, self._permalink_from(found.get("permalink_url"), remote_id))
