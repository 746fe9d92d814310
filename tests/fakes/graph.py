"""A strict fake of the Facebook Graph API (Pages) on 127.0.0.1, for tests.

It follows shared docs/platforms.md section 1 and refuses what the real API would refuse
(or what we are not sure it accepts), so a client bug shows up as a Graph error envelope
rather than passing silently.

In-process use::

    with FakeGraph({"1001": "PAGE-TOKEN"}) as fake:      # or pages=[FakePage(...)]
        client = FacebookPages("1001", "PAGE-TOKEN", base_url=fake.url, timeout=2)
        fake.fail_next(r"/feed$", code=190, subcode=463)  # next POST/GET matching fails
        fake.drop_after_create_next()                      # next create: stored, socket closed
        fake.delay_next(0.5, r"/feed$", before=True)       # answer late
        fake.posts("1001")                                 # what was published

As a pytest fixture::

    @pytest.fixture
    def graph():
        with running_graph({"1001": "PAGE-TOKEN"}) as fake:
            yield fake

From another process (end-to-end tests)::

    python -m tests.fakes.graph --port 0 --pages 1001:PAGE-TOKEN:Ayuntamiento
    # prints its base URL (e.g. http://127.0.0.1:40123) on the first line of stdout

and then the control endpoints (no token needed): ``GET /__fake__/state``,
``GET /__fake__/requests``, ``GET /__fake__/photos/{id}`` (raw bytes), and ``POST`` with a
JSON body to ``/__fake__/fail``, ``/__fake__/drop_after_create``, ``/__fake__/drop``,
``/__fake__/delay``, ``/__fake__/pages``, ``/__fake__/expire_token``, ``/__fake__/usage``,
``/__fake__/reset``, ``/__fake__/cut_upload``, ``/__fake__/expire_user_token``,
``/__fake__/clock_offset`` (arguments = the keyword arguments of the Python methods of the
same name, ``*_next`` dropped; ``path`` is the regex); ``/__fake__/comment``,
``/__fake__/user`` (:meth:`FakeGraph.add_user`) and ``/__fake__/issue_code`` answer
``{"ok": true, "id": ...}``.

Graph endpoints (any ``/v<N>.0`` prefix; anything else is a Graph error):

* ``GET /{page-id}?fields=id,name,link,category`` (also ``/me`` with a Page token)
* ``GET /{page-id}/feed`` (alias ``published_posts``; ``scheduled_posts`` lists the posts
  still waiting) ``?fields=...&limit=N&after=CURSOR``
* ``POST /{page-id}/feed`` message, link, published, scheduled_publish_time (10 min ..
  ``max_schedule_ahead`` ahead of the fake clock, else code 100; the post goes live when
  the clock passes it), ``attached_media[n]={"media_fbid": id}`` (an unpublished,
  unattached photo of the Page; uploaded ``temporary=true`` when the post is scheduled)
* ``POST /{page-id}/photos`` multipart ``source`` or ``url``; message/caption,
  alt_text_custom, published, temporary
* ``GET /{post-photo-video-or-comment-id}?fields=...``; ``DELETE`` of the same
* ``POST /{post-id}`` message, scheduled_publish_time (a scheduled post only),
  is_published; ``POST /{comment-id}`` is_hidden (not the Page's own comments), message
* ``POST /{page-id}/videos`` resumable: ``upload_phase=start&file_size`` ->
  ``{video_id, upload_session_id, start_offset, end_offset}`` (ranges of
  ``video_chunk_size``); ``transfer`` + ``upload_session_id``, ``start_offset`` and the
  multipart file ``video_file_chunk`` (a wrong offset: code 6001 subcode 1363037 with
  ``error_data{start_offset,end_offset}``; at most the proposed range); ``finish`` +
  ``upload_session_id``, title, description, published, scheduled_publish_time. No
  MP4/MOV ``ftyp`` box at the start: code 352.
* ``POST /{page-id}/video_reels`` ``upload_phase=start`` -> ``{video_id, upload_url}``;
  ``upload_phase=finish&video_id&video_state=PUBLISHED|DRAFT|SCHEDULED&description``
  (all bytes received; at most 30 published reels per rolling 24 h, else code 32)
* ``POST /video-upload/{v}/{video-id}`` (rupload): headers ``Authorization: OAuth
  <Page token>`` (else 401), ``offset`` (= bytes received so far) and ``file_size``; raw
  body. Errors are ``{"debug_info": {"retriable", "type", "message"}}``. Progress is read
  with ``GET /{video-id}?fields=status`` (``uploading_phase.bytes_transferred``).
* ``GET /{post-video-or-comment-id}/comments?fields=id,message,from,created_time,
  comment_count,parent&filter=stream|toplevel&order=chronological|reverse_chronological
  &limit=1..100&after=CURSOR`` (cursor = a comment id, so comments arriving between two
  pages never repeat); ``from`` is absent for people who did not authorize the app.
  ``POST /{post-video-or-comment-id}/comments message=`` as the Page (not on a reply).
* With a USER token (:meth:`FakeGraph.add_user`): ``GET /me``, ``GET /me/accounts?fields=
  id,name,access_token,tasks,picture{url},instagram_business_account&limit&after``;
  expired -> 190/463. ``GET /debug_token?input_token=&access_token={app_id}|{secret}``
  (``expires_at`` 0 for Page tokens). ``GET /oauth/access_token`` with client_id,
  client_secret, redirect_uri, code (from :meth:`FakeGraph.issue_code`; once, same
  redirect_uri) or ``grant_type=fb_exchange_token`` -> ``{access_token, token_type,
  expires_in}`` (7200 s short, 5183944 s long-lived).

Checked: ``access_token`` (query, form/multipart field, or ``Authorization: OAuth|Bearer``)
must be the token of the Page that owns the object (wrong/missing -> code 190, HTTP 400);
unknown objects -> code 100; unknown parameters or fields -> code 100; identical message to
the Page's last post -> code 506; scheduled time < now + 600 s -> code 100; uploads must be
a real, complete JPEG/PNG/GIF/BMP/TIFF under 10 MB (Pillow) -> else code 324/100. Bodies
must be ``application/x-www-form-urlencoded`` or ``multipart/form-data``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import email.message
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
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

from tests.fakes.server import FakeServer

VERSION_RE = re.compile(r"^/(v\d+\.0)(/.*)?$")
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "BMP", "TIFF"})
MAX_PHOTO_BYTES = 10_000_000  # "static images must be under 10 MB"
MAX_BODY_BYTES = 40 * 1024 * 1024
MAX_MESSAGE_CHARS = 63_206
MIN_SCHEDULE_LEAD = 600
DEFAULT_MAX_SCHEDULE_AHEAD = 30 * 24 * 3600  # UNVERIFIED: sources say 30 days .. 6 months
WEB = "https://www.facebook.com"

PAGE_FIELDS = frozenset({"id", "name", "link", "category"})
POST_FIELDS = frozenset(
    {
        "id",
        "message",
        "created_time",
        "updated_time",
        "permalink_url",
        "link",
        "is_published",
        "scheduled_publish_time",
        "status_type",
        "attachments",
    }
)
VIDEO_FIELDS = frozenset(
    {
        "id",
        "title",
        "description",
        "permalink_url",
        "published",
        "created_time",
        "updated_time",
        "status",
        "length",
        "scheduled_publish_time",
    }
)
COMMENT_FIELDS = frozenset(
    {
        "id",
        "message",
        "from",
        "created_time",
        "comment_count",
        "parent",
        "is_hidden",
        "permalink_url",
        "like_count",
    }
)
ACCOUNT_FIELDS = frozenset(
    {
        "id",
        "name",
        "access_token",
        "tasks",
        "category",
        "picture",
        "picture{url}",
        "instagram_business_account",
        "instagram_business_account{id}",
    }
)
USER_FIELDS = frozenset({"id", "name"})
DEFAULT_VIDEO_CHUNK = 1024 * 1024
MAX_VIDEO_BYTES = 10 * 1024**3  # resumable upload: "up to 10GB and 4 hours long"
UPLOAD_OFFSET_SUBCODE = 1363037
REELS_PER_DAY = 30
SHORT_TOKEN_SECONDS = 2 * 3600
LONG_TOKEN_SECONDS = 5_183_944  # platforms.md: "expires_in":5183944 (about 60 days)
PHOTO_FIELDS = frozenset(
    {"id", "alt_text_custom", "created_time", "name", "width", "height", "link", "page_story_id"}
)

DEFAULT_MESSAGES = {
    1: "An unknown error occurred",
    2: "An unexpected error has occurred. Please retry your request later.",
    4: "(#4) Application request limit reached",
    10: "(#10) This endpoint requires the 'pages_manage_posts' permission",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    100: "(#100) Invalid parameter",
    102: "Session key invalid or no longer valid",
    190: "Error validating access token: Session has expired.",
    200: "(#200) The user hasn't authorized the application to perform this action",
    341: "(#341) Application limit reached",
    368: "The action attempted has been deemed abusive or is otherwise disallowed",
    506: "(#506) Duplicate status message",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: (
        "(#80001) There have been too many calls to this Page account. Wait a bit and try again."
    ),
    1609005: "Error Posting Link",
}

OBJECT_MISSING = (
    "(#100) Object does not exist, cannot be loaded due to missing permission or reviewable"
    " feature, or does not support this operation."
)


def graph_time(epoch: float) -> str:
    """Graph's timestamp format: ``2023-07-14T10:45:55+0000`` (UTC, whole seconds)."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def envelope(
    message: str,
    code: int,
    *,
    type_: str = "OAuthException",
    subcode: int | None = None,
    is_transient: bool | None = None,
    user_title: str | None = None,
    user_msg: str | None = None,
    error_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Graph error envelope ``{"error": {...}}`` with a fresh ``fbtrace_id``."""
    err: dict[str, Any] = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    if error_data is not None:
        err["error_data"] = error_data
    if is_transient is not None:
        err["is_transient"] = is_transient
    if user_title is not None:
        err["error_user_title"] = user_title
    if user_msg is not None:
        err["error_user_msg"] = user_msg
    err["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return {"error": err}


class GraphError(Exception):
    """Raised inside the fake to answer with a Graph error envelope."""

    def __init__(self, code: int, message: str = "", *, http_status: int = 400, **kw: Any):
        super().__init__(message or DEFAULT_MESSAGES.get(code, f"(#{code}) Error"))
        self.http_status = http_status
        self.body = envelope(str(self), code, **kw)


class BodyError(GraphError):
    """A request body the fake does not understand."""

    def __init__(self, message: str):
        super().__init__(100, f"(#100) {message}")


# ------------------------------------------------------------------------------ state


@dataclass
class FakePage:
    """A Page the fake knows: its id, Page token and name."""

    id: str
    token: str
    name: str = "Página de prueba"
    expired_subcode: int | None = None  # set by expire_token(): token answers 190/<subcode>


@dataclass
class Upload:
    """One multipart file part as received."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class FakePhoto:
    """An uploaded photo: its bytes, what Pillow found, alt text and where it is used."""

    id: str
    page_id: str
    data: bytes
    format: str
    width: int
    height: int
    filename: str
    alt_text: str | None
    published: bool
    temporary: bool
    created: float
    post_id: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "size": len(self.data),
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "filename": self.filename,
            "alt_text": self.alt_text,
            "published": self.published,
            "temporary": self.temporary,
            "post_id": self.post_id,
            "created_time": graph_time(self.created),
        }


@dataclass
class FakePost:
    """A Page post (``id`` = ``{page}_{post}``)."""

    id: str
    page_id: str
    message: str | None
    link: str | None
    photo_ids: list[str]
    created: float
    published: bool = True
    scheduled_publish_time: int | None = None

    @property
    def permalink(self) -> str:
        return f"{WEB}/{self.page_id}/posts/{self.id.split('_', 1)[1]}"


@dataclass
class _Fault:
    kind: str  # fail | drop | drop_after_create | delay
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
    created: bool = False  # a create call succeeded (for drop_after_create)


_DROP = object()


@dataclass
class FakeVideo:
    """A Page video or reel being uploaded or published. Bytes are not kept: only their
    count and SHA-256 (so a multi-GB upload costs the fake no memory)."""

    id: str
    page_id: str
    kind: str  # "video" | "reel"
    created: float
    file_size: int | None = None
    session_id: str | None = None
    received: int = 0
    hasher: Any = field(default_factory=hashlib.sha256)
    title: str | None = None
    description: str | None = None
    finished: bool = False
    published: bool = False
    scheduled_publish_time: int | None = None
    finish_calls: int = 0
    head: bytes = b""  # the first bytes received: an MP4/MOV has "ftyp" at 4..8

    @property
    def permalink(self) -> str:
        """Relative, as Graph gives it for videos (fixture ``video_info_default.json``)."""
        if self.kind == "reel":
            return f"/reel/{self.id}/"
        return f"/{self.page_id}/videos/{self.id}/"

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file_size": self.file_size,
            "received": self.received,
            "sha256": self.hasher.hexdigest(),
            "title": self.title,
            "description": self.description,
            "finished": self.finished,
            "published": self.published,
            "scheduled_publish_time": self.scheduled_publish_time,
            "finish_calls": self.finish_calls,
            "permalink_url": WEB + self.permalink,
        }


@dataclass
class FakeComment:
    """A comment on a post or video (``parent_id`` set for a reply). ``author`` is
    ``(id, name)``, or None for people who did not authorize the app (no ``from``)."""

    id: str
    object_id: str  # the post or video commented on
    page_id: str
    parent_id: str | None
    message: str
    author: tuple[str, str] | None
    created: float
    hidden: bool = False

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object_id": self.object_id,
            "parent_id": self.parent_id,
            "message": self.message,
            "author": list(self.author) if self.author else None,
            "hidden": self.hidden,
            "created_time": graph_time(self.created),
        }


@dataclass
class FakeUser:
    """A Facebook user who signed in: a user token and the Pages they manage.

    ``pages`` maps Page id -> tasks (e.g. ``["CREATE_CONTENT", "MODERATE", "MANAGE"]``);
    ``expires_at`` epoch seconds (0 = never); ``instagram`` maps Page id -> linked IG
    user id.
    """

    id: str
    name: str
    token: str
    pages: dict[str, list[str]]
    scopes: list[str]
    expires_at: int = 0
    instagram: dict[str, str] = field(default_factory=dict)
    expired_subcode: int | None = None


# ------------------------------------------------------------------------------ parsing


def _disposition_params(value: str) -> tuple[str, dict[str, str]]:
    kind, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for m in re.finditer(r'\s*([A-Za-z*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)\s*;?', rest):
        key, raw = m.group(1).lower(), m.group(2).strip()
        if raw.startswith('"'):
            raw = raw[1:-1]
            raw = raw.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
        params[key] = raw
    if "filename*" in params:
        charset, _, encoded = params.pop("filename*").partition("''")
        params["filename"] = urllib.parse.unquote(encoded, encoding=charset or "utf-8")
    return kind.strip().lower(), params


def parse_multipart(
    body: bytes, content_type: str
) -> tuple[list[tuple[str, str]], dict[str, Upload]]:
    """Parse a ``multipart/form-data`` body strictly: ``(text fields, files by name)``.

    Raises :class:`BodyError` for a missing boundary, a missing closing delimiter
    (truncated upload), a part without ``Content-Disposition: form-data; name=...``,
    non-UTF-8 text fields or a repeated file field.
    """
    msg = email.message.Message()
    msg["content-type"] = content_type
    boundary = msg.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise BodyError("multipart body without a boundary")
    delim = b"--" + boundary.encode("latin-1")
    pieces = (b"\r\n" + body).split(b"\r\n" + delim)
    if len(pieces) < 2 or pieces[0].strip():
        raise BodyError("multipart body does not start with its boundary")
    if not pieces[-1].startswith(b"--"):
        raise BodyError("multipart body is not terminated (truncated upload?)")
    fields: list[tuple[str, str]] = []
    files: dict[str, Upload] = {}
    for piece in pieces[1:-1]:
        if not piece.startswith(b"\r\n"):
            raise BodyError("malformed multipart delimiter")
        head, sep, content = piece[2:].partition(b"\r\n\r\n")
        if not sep:
            raise BodyError("multipart part without a blank line after its headers")
        try:
            head_text = head.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyError("multipart headers are not UTF-8") from None
        headers: dict[str, str] = {}
        for line in head_text.split("\r\n"):
            name, colon, value = line.partition(":")
            if not colon:
                raise BodyError("malformed multipart header")
            headers[name.strip().lower()] = value.strip()
        kind, params = _disposition_params(headers.get("content-disposition", ""))
        if kind != "form-data" or not params.get("name"):
            raise BodyError("multipart part without Content-Disposition form-data name")
        name = params["name"]
        if "filename" in params:
            if name in files:
                raise BodyError(f"file field {name} sent twice")
            files[name] = Upload(
                params["filename"],
                headers.get("content-type", "application/octet-stream"),
                content,
            )
        else:
            try:
                fields.append((name, content.decode("utf-8")))
            except UnicodeDecodeError:
                raise BodyError(f"field {name} is not UTF-8 text") from None
    return fields, files


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """Parse an ``application/x-www-form-urlencoded`` body strictly (UTF-8)."""
    if not body.strip():
        return []
    try:
        return urllib.parse.parse_qsl(
            body.decode("ascii"), keep_blank_values=True, strict_parsing=True, errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise BodyError("form body is not valid application/x-www-form-urlencoded") from None


def _merge(pairs: Iterable[tuple[str, str]], into: dict[str, str]) -> None:
    for key, value in pairs:
        if key in into:
            raise BodyError(f"parameter {key} given more than once")
        into[key] = value


def _bool(params: Mapping[str, str], key: str, default: bool) -> bool:
    value = params.get(key)
    if value is None:
        return default
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise GraphError(100, f"(#100) Param {key} must be a boolean")


def _fields(
    params: Mapping[str, str], allowed: frozenset[str], node: str, default: str
) -> list[str]:
    wanted = [f.strip() for f in params.get("fields", default).split(",") if f.strip()]
    for f in wanted:
        if f not in allowed:
            raise GraphError(
                100, f"(#100) Tried accessing nonexisting field ({f}) on node type ({node})"
            )
    return wanted


def _check_image(data: bytes) -> tuple[str, int, int]:
    """``(format, width, height)`` of a complete image Pillow can decode, else GraphError."""
    if not data:
        raise GraphError(324, "(#324) Requires upload file")
    if len(data) >= MAX_PHOTO_BYTES:
        raise GraphError(100, "(#100) The image file is too large (maximum 10 MB)")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            fmt, size = str(im.format), im.size
            im.load()  # a truncated file fails here
    except Exception:  # noqa: BLE001 - any decoding failure is "invalid image"
        raise GraphError(324, "(#324) Missing or invalid image file") from None
    if fmt not in ALLOWED_FORMATS:
        raise GraphError(324, f"(#324) Unsupported image format {fmt}")
    return fmt, size[0], size[1]


# ------------------------------------------------------------------------------ the fake


class FakeGraph(FakeServer):
    """The fake server and its state. Thread-safe; start with ``with`` or :meth:`start`.

    ``pages`` maps Page id -> token (or is a list of :class:`FakePage`). ``clock`` returns
    epoch seconds (default ``time.time``) and stamps ``created_time`` and checks
    ``scheduled_publish_time``.
    """

    def __init__(
        self,
        pages: Mapping[str, str] | Iterable[FakePage] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        max_schedule_ahead: int = DEFAULT_MAX_SCHEDULE_AHEAD,
        video_chunk_size: int = DEFAULT_VIDEO_CHUNK,
        app_id: str = "1234567890",
        app_secret: str = "fake-app-secret",
    ) -> None:
        self.host, self.port = host, port
        self.clock = clock
        self.max_schedule_ahead = max_schedule_ahead
        self.video_chunk_size = video_chunk_size
        self.app_id, self.app_secret = app_id, app_secret
        self._lock = threading.RLock()
        self._pages: dict[str, FakePage] = {}
        self._posts: dict[str, FakePost] = {}
        self._photos: dict[str, FakePhoto] = {}
        self._videos: dict[str, FakeVideo] = {}
        self._comments: dict[str, FakeComment] = {}
        self._users: dict[str, FakeUser] = {}  # by token
        self._codes: dict[str, tuple[str, str]] = {}  # code -> (user id, redirect_uri)
        self._faults: list[_Fault] = []
        self._log: list[dict[str, Any]] = []
        self._ids = itertools.count(10_000_000_001)
        self._usage: dict[str, float] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        page_list: list[FakePage] = (
            [FakePage(str(k), v) for k, v in pages.items()]
            if isinstance(pages, Mapping)
            else list(pages)
        )
        for page in page_list:
            self.add_page(page.id, page.token, page.name)

    # -------------------------------------------------------------- lifecycle

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -------------------------------------------------------------- setup

    def add_page(self, page_id: str, token: str, name: str = "Página de prueba") -> None:
        """Add (or replace) a Page with its Page token."""
        with self._lock:
            self._pages[str(page_id)] = FakePage(str(page_id), token, name)

    def add_user(
        self,
        token: str,
        pages: Mapping[str, Iterable[str]],
        *,
        user_id: str = "5550001",
        name: str = "Gestora de Comunidad",
        scopes: Iterable[str] = (
            "pages_show_list",
            "pages_manage_posts",
            "pages_read_engagement",
            "pages_manage_engagement",
            "pages_read_user_content",
        ),
        expires_at: int = 0,
        instagram: Mapping[str, str] | None = None,
    ) -> FakeUser:
        """A user with token ``token`` managing ``pages`` (Page id -> tasks). Pages must
        exist (:meth:`add_page`); ``instagram`` links Page id -> IG user id."""
        with self._lock:
            for pid in pages:
                if str(pid) not in self._pages:
                    raise KeyError(f"unknown page {pid}")
            user = FakeUser(
                user_id,
                name,
                token,
                {str(k): list(v) for k, v in pages.items()},
                list(scopes),
                expires_at,
                {str(k): str(v) for k, v in (instagram or {}).items()},
            )
            self._users[token] = user
            return user

    def set_clock_offset(self, seconds: float) -> None:
        """From now on the fake's clock runs ``seconds`` ahead of real time (for another
        process: scheduled posts then go live without waiting)."""
        with self._lock:
            self.clock = lambda: time.time() + seconds

    def expire_user_token(self, token: str, subcode: int = 463) -> None:
        """From now on the user token answers code 190 with ``subcode``."""
        with self._lock:
            self._users[token].expired_subcode = subcode

    def issue_code(self, token: str, redirect_uri: str) -> str:
        """An OAuth ``code`` (as the login dialog would give) for the user of ``token``,
        valid once and only with the same ``redirect_uri``."""
        with self._lock:
            code = "code-" + secrets.token_urlsafe(12)
            self._codes[code] = (self._users[token].id, redirect_uri)
            return code

    def add_comment(
        self,
        object_id: str,
        message: str,
        *,
        author: tuple[str, str] | None = ("7770001", "Vecina Curiosa"),
        parent: str | None = None,
        at: float | None = None,
    ) -> str:
        """A comment by someone else on a post or video (``parent`` = the comment it
        answers). ``author=None``: a person who did not authorize the app (no ``from``)."""
        with self._lock:
            page_id = self._owner(object_id if parent is None else parent, "POST")
            if parent is not None:
                object_id = self._comments[parent].object_id
            comment = FakeComment(
                self._new_id(),
                object_id,
                page_id,
                parent,
                message,
                author,
                self.clock() if at is None else at,
            )
            self._comments[comment.id] = comment
            return comment.id

    def expire_token(self, page_id: str, subcode: int = 463) -> None:
        """From now on the Page's token answers code 190 with ``subcode`` (463 = expired)."""
        with self._lock:
            self._pages[str(page_id)].expired_subcode = subcode

    def set_usage(
        self,
        call_count: float = 0,
        total_cputime: float = 0,
        total_time: float = 0,
        regain_minutes: float = 0,
    ) -> None:
        """Fix the percentages sent in ``X-App-Usage`` / ``X-Business-Use-Case-Usage``."""
        with self._lock:
            self._usage = {
                "call_count": call_count,
                "total_cputime": total_cputime,
                "total_time": total_time,
                "estimated_time_to_regain_access": regain_minutes,
            }

    def reset(self) -> None:
        """Forget posts, photos, pending faults, usage and the request log (keep Pages)."""
        with self._lock:
            self._posts.clear()
            self._photos.clear()
            self._videos.clear()
            self._comments.clear()
            self._faults.clear()
            self._log.clear()
            self._usage = None
            for page in self._pages.values():
                page.expired_subcode = None

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
        code: int = 1,
        http_status: int | None = None,
        message: str | None = None,
        type: str = "OAuthException",  # noqa: A002 - the envelope's own name
        subcode: int | None = None,
        is_transient: bool | None = None,
        user_title: str | None = None,
        user_msg: str | None = None,
        method: str | None = None,
        times: int = 1,
        regain_minutes: float | None = None,
        retry_after: int | None = None,
        raw_body: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests whose path matches ``path`` (regex searched
        in ``/v25.0/...``, query excluded) with an error, before doing anything.

        The envelope has ``code``/``message``/``subcode``/``is_transient``/``user_*``;
        ``http_status`` defaults to 500 for codes 1 and 2, else 400. ``regain_minutes``
        sets ``estimated_time_to_regain_access`` in the BUC header of that answer;
        ``retry_after`` adds a ``Retry-After`` header; ``raw_body`` replaces the envelope
        with that text (e.g. an HTML 502 page).
        """
        if http_status is None:
            http_status = 500 if code in (1, 2) else 400
        self._add_fault(
            "fail",
            path,
            method,
            times,
            code=code,
            http_status=http_status,
            message=message or DEFAULT_MESSAGES.get(code, f"(#{code}) Injected error"),
            type_=type,
            subcode=subcode,
            is_transient=is_transient,
            user_title=user_title,
            user_msg=user_msg,
            regain_minutes=regain_minutes,
            retry_after=retry_after,
            raw_body=raw_body,
        )

    def drop_after_create_next(self, path: str = "", *, times: int = 1) -> None:
        """The next successful create (POST) matching ``path`` is stored, then the
        connection is closed with no answer ("timed out but created")."""
        self._add_fault("drop_after_create", path, "POST", times)

    def cut_upload_next(self, keep: int, *, times: int = 1) -> None:
        """The next rupload (reel bytes) stores only its first ``keep`` bytes, then the
        connection is closed with no answer (a dropped connection mid-upload)."""
        self._add_fault("cut", r"^/video-upload/", "POST", times, keep=keep)

    def drop_next(self, path: str = "", *, method: str | None = None, times: int = 1) -> None:
        """The next request matching is not processed: the connection is just closed."""
        self._add_fault("drop", path, method, times)

    def delay_next(
        self,
        seconds: float,
        path: str = "",
        *,
        method: str | None = None,
        before: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next matching request ``seconds`` late. With ``before=False`` the
        request is processed first (a create is stored even if the client gives up)."""
        self._add_fault("delay", path, method, times, seconds=seconds, before=before)

    def _take(self, kind: str, method: str, path: str, **match: Any) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind != kind or not fault.matches(method, path):
                    continue
                if any(fault.options.get(k) != v for k, v in match.items()):
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -------------------------------------------------------------- inspection

    def posts(self, page_id: str) -> list[dict[str, Any]]:
        """The Page's posts, oldest first: ``id, message, link, published,
        scheduled_publish_time, created_time, permalink_url, photos`` where ``photos`` is
        a list of ``{id, sha256, size, format, width, height, filename, alt_text, ...}``."""
        with self._lock:
            return [self._post_summary(p) for p in self._posts.values() if p.page_id == page_id]

    def videos(self, page_id: str) -> list[dict[str, Any]]:
        """The Page's videos and reels (``kind``), with byte count and SHA-256 received."""
        with self._lock:
            return [v.summary() for v in self._videos.values() if v.page_id == page_id]

    def comments(self, object_id: str) -> list[dict[str, Any]]:
        """Comments and replies on a post or video, oldest first."""
        with self._lock:
            found = [c for c in self._comments.values() if c.object_id == object_id]
            return [c.summary() for c in sorted(found, key=lambda c: (c.created, c.id))]

    def scheduled(self, page_id: str) -> list[dict[str, Any]]:
        """The Page's posts still waiting for their scheduled time."""
        with self._lock:
            self._tick()
            return [
                self._post_summary(p)
                for p in self._posts.values()
                if p.page_id == page_id and not p.published and p.scheduled_publish_time
            ]

    def photos(self, page_id: str) -> list[dict[str, Any]]:
        """Every photo uploaded to the Page (unpublished and orphaned ones too)."""
        with self._lock:
            return [ph.summary() for ph in self._photos.values() if ph.page_id == page_id]

    def photo_bytes(self, photo_id: str) -> bytes:
        """The exact bytes received for a photo."""
        with self._lock:
            return self._photos[photo_id].data

    def requests(self) -> list[dict[str, Any]]:
        """Log of Graph requests: ``method, path, params`` (token masked, files summarised),
        ``token_in`` ("query" | "body" | "header" | None) and ``status`` (None if dropped)."""
        with self._lock:
            return [dict(e) for e in self._log]

    def state(self) -> dict[str, Any]:
        """JSON-able dump: ``{"pages": {id: {"name", "posts", "photos"}}, "requests"}``."""
        with self._lock:
            return {
                "pages": {
                    pid: {
                        "name": p.name,
                        "posts": self.posts(pid),
                        "photos": self.photos(pid),
                        "videos": self.videos(pid),
                    }
                    for pid, p in self._pages.items()
                },
                "requests": self.requests(),
            }

    def _post_summary(self, post: FakePost) -> dict[str, Any]:
        return {
            "id": post.id,
            "message": post.message,
            "link": post.link,
            "published": post.published,
            "scheduled_publish_time": post.scheduled_publish_time,
            "created_time": graph_time(post.created),
            "permalink_url": post.permalink,
            "photos": [self._photos[i].summary() for i in post.photo_ids if i in self._photos],
        }

    # -------------------------------------------------------------- HTTP plumbing

    def _headers(self, page_id: str | None) -> dict[str, str]:
        with self._lock:
            n = len(self._log)
            usage = self._usage or {
                "call_count": min(99, n),
                "total_cputime": min(99, n // 2),
                "total_time": min(99, n // 2),
                "estimated_time_to_regain_access": 0,
            }
        app = {k: usage[k] for k in ("call_count", "total_cputime", "total_time")}
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "facebook-api-version": "v25.0",
            "x-fb-trace-id": secrets.token_urlsafe(8),
            "x-fb-request-id": secrets.token_urlsafe(12),
            "X-App-Usage": json.dumps(app),
        }
        if page_id:
            headers["X-Business-Use-Case-Usage"] = json.dumps(
                {page_id: [{"type": "pages", **usage}]}
            )
        return headers

    def _json_reply(
        self, status: int, body: Any, page_id: str | None = None, created: bool = False
    ) -> _Reply:
        return _Reply(status, json.dumps(body).encode(), self._headers(page_id), created)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request (used by the HTTP handler): a reply or ``_DROP``."""
        split = urllib.parse.urlsplit(target)
        path = split.path
        if path.startswith("/__fake__/"):
            return self._control(method, path, body)
        entry: dict[str, Any] = {"method": method, "path": path, "status": None}
        with self._lock:
            self._log.append(entry)
        page_hint = path.split("/")[2].split("_")[0] if path.count("/") >= 2 else None
        delay = self._take("delay", method, path, before=True)
        if delay:
            time.sleep(delay.options["seconds"])
        if self._take("drop", method, path):
            return _DROP
        fail = self._take("fail", method, path)
        if fail:
            reply = self._fault_reply(fail, page_hint)
        elif path.startswith("/video-upload/"):
            upload = self._rupload(method, path, headers, body, entry)
            if not isinstance(upload, _Reply):
                return upload
            reply = upload
        else:
            try:
                reply = self._graph(method, path, split.query, headers, body, entry)
            except GraphError as err:
                reply = self._json_reply(err.http_status, err.body, page_hint)
        entry["status"] = reply.status
        if reply.created and self._take("drop_after_create", method, path):
            entry["status"] = None
            return _DROP
        delay = self._take("delay", method, path, before=False)
        if delay:
            time.sleep(delay.options["seconds"])
        return reply

    def _fault_reply(self, fault: _Fault, page_hint: str | None) -> _Reply:
        o = fault.options
        headers = self._headers(page_hint)
        if o["regain_minutes"] is not None:
            usage = {"type": "pages", "call_count": 100, "total_cputime": 100, "total_time": 100}
            usage["estimated_time_to_regain_access"] = o["regain_minutes"]
            headers["X-Business-Use-Case-Usage"] = json.dumps({page_hint or "0": [usage]})
        if o["retry_after"] is not None:
            headers["Retry-After"] = str(o["retry_after"])
        if o["raw_body"] is not None:
            headers["Content-Type"] = "text/html; charset=UTF-8"
            return _Reply(o["http_status"], o["raw_body"].encode(), headers)
        body = envelope(
            o["message"],
            o["code"],
            type_=o["type_"],
            subcode=o["subcode"],
            is_transient=o["is_transient"],
            user_title=o["user_title"],
            user_msg=o["user_msg"],
        )
        return _Reply(o["http_status"], json.dumps(body).encode(), headers)

    # -------------------------------------------------------------- control API

    def _control(self, method: str, path: str, body: bytes) -> _Reply:
        name = path[len("/__fake__/") :]
        try:
            if method == "GET" and name == "state":
                return _Reply(200, json.dumps(self.state()).encode(), self._headers(None))
            if method == "GET" and name == "requests":
                return _Reply(200, json.dumps(self.requests()).encode(), self._headers(None))
            if method == "GET" and name.startswith("photos/"):
                data = self.photo_bytes(name.split("/", 1)[1])
                return _Reply(200, data, {"Content-Type": "application/octet-stream"})
            if method != "POST":
                raise KeyError(name)
            args = json.loads(body or b"{}")
            if not isinstance(args, dict):
                raise TypeError("JSON object expected")
            actions: dict[str, Callable[..., None]] = {
                "fail": self.fail_next,
                "drop_after_create": self.drop_after_create_next,
                "drop": self.drop_next,
                "delay": self.delay_next,
                "pages": self.add_page,
                "expire_token": self.expire_token,
                "usage": self.set_usage,
                "reset": self.reset,
                "cut_upload": self.cut_upload_next,
                "expire_user_token": self.expire_user_token,
                "clock_offset": self.set_clock_offset,
            }
            results: dict[str, Callable[..., str]] = {
                "comment": self.add_comment,
                "issue_code": self.issue_code,
                "user": lambda **kw: self.add_user(**kw).id,
            }
            if name in results:
                value = results[name](**args)
                return _Reply(
                    200,
                    json.dumps({"ok": True, "id": value}).encode(),
                    {"Content-Type": "application/json"},
                )
            if name == "pages":
                args = {"page_id": args.pop("id", args.pop("page_id", None)), **args}
            actions[name](**args)
            return _Reply(200, b'{"ok": true}', {"Content-Type": "application/json"})
        except (KeyError, TypeError, ValueError, re.error) as exc:
            msg = json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            return _Reply(400, msg.encode(), {"Content-Type": "application/json"})

    # -------------------------------------------------------------- Graph API

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
            raise GraphError(
                2500, f"Unknown path components: {path}", http_status=404, type_="OAuthException"
            )
        parts = [p for p in (m.group(2) or "").split("/") if p]
        params: dict[str, str] = {}
        try:
            _merge(
                urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)),
                params,
            )
        except ValueError:
            raise BodyError("malformed query string") from None
        token_in = "query" if "access_token" in params else None
        files: dict[str, Upload] = {}
        ctype = headers.get("content-type", "")
        if body:
            if method not in ("POST", "DELETE"):
                raise BodyError(f"a {method} request must not have a body")
            if ctype.lower().startswith("application/x-www-form-urlencoded"):
                pairs = parse_form(body)
            elif ctype.lower().startswith("multipart/form-data"):
                pairs, files = parse_multipart(body, ctype)
            else:
                raise BodyError(f"unsupported Content-Type {ctype or '(none)'}")
            token_in = token_in or ("body" if any(k == "access_token" for k, _ in pairs) else None)
            _merge(pairs, params)
        auth = headers.get("authorization", "")
        if auth and "access_token" not in params:
            scheme, _, cred = auth.partition(" ")
            if scheme.lower() in ("oauth", "bearer") and cred.strip():
                params["access_token"] = cred.strip()
                token_in = "header"
        entry["token_in"] = token_in
        entry["params"] = {
            k: ("***" if k == "access_token" else v if len(v) < 2000 else v[:2000] + "...")
            for k, v in params.items()
        }
        entry["files"] = {
            k: {"filename": f.filename, "content_type": f.content_type, "size": len(f.data)}
            for k, f in files.items()
        }
        token = params.pop("access_token", "")
        if not parts:
            raise GraphError(100, f"(#100) Unsupported {method.lower()} request.")
        with self._lock:
            self._tick()
            if parts == ["oauth", "access_token"] and method == "GET":
                return self._oauth(params, token)
            if parts == ["debug_token"] and method == "GET":
                return self._debug_token(params, token)
            user = self._user(token)
            if user is not None:
                return self._user_request(user, method, parts, params)
            page = self._authorize(token)
            if parts[0] == "me":
                parts = [page.id, *parts[1:]]
            obj_id = parts[0]
            owner = self._owner(obj_id, method)
            if owner != page.id:
                raise GraphError(100, OBJECT_MISSING)
            if method == "GET" and len(parts) == 1:
                return self._get_node(obj_id, params, page.id)
            if method == "DELETE" and len(parts) == 1 and obj_id != page.id:
                return self._delete(obj_id, params, page.id)
            if method == "POST" and len(parts) == 1 and obj_id != page.id:
                return self._update_node(obj_id, params, files, page)
            if len(parts) == 2 and obj_id != page.id and parts[1] == "comments":
                if method == "GET":
                    return self._get_comments(obj_id, params, page)
                if method == "POST":
                    return self._post_comment(obj_id, params, files, page)
            if len(parts) == 2 and obj_id == page.id:
                edge = parts[1]
                if method == "GET" and edge in ("feed", "published_posts", "scheduled_posts"):
                    return self._get_feed(page, edge, params)
                if method == "POST" and edge == "feed":
                    return self._post_feed(page, params, files)
                if method == "POST" and edge == "photos":
                    return self._post_photo(page, params, files)
                if method == "POST" and edge == "videos":
                    return self._post_video(page, params, files)
                if method == "POST" and edge == "video_reels":
                    return self._post_reel(page, params, files)
                if edge not in (
                    "feed",
                    "published_posts",
                    "scheduled_posts",
                    "photos",
                    "videos",
                    "video_reels",
                ):
                    raise GraphError(
                        100,
                        f"(#100) Tried accessing nonexisting field ({edge}) on node type (Page)",
                    )
            raise GraphError(
                100,
                f"Unsupported {method.lower()} request. Object with ID '{obj_id}' does not"
                " support this operation.",
                type_="GraphMethodException",
            )

    def _authorize(self, token: str) -> FakePage:
        if not token:
            raise GraphError(190, "An active access token must be used to query information.")
        for page in self._pages.values():
            if secrets.compare_digest(page.token.encode(), token.encode()):
                if page.expired_subcode is not None:
                    raise GraphError(
                        190,
                        "Error validating access token: Session has expired.",
                        subcode=page.expired_subcode,
                    )
                return page
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")

    def _owner(self, obj_id: str, method: str) -> str:
        if obj_id in self._pages:
            return obj_id
        if obj_id in self._posts:
            return self._posts[obj_id].page_id
        if obj_id in self._photos:
            return self._photos[obj_id].page_id
        if obj_id in self._videos:
            return self._videos[obj_id].page_id
        if obj_id in self._comments:
            return self._comments[obj_id].page_id
        raise GraphError(100, OBJECT_MISSING)

    def _no_extra(self, params: Mapping[str, str], allowed: Iterable[str]) -> None:
        extra = sorted(set(params) - set(allowed))
        if extra:
            raise GraphError(100, f"(#100) Unknown parameter: {extra[0]}")

    # GET ------------------------------------------------------------------

    def _get_node(self, obj_id: str, params: Mapping[str, str], page_id: str) -> _Reply:
        self._no_extra(params, ("fields",))
        if obj_id in self._pages:
            page = self._pages[obj_id]
            values = {
                "id": page.id,
                "name": page.name,
                "link": f"{WEB}/{page.id}",
                "category": "Government Organization",
            }
            wanted = _fields(params, PAGE_FIELDS, "Page", "id,name")
            return self._json_reply(200, {f: values[f] for f in wanted}, page_id)
        if obj_id in self._posts:
            wanted = _fields(params, POST_FIELDS, "Post", "created_time,message,id")
            return self._json_reply(200, self._render_post(self._posts[obj_id], wanted), page_id)
        if obj_id in self._videos:
            video = self._videos[obj_id]
            wanted = _fields(params, VIDEO_FIELDS, "Video", "created_time,id")
            return self._json_reply(200, self._render_video(video, wanted), page_id)
        if obj_id in self._comments:
            wanted = _fields(params, COMMENT_FIELDS, "Comment", "created_time,from,message,id")
            return self._json_reply(
                200, self._render_comment(self._comments[obj_id], wanted), page_id
            )
        photo = self._photos[obj_id]
        wanted = _fields(params, PHOTO_FIELDS, "Photo", "created_time,id")
        pvalues: dict[str, Any] = {
            "id": photo.id,
            "alt_text_custom": photo.alt_text,
            "created_time": graph_time(photo.created),
            "name": self._posts[photo.post_id].message if photo.post_id in self._posts else None,
            "width": photo.width,
            "height": photo.height,
            "link": f"{WEB}/photo/?fbid={photo.id}",
            "page_story_id": photo.post_id,
        }
        return self._json_reply(
            200, {f: pvalues[f] for f in wanted if pvalues[f] is not None}, page_id
        )

    def _render_post(self, post: FakePost, wanted: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": post.id,
            "message": post.message or None,
            "created_time": graph_time(post.created),
            "updated_time": graph_time(post.created),
            "permalink_url": post.permalink,
            "link": post.link,
            "is_published": post.published,
            "scheduled_publish_time": post.scheduled_publish_time,
            "status_type": (
                "added_photos"
                if post.photo_ids
                else "shared_story"
                if post.link
                else "mobile_status_update"
            ),
        }
        if post.photo_ids:
            values["attachments"] = {
                "data": [
                    {
                        "media_type": "photo",
                        "target": {"id": pid},
                        "description": (
                            self._photos[pid].alt_text if pid in self._photos else None
                        ),
                    }
                    for pid in post.photo_ids
                ]
            }
        return {f: values[f] for f in wanted if values.get(f) is not None}

    def _get_feed(self, page: FakePage, edge: str, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, ("fields", "limit", "after", "before"))
        wanted = _fields(params, POST_FIELDS, "Post", "created_time,message,id")
        try:
            limit = int(params.get("limit", "25"))
        except ValueError:
            raise GraphError(100, "(#100) The parameter limit must be an integer") from None
        if not 1 <= limit <= 100:
            raise GraphError(100, "(#100) The parameter limit must be between 1 and 100")
        scheduled = edge == "scheduled_posts"
        posts = sorted(
            (
                p
                for p in self._posts.values()
                if p.page_id == page.id
                and (
                    (not p.published and p.scheduled_publish_time is not None)
                    if scheduled
                    else p.published
                )
            ),
            key=lambda p: (p.created, p.id),
            reverse=True,
        )
        start = 0
        if "after" in params:
            start = self._cursor_index(posts, params["after"]) + 1
        if "before" in params:
            end = self._cursor_index(posts, params["before"])
            start = max(0, end - limit)
            posts = posts[:end]
        chunk = posts[start : start + limit]
        body: dict[str, Any] = {"data": [self._render_post(p, wanted) for p in chunk]}
        if chunk:
            cursors = {"before": self._cursor(chunk[0]), "after": self._cursor(chunk[-1])}
            body["paging"] = {"cursors": cursors}
            if start + limit < len(posts):
                query = urllib.parse.urlencode(
                    {
                        "access_token": page.token,
                        "fields": ",".join(wanted),
                        "limit": limit,
                        "after": cursors["after"],
                    }
                )
                body["paging"]["next"] = f"{self.url}/v25.0/{page.id}/{edge}?{query}"
        return self._json_reply(200, body, page.id)

    @staticmethod
    def _cursor(post: FakePost) -> str:
        return base64.urlsafe_b64encode(post.id.encode()).decode().rstrip("=")

    def _cursor_index(self, posts: list[FakePost], cursor: str) -> int:
        try:
            post_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            raise GraphError(100, "(#100) Invalid cursor") from None
        for i, post in enumerate(posts):
            if post.id == post_id:
                return i
        raise GraphError(100, "(#100) Invalid cursor")

    # POST -----------------------------------------------------------------

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _schedule(self, params: Mapping[str, str], published: bool) -> int | None:
        raw = params.get("scheduled_publish_time")
        if raw is None:
            return None
        if published:
            raise GraphError(
                100, "(#100) Cannot specify a scheduled publish time on a published post"
            )
        try:
            when = (
                int(raw) if raw.strip().isdigit() else int(datetime.fromisoformat(raw).timestamp())
            )
        except ValueError:
            raise GraphError(
                100, "(#100) The specified scheduled publish time is invalid."
            ) from None
        now = self.clock()
        if when < now + MIN_SCHEDULE_LEAD or when > now + self.max_schedule_ahead:
            raise GraphError(100, "(#100) The specified scheduled publish time is invalid.")
        return when

    def _last_post(self, page_id: str) -> FakePost | None:
        mine = [p for p in self._posts.values() if p.page_id == page_id]
        return max(mine, key=lambda p: (p.created, p.id)) if mine else None

    def _post_feed(
        self, page: FakePage, params: dict[str, str], files: Mapping[str, Upload]
    ) -> _Reply:
        if files:
            raise BodyError("the feed edge takes no file upload")
        media_keys = sorted(k for k in params if k.startswith("attached_media"))
        for key in media_keys:
            if not re.fullmatch(r"attached_media\[\d+\]", key):
                raise GraphError(100, f"(#100) Unknown parameter: {key}")
        self._no_extra(
            {k: v for k, v in params.items() if k not in media_keys},
            ("message", "link", "published", "scheduled_publish_time"),
        )
        message = params.get("message", "")
        link = params.get("link")
        if not message.strip() and not link and not media_keys:
            raise GraphError(100, "(#100) Missing message or attachment")
        if len(message) > MAX_MESSAGE_CHARS:
            raise GraphError(100, "(#100) The message is too long")
        if link is not None:
            parsed = urllib.parse.urlsplit(link)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise GraphError(100, "(#100) The link URL is not properly formatted")
            if media_keys:
                raise GraphError(100, "(#100) A post cannot have both a link and attached media")
        published = _bool(params, "published", True)
        scheduled = self._schedule(params, published)
        photo_ids: list[str] = []
        indexes = sorted(int(k[len("attached_media[") : -1]) for k in media_keys)
        if indexes != list(range(len(indexes))):
            raise GraphError(100, "(#100) attached_media indexes must be 0, 1, 2, ...")
        for i in indexes:
            key = f"attached_media[{i}]"
            try:
                spec = json.loads(params[key])
            except ValueError:
                raise GraphError(100, f"(#100) param {key} must be JSON") from None
            fbid = spec.get("media_fbid") if isinstance(spec, dict) else None
            photo = self._photos.get(str(fbid)) if fbid is not None else None
            if (
                photo is None
                or photo.page_id != page.id
                or photo.published
                or photo.post_id is not None
                or str(fbid) in photo_ids
            ):
                raise GraphError(
                    100, f"(#100) param {key} must reference an unpublished photo of this Page"
                )
            if scheduled is not None and not photo.temporary:
                # platforms.md: "add temporary=true when the parent post is scheduled"
                raise GraphError(
                    100, f"(#100) param {key}: a scheduled post needs photos uploaded temporary"
                )
            photo_ids.append(str(fbid))
        last = self._last_post(page.id)
        if message.strip() and last is not None and last.message == message:
            raise GraphError(506, DEFAULT_MESSAGES[506])
        post = FakePost(
            f"{page.id}_{self._new_id()}",
            page.id,
            message or None,
            link,
            photo_ids,
            self.clock(),
            published=published and scheduled is None,
            scheduled_publish_time=scheduled,
        )
        self._posts[post.id] = post
        for pid in photo_ids:
            self._photos[pid].post_id = post.id
        return self._json_reply(200, {"id": post.id}, page.id, created=True)

    def _post_photo(
        self, page: FakePage, params: dict[str, str], files: Mapping[str, Upload]
    ) -> _Reply:
        self._no_extra(
            params,
            ("message", "caption", "alt_text_custom", "published", "temporary", "url", "no_story"),
        )
        if set(files) - {"source"}:
            raise BodyError(f"unexpected file field {sorted(set(files) - {'source'})[0]}")
        upload = files.get("source")
        url = params.get("url")
        if (upload is None) == (url is None):
            raise GraphError(324, "(#324) Requires upload file")
        if upload is not None:
            data, filename = upload.data, upload.filename
        else:
            assert url is not None
            data, filename = self._fetch(url), url.rsplit("/", 1)[-1]
        fmt, width, height = _check_image(data)
        published = _bool(params, "published", True)
        temporary = _bool(params, "temporary", False)
        if temporary and published:
            raise GraphError(100, "(#100) temporary requires published=false")
        message = params.get("message", params.get("caption", ""))
        if len(message) > MAX_MESSAGE_CHARS:
            raise GraphError(100, "(#100) The message is too long")
        photo = FakePhoto(
            self._new_id(),
            page.id,
            data,
            fmt,
            width,
            height,
            filename,
            params.get("alt_text_custom"),
            published,
            temporary,
            self.clock(),
        )
        self._photos[photo.id] = photo
        if not published:
            return self._json_reply(200, {"id": photo.id}, page.id, created=True)
        post = FakePost(
            f"{page.id}_{self._new_id()}", page.id, message or None, None, [photo.id], photo.created
        )
        self._posts[post.id] = post
        photo.post_id = post.id
        return self._json_reply(200, {"id": photo.id, "post_id": post.id}, page.id, created=True)

    @staticmethod
    def _fetch(url: str) -> bytes:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise GraphError(100, "(#100) url should represent a valid URL")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - test fake
                return bytes(resp.read(MAX_PHOTO_BYTES + 1))
        except OSError:
            raise GraphError(324, "(#324) Missing or invalid image file") from None

    # scheduled posts -------------------------------------------------------

    def _tick(self) -> None:
        """Publish every scheduled post whose time has come (by :attr:`clock`)."""
        now = self.clock()
        for post in self._posts.values():
            when = post.scheduled_publish_time
            if not post.published and when is not None and when <= now:
                post.published = True
                post.created = float(when)

    def _update_node(
        self, obj_id: str, params: dict[str, str], files: Mapping[str, Upload], page: FakePage
    ) -> _Reply:
        if files:
            raise BodyError("this node takes no file upload")
        if obj_id in self._comments:
            self._no_extra(params, ("is_hidden", "message"))
            comment = self._comments[obj_id]
            if "is_hidden" in params:
                if comment.author is not None and comment.author[0] == page.id:
                    raise GraphError(100, "(#100) A Page cannot hide its own comments")
                comment.hidden = _bool(params, "is_hidden", False)
            if "message" in params:
                if comment.author is None or comment.author[0] != page.id:
                    raise GraphError(200, DEFAULT_MESSAGES[200])
                comment.message = params["message"]
            if not params:
                raise GraphError(100, "(#100) Nothing to update")
            return self._json_reply(200, {"success": True}, page.id)
        if obj_id not in self._posts:
            raise GraphError(
                100,
                f"Unsupported post request. Object with ID '{obj_id}' does not support"
                " this operation.",
                type_="GraphMethodException",
            )
        self._no_extra(params, ("message", "scheduled_publish_time", "is_published"))
        post = self._posts[obj_id]
        if "scheduled_publish_time" in params:
            if post.published:
                raise GraphError(
                    100, "(#100) Cannot specify a scheduled publish time on a published post"
                )
            post.scheduled_publish_time = self._schedule(params, False)
        if "is_published" in params and _bool(params, "is_published", False):
            if post.published:
                raise GraphError(100, "(#100) The post is already published")
            post.published, post.scheduled_publish_time = True, None
            post.created = self.clock()
        if "message" in params:
            if len(params["message"]) > MAX_MESSAGE_CHARS:
                raise GraphError(100, "(#100) The message is too long")
            post.message = params["message"] or None
        if not params:
            raise GraphError(100, "(#100) Nothing to update")
        return self._json_reply(200, {"success": True}, page.id)

    # comments -----------------------------------------------------------------

    def _render_comment(self, comment: FakeComment, wanted: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": comment.id,
            "message": comment.message,
            "created_time": graph_time(comment.created),
            "is_hidden": comment.hidden,
            "like_count": 0,
            "permalink_url": f"{WEB}/{comment.object_id}?comment_id={comment.id}",
            "comment_count": sum(1 for c in self._comments.values() if c.parent_id == comment.id),
        }
        if comment.author is not None:
            values["from"] = {"id": comment.author[0], "name": comment.author[1]}
        if comment.parent_id is not None:
            parent = self._comments.get(comment.parent_id)
            values["parent"] = {
                "id": comment.parent_id,
                "message": parent.message if parent else "",
                "created_time": graph_time(parent.created if parent else comment.created),
            }
        return {f: values[f] for f in wanted if f in values}

    def _get_comments(self, obj_id: str, params: Mapping[str, str], page: FakePage) -> _Reply:
        self._no_extra(params, ("fields", "filter", "order", "limit", "after", "before", "since"))
        if obj_id in self._photos:
            raise GraphError(100, "(#100) Comment on the photo's post, not the photo")
        wanted = _fields(params, COMMENT_FIELDS, "Comment", "created_time,from,message,id")
        filter_ = params.get("filter", "toplevel")
        if filter_ not in ("toplevel", "stream"):
            raise GraphError(100, "(#100) filter must be one of {toplevel, stream}")
        order = params.get("order", "chronological")
        if order not in ("chronological", "reverse_chronological"):
            raise GraphError(
                100, "(#100) order must be one of {chronological, reverse_chronological}"
            )
        try:
            limit = int(params.get("limit", "25"))
        except ValueError:
            raise GraphError(100, "(#100) The parameter limit must be an integer") from None
        if not 1 <= limit <= 100:
            raise GraphError(100, "(#100) The parameter limit must be between 1 and 100")
        if obj_id in self._comments:
            items = [c for c in self._comments.values() if c.parent_id == obj_id]
        elif filter_ == "stream":
            items = [c for c in self._comments.values() if c.object_id == obj_id]
        else:
            items = [
                c for c in self._comments.values() if c.object_id == obj_id and not c.parent_id
            ]
        items.sort(key=lambda c: (c.created, int(c.id)), reverse=order != "chronological")
        start = 0
        if "after" in params:
            start = self._comment_cursor(items, params["after"]) + 1
        if "before" in params:
            end = self._comment_cursor(items, params["before"])
            start = max(0, end - limit)
            items = items[:end]
        chunk = items[start : start + limit]
        body: dict[str, Any] = {"data": [self._render_comment(c, wanted) for c in chunk]}
        if chunk:
            cursors = {
                "before": self._b64(chunk[0].id),
                "after": self._b64(chunk[-1].id),
            }
            body["paging"] = {"cursors": cursors}
            if start + limit < len(items):
                query = {**params, "access_token": page.token, "after": cursors["after"]}
                query.pop("before", None)
                body["paging"]["next"] = (
                    f"{self.url}/v25.0/{obj_id}/comments?{urllib.parse.urlencode(query)}"
                )
        body["summary"] = {"order": order, "total_count": len(items)}
        return self._json_reply(200, body, page.id)

    @staticmethod
    def _b64(value: str) -> str:
        return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")

    def _comment_cursor(self, items: list[FakeComment], cursor: str) -> int:
        try:
            cid = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            raise GraphError(100, "(#100) Invalid cursor") from None
        for i, comment in enumerate(items):
            if comment.id == cid:
                return i
        raise GraphError(100, "(#100) Invalid cursor")

    def _post_comment(
        self, obj_id: str, params: dict[str, str], files: Mapping[str, Upload], page: FakePage
    ) -> _Reply:
        if files:
            raise BodyError("comments take no file upload here")
        self._no_extra(params, ("message",))
        message = params.get("message", "")
        if not message.strip():
            raise GraphError(100, "(#100) Missing message or attachment")
        if len(message) > 8000:
            raise GraphError(100, "(#100) The message is too long")
        parent: str | None = None
        if obj_id in self._comments:
            target = self._comments[obj_id]
            if target.parent_id is not None:
                raise GraphError(100, "(#100) A reply cannot be replied to; answer its thread")
            parent, object_id = obj_id, target.object_id
        elif obj_id in self._posts:
            post = self._posts[obj_id]
            if not post.published:
                raise GraphError(100, "(#100) Cannot comment on an unpublished post")
            object_id = obj_id
        elif obj_id in self._videos:
            if not self._videos[obj_id].published:
                raise GraphError(100, "(#100) Cannot comment on an unpublished video")
            object_id = obj_id
        else:
            raise GraphError(100, OBJECT_MISSING)
        comment = FakeComment(
            self._new_id(), object_id, page.id, parent, message, (page.id, page.name), self.clock()
        )
        self._comments[comment.id] = comment
        return self._json_reply(200, {"id": comment.id}, page.id, created=True)

    # videos and reels ------------------------------------------------------------

    def _video_status(self, video: FakeVideo) -> dict[str, Any]:
        complete = video.file_size is not None and video.received >= video.file_size
        uploading = "complete" if complete else "in_progress" if video.received else "not_started"
        if video.finished:
            publish_status = "published" if video.published else "scheduled"
            return {
                "video_status": "ready",
                "uploading_phase": {"status": "complete", "bytes_transferred": video.received},
                "processing_phase": {"status": "complete"},
                "publishing_phase": {"status": "complete", "publish_status": publish_status},
            }
        # A reel is processed as soon as its bytes are in (UNVERIFIED); a Page video only
        # after its finish call. Neither is published before the finish call.
        processing = "in_progress" if complete and video.kind == "reel" else "not_started"
        return {
            "video_status": "upload_complete" if complete else "uploading",
            "uploading_phase": {"status": uploading, "bytes_transferred": video.received},
            "processing_phase": {"status": processing},
            "publishing_phase": {"status": "not_started"},
        }

    def _render_video(self, video: FakeVideo, wanted: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": video.id,
            "title": video.title,
            "description": video.description,
            "permalink_url": video.permalink,
            "published": video.published,
            "created_time": graph_time(video.created),
            "updated_time": graph_time(video.created),
            "status": self._video_status(video),
            "length": 12.891,
            "scheduled_publish_time": video.scheduled_publish_time,
        }
        return {f: values[f] for f in wanted if values.get(f) is not None}

    def _int_param(self, params: Mapping[str, str], key: str) -> int:
        raw = params.get(key)
        if raw is None:
            raise GraphError(100, f"(#100) The parameter {key} is required")
        if not raw.isdigit():
            raise GraphError(100, f"(#100) Param {key} must be an integer")
        return int(raw)

    def _session(self, page: FakePage, params: Mapping[str, str]) -> FakeVideo:
        sid = params.get("upload_session_id")
        for video in self._videos.values():
            if video.session_id is not None and video.session_id == sid:
                if video.page_id != page.id:
                    break
                return video
        raise GraphError(100, "(#100) Invalid upload_session_id")

    def _next_range(self, video: FakeVideo) -> dict[str, str]:
        size = video.file_size or 0
        end = min(video.received + self.video_chunk_size, size)
        return {"start_offset": str(video.received), "end_offset": str(end)}

    @staticmethod
    def _check_video_format(video: FakeVideo) -> None:
        if video.head[4:8] != b"ftyp":
            raise GraphError(
                352,
                "(#352) Sorry, the video file you selected is in a format that we don't support.",
            )

    def _post_video(
        self, page: FakePage, params: dict[str, str], files: Mapping[str, Upload]
    ) -> _Reply:
        phase = params.get("upload_phase")
        if phase == "start":
            if files:
                raise BodyError("the start phase takes no file")
            self._no_extra(params, ("upload_phase", "file_size"))
            size = self._int_param(params, "file_size")
            if not 0 < size <= MAX_VIDEO_BYTES:
                raise GraphError(
                    6000, "(#6000) There was a problem uploading your video file", subcode=1363023
                )
            video = FakeVideo(self._new_id(), page.id, "video", self.clock(), file_size=size)
            video.session_id = self._new_id()
            self._videos[video.id] = video
            body = {
                "video_id": video.id,
                "upload_session_id": video.session_id,
                **self._next_range(video),
            }
            return self._json_reply(200, body, page.id)
        if phase == "transfer":
            self._no_extra(params, ("upload_phase", "upload_session_id", "start_offset"))
            if set(files) != {"video_file_chunk"}:
                raise BodyError("the transfer phase takes exactly one file: video_file_chunk")
            video = self._session(page, params)
            if video.finished:
                raise GraphError(100, "(#100) The upload session is finished")
            start = self._int_param(params, "start_offset")
            expected = self._next_range(video)
            if start != video.received:
                raise GraphError(
                    6001,
                    "(#6001) There was a problem uploading your video file. Please try again.",
                    subcode=UPLOAD_OFFSET_SUBCODE,
                    error_data={
                        "start_offset": int(expected["start_offset"]),
                        "end_offset": int(expected["end_offset"]),
                    },
                )
            data = files["video_file_chunk"].data
            limit = int(expected["end_offset"]) - start
            if not data or len(data) > limit:
                raise GraphError(
                    6001,
                    f"(#6001) The chunk must hold 1 to {limit} bytes from offset {start}",
                )
            if start == 0:
                video.head = data[:12]
            video.hasher.update(data)
            video.received += len(data)
            return self._json_reply(200, self._next_range(video), page.id, created=True)
        if phase == "finish":
            if files:
                raise BodyError("the finish phase takes no file")
            self._no_extra(
                params,
                (
                    "upload_phase",
                    "upload_session_id",
                    "title",
                    "description",
                    "published",
                    "scheduled_publish_time",
                ),
            )
            video = self._session(page, params)
            if video.received != video.file_size:
                raise GraphError(6001, "(#6001) The upload is not complete", subcode=1363019)
            self._check_video_format(video)
            published = _bool(params, "published", True)
            scheduled = self._schedule(params, published)
            if video.finished:
                raise GraphError(100, "(#100) The upload session is already finished")
            video.finish_calls += 1
            video.finished, video.published = True, published and scheduled is None
            video.scheduled_publish_time = scheduled
            video.title, video.description = params.get("title"), params.get("description")
            video.created = self.clock()
            return self._json_reply(200, {"success": True}, page.id, created=True)
        if files or "source" in params or "file_url" in params:
            raise GraphError(100, "(#100) This fake takes only the resumable upload_phase flow")
        raise GraphError(100, "(#100) upload_phase must be one of {start, transfer, finish}")

    def _post_reel(
        self, page: FakePage, params: dict[str, str], files: Mapping[str, Upload]
    ) -> _Reply:
        if files:
            raise BodyError("video_reels takes no file: upload the bytes to rupload")
        phase = params.get("upload_phase")
        if phase == "start":
            self._no_extra(params, ("upload_phase",))
            video = FakeVideo(self._new_id(), page.id, "reel", self.clock())
            self._videos[video.id] = video
            url = f"https://rupload.facebook.com/video-upload/v25.0/{video.id}"
            return self._json_reply(200, {"video_id": video.id, "upload_url": url}, page.id)
        if phase == "finish":
            self._no_extra(
                params,
                (
                    "upload_phase",
                    "video_id",
                    "video_state",
                    "description",
                    "title",
                    "scheduled_publish_time",
                ),
            )
            found = self._videos.get(params.get("video_id", ""))
            if found is None or found.kind != "reel" or found.page_id != page.id:
                raise GraphError(100, "(#100) Invalid video_id")
            video = found
            state = params.get("video_state")
            if state not in ("PUBLISHED", "DRAFT", "SCHEDULED"):
                raise GraphError(100, "(#100) video_state must be PUBLISHED, DRAFT or SCHEDULED")
            if video.file_size is None or video.received != video.file_size:
                raise GraphError(6001, "(#6001) The upload is not complete", subcode=1363019)
            self._check_video_format(video)
            if video.finished:
                raise GraphError(100, "(#100) The reel is already published")
            day_ago = self.clock() - 86400
            recent = [
                v
                for v in self._videos.values()
                if v.kind == "reel" and v.page_id == page.id and v.finished and v.created > day_ago
            ]
            if state != "DRAFT" and len(recent) >= REELS_PER_DAY:
                # Reels guide: "limited to 30 API-published posts within a 24-hour moving
                # period"; the error code is UNVERIFIED (32 = Page request limit).
                raise GraphError(32, "(#32) Page request limit reached: 30 reels a day")
            scheduled = None
            if state == "SCHEDULED":
                scheduled = self._schedule(params, False)
            elif "scheduled_publish_time" in params:
                raise GraphError(100, "(#100) scheduled_publish_time needs video_state=SCHEDULED")
            video.finish_calls += 1
            video.finished = state != "DRAFT"
            video.published = state == "PUBLISHED"
            video.scheduled_publish_time = scheduled
            video.description = params.get("description")
            video.title = params.get("title")
            video.created = self.clock()
            return self._json_reply(200, {"success": True}, page.id, created=True)
        raise GraphError(100, "(#100) upload_phase must be one of {start, finish}")

    def _rupload(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        entry: dict[str, Any],
    ) -> _Reply | object:
        """``POST /video-upload/{v}/{video-id}``: headers ``Authorization: OAuth <token>``,
        ``offset``, ``file_size``; the raw bytes as the body."""

        def refuse(status: int, kind: str, message: str) -> _Reply:
            payload = {"debug_info": {"retriable": False, "type": kind, "message": message}}
            return _Reply(status, json.dumps(payload).encode(), self._headers(None))

        entry["params"] = {
            "offset": headers.get("offset"),
            "file_size": headers.get("file_size"),
            "bytes": len(body),
        }
        m = re.fullmatch(r"/video-upload/v\d+\.0/(\d+)", path)
        if method != "POST" or not m:
            return refuse(404, "NotFoundError", "Unknown upload path")
        scheme, _, cred = headers.get("authorization", "").partition(" ")
        entry["token_in"] = "header" if cred else None
        if scheme != "OAuth" or not cred.strip():
            return refuse(401, "AuthError", "Authorization: OAuth <token> is required")
        with self._lock:
            try:
                page = self._authorize(cred.strip())
            except GraphError:
                return refuse(401, "AuthError", "Invalid OAuth access token")
            video = self._videos.get(m.group(1))
            if video is None or video.kind != "reel" or video.page_id != page.id:
                return refuse(400, "ProcessingFailedError", "Unknown video id")
            raw_offset, raw_size = headers.get("offset", ""), headers.get("file_size", "")
            if not raw_offset.isdigit() or not raw_size.isdigit():
                return refuse(400, "ProcessingFailedError", "offset and file_size headers needed")
            offset, size = int(raw_offset), int(raw_size)
            if video.file_size is None:
                if not 0 < size <= MAX_VIDEO_BYTES:
                    return refuse(400, "ProcessingFailedError", "Invalid file_size")
                video.file_size = size
            if size != video.file_size:
                return refuse(400, "ProcessingFailedError", "file_size changed")
            if offset != video.received:
                return refuse(400, "OffsetInvalidError", f"Expected offset {video.received}")
            if offset + len(body) > size:
                return refuse(400, "ProcessingFailedError", "More bytes than file_size")
            cut = self._take("cut", method, path)
            if cut is not None:
                body = body[: cut.options["keep"]]
            if offset == 0:
                video.head = body[:12]
            video.hasher.update(body)
            video.received += len(body)
            if cut is not None:
                return _DROP
            return self._json_reply(200, {"success": True}, page.id)

    # sign-in ---------------------------------------------------------------------

    def _user(self, token: str) -> FakeUser | None:
        user = self._users.get(token) if token else None
        if user is None:
            return None
        if user.expired_subcode is not None or (
            user.expires_at and user.expires_at <= self.clock()
        ):
            raise GraphError(
                190,
                "Error validating access token: Session has expired.",
                subcode=user.expired_subcode or 463,
            )
        return user

    def _user_request(
        self, user: FakeUser, method: str, parts: list[str], params: Mapping[str, str]
    ) -> _Reply:
        if method == "GET" and parts == ["me"]:
            self._no_extra(params, ("fields",))
            wanted = _fields(params, USER_FIELDS, "User", "id,name")
            values = {"id": user.id, "name": user.name}
            return self._json_reply(200, {f: values[f] for f in wanted})
        if method == "GET" and parts in (["me", "accounts"], [user.id, "accounts"]):
            return self._accounts(user, params)
        if parts and parts[0] in self._pages:
            # A user token is not a Page token: publishing needs the Page's own token.
            raise GraphError(
                200,
                "(#200) This action needs a Page access token for this Page",
                type_="OAuthException",
            )
        raise GraphError(100, OBJECT_MISSING)

    def _accounts(self, user: FakeUser, params: Mapping[str, str]) -> _Reply:
        self._no_extra(params, ("fields", "limit", "after"))
        wanted = _fields(params, ACCOUNT_FIELDS, "Page", "id,name,access_token,category,tasks")
        if "pages_show_list" not in user.scopes:
            raise GraphError(10, "(#10) This endpoint requires the 'pages_show_list' permission")
        try:
            limit = int(params.get("limit", "25"))
        except ValueError:
            raise GraphError(100, "(#100) The parameter limit must be an integer") from None
        if not 1 <= limit <= 100:
            raise GraphError(100, "(#100) The parameter limit must be between 1 and 100")
        page_ids = list(user.pages)
        start = 0
        if "after" in params:
            try:
                start = (
                    page_ids.index(base64.urlsafe_b64decode(params["after"] + "==").decode()) + 1
                )
            except (ValueError, UnicodeDecodeError):
                raise GraphError(100, "(#100) Invalid cursor") from None
        chunk = page_ids[start : start + limit]
        data = []
        for pid in chunk:
            page = self._pages[pid]
            values: dict[str, Any] = {
                "id": page.id,
                "name": page.name,
                "access_token": page.token,
                "category": "Government Organization",
                "tasks": list(user.pages[pid]),
            }
            picture = {"data": {"url": f"https://scontent.example/{page.id}.jpg"}}
            values["picture"] = values["picture{url}"] = picture
            if pid in user.instagram:
                iga = {"id": user.instagram[pid]}
                values["instagram_business_account"] = values["instagram_business_account{id}"] = (
                    iga
                )
            item = {}
            for f in wanted:
                if f in values:
                    item[f.split("{", 1)[0]] = values[f]
            data.append(item)
        body: dict[str, Any] = {"data": data}
        if chunk:
            cursors = {"before": self._b64(chunk[0]), "after": self._b64(chunk[-1])}
            body["paging"] = {"cursors": cursors}
            if start + limit < len(page_ids):
                query = {**params, "access_token": user.token, "after": cursors["after"]}
                body["paging"]["next"] = (
                    f"{self.url}/v25.0/me/accounts?{urllib.parse.urlencode(query)}"
                )
        return self._json_reply(200, body)

    def _app_token_ok(self, token: str) -> bool:
        return secrets.compare_digest(token.encode(), f"{self.app_id}|{self.app_secret}".encode())

    def _debug_token(self, params: Mapping[str, str], token: str) -> _Reply:
        self._no_extra(params, ("input_token",))
        if not self._app_token_ok(token):
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        raw = params.get("input_token", "")
        if not raw:
            raise GraphError(100, "(#100) The parameter input_token is required")
        now = int(self.clock())
        data: dict[str, Any] = {"app_id": self.app_id, "application": "Pregonero (fake)"}
        user = self._users.get(raw)
        page = next(
            (
                p
                for p in self._pages.values()
                if secrets.compare_digest(p.token.encode(), raw.encode())
            ),
            None,
        )
        if user is not None:
            expired = user.expired_subcode is not None or (
                bool(user.expires_at) and user.expires_at <= now
            )
            data.update(
                type="USER",
                user_id=user.id,
                is_valid=not expired,
                expires_at=user.expires_at,
                data_access_expires_at=now + 90 * 86400,
                issued_at=now - 60,
                scopes=list(user.scopes),
            )
            if expired:
                data["error"] = {
                    "code": 190,
                    "message": "Error validating access token: Session has expired.",
                    "subcode": user.expired_subcode or 463,
                }
        elif page is not None:
            owner = next((u for u in self._users.values() if page.id in u.pages), None)
            data.update(
                type="PAGE",
                profile_id=page.id,
                user_id=owner.id if owner else "0",
                is_valid=page.expired_subcode is None,
                expires_at=0,
                data_access_expires_at=now + 90 * 86400,
                issued_at=now - 60,
                scopes=list(owner.scopes) if owner else [],
            )
        else:
            data.update(
                is_valid=False,
                scopes=[],
                error={"code": 190, "message": "Invalid OAuth access token.", "subcode": 467},
            )
        return self._json_reply(200, {"data": data})

    def _oauth(self, params: Mapping[str, str], token: str) -> _Reply:
        if token:
            raise GraphError(100, "(#100) Unexpected access_token")
        if params.get("client_id") != self.app_id or not secrets.compare_digest(
            params.get("client_secret", "").encode(), self.app_secret.encode()
        ):
            raise GraphError(101, "Error validating application. Invalid application ID.")
        if params.get("grant_type") == "fb_exchange_token":
            self._no_extra(
                params, ("grant_type", "client_id", "client_secret", "fb_exchange_token")
            )
            user = self._user(params.get("fb_exchange_token", ""))
            if user is None:
                raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
            lifetime = LONG_TOKEN_SECONDS
        else:
            self._no_extra(params, ("client_id", "client_secret", "redirect_uri", "code"))
            entry = self._codes.pop(params.get("code", ""), None)
            if entry is None:
                raise GraphError(
                    100, "This authorization code has expired or been used.", subcode=36007
                )
            if entry[1] != params.get("redirect_uri"):
                raise GraphError(
                    100,
                    "Error validating verification code. Please make sure your redirect_uri is"
                    " identical to the one you used in the OAuth dialog request",
                    subcode=36008,
                )
            user = next(u for u in self._users.values() if u.id == entry[0])
            lifetime = SHORT_TOKEN_SECONDS
        new_token = "EAAfakeUSER" + secrets.token_urlsafe(24)
        expires = int(self.clock()) + lifetime
        self._users[new_token] = FakeUser(
            user.id, user.name, new_token, user.pages, user.scopes, expires, user.instagram
        )
        body = {"access_token": new_token, "token_type": "bearer", "expires_in": lifetime}
        return self._json_reply(200, body)

    # DELETE ---------------------------------------------------------------

    def _delete(self, obj_id: str, params: Mapping[str, str], page_id: str) -> _Reply:
        self._no_extra(params, ())
        if obj_id in self._videos:
            del self._videos[obj_id]
            return self._json_reply(200, {"success": True}, page_id)
        if obj_id in self._comments:
            gone = {obj_id} | {c.id for c in self._comments.values() if c.parent_id == obj_id}
            for cid in gone:
                del self._comments[cid]
            return self._json_reply(200, {"success": True}, page_id)
        post = self._posts.pop(obj_id, None)
        if post is not None:
            for pid in post.photo_ids:
                self._photos.pop(pid, None)
        else:
            photo = self._photos.pop(obj_id)
            if photo.post_id in self._posts:
                self._posts[photo.post_id].photo_ids.remove(photo.id)
        return self._json_reply(200, {"success": True}, page_id)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeGraph/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # quiet: the fake keeps its own request log

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(8)
                if len(out) > MAX_BODY_BYTES:
                    raise BodyError("request body too large")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise BodyError("request body too large")
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise BodyError("request body shorter than its Content-Length")
        return data

    def _dispatch(self) -> None:
        fake: FakeGraph = self.server.fake  # type: ignore[attr-defined]
        self.close_connection = True
        try:
            try:
                body = self._read_body()
            except (BodyError, ValueError) as exc:
                err = exc if isinstance(exc, GraphError) else BodyError("malformed chunked body")
                self._send(_Reply(400, json.dumps(err.body).encode(), fake._headers(None)))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = fake.handle(self.command, self.path, headers, body)
            if reply is _DROP or not isinstance(reply, _Reply):
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout during a delay)

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _dispatch


@contextlib.contextmanager
def running_graph(
    pages: Mapping[str, str] | Iterable[FakePage] = (), **kwargs: Any
) -> Iterator[FakeGraph]:
    """Context manager (and pytest fixture body): a started :class:`FakeGraph`."""
    fake = FakeGraph(pages, **kwargs)
    with fake:
        yield fake


DEFAULT_PAGE_ID = "1001"
DEFAULT_TOKEN = "EAAfake-page-token-1001"

try:
    import pytest
except ImportError:  # pragma: no cover - the CLI works without pytest
    pass
else:

    @pytest.fixture
    def fake_graph() -> Iterator[FakeGraph]:
        """pytest fixture: a started fake with Page :data:`DEFAULT_PAGE_ID` whose token is
        :data:`DEFAULT_TOKEN`. Use it with ``from tests.fakes.graph import fake_graph``
        (or ``pytest_plugins = ["tests.fakes.graph"]`` in a conftest)."""
        with running_graph({DEFAULT_PAGE_ID: DEFAULT_TOKEN}) as fake:
            yield fake


def _parse_page(spec: str) -> FakePage:
    page_id, sep, rest = spec.partition(":")
    token, _, name = rest.partition(":")
    if not sep or not page_id or not token:
        raise argparse.ArgumentTypeError(f"expected PAGEID:TOKEN[:NAME], got {spec!r}")
    return FakePage(page_id, token, name or "Página de prueba")


def main(argv: list[str] | None = None) -> int:
    """CLI: serve until SIGINT/SIGTERM, printing the base URL on the first stdout line."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.graph", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument(
        "--pages", nargs="*", type=_parse_page, default=[], metavar="PAGEID:TOKEN[:NAME]"
    )
    parser.add_argument(
        "--video-chunk-size", type=int, default=DEFAULT_VIDEO_CHUNK, help="bytes per transfer"
    )
    args = parser.parse_args(argv)
    fake = FakeGraph(
        args.pages, host=args.host, port=args.port, video_chunk_size=args.video_chunk_size
    ).start()
    return fake.serve_until_terminated()


if __name__ == "__main__":
    sys.exit(main())
