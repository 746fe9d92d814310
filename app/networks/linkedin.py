"""LinkedIn client (members and organization pages) over the versioned REST API.

Contract: shared docs/platforms.md section 4. API pages this follows:

* Posts: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
* Images / Videos / Documents APIs: .../community-management/shares/images-api,
  .../videos-api, .../documents-api
* little text (post commentary only; comments, titles and alt texts are plain text):
  .../community-management/shares/little-text-format (see :mod:`app.networks.little`)
* Comments: .../community-management/shares/comments-api
* Organization access control: .../community-management/organizations/
  organization-access-control-by-role
* Sign-in user info: https://learn.microsoft.com/en-us/linkedin/consumer/integrations/
  self-serve/sign-in-with-linkedin-v2

Every ``/rest/`` call carries ``Authorization: Bearer``, ``LinkedIn-Version: YYYYMM`` and
``X-Restli-Protocol-Version: 2.0.0``. URNs in paths and queries are URL-encoded.
``remote_id`` is the author URN (``urn:li:organization:123`` or ``urn:li:person:abc``).

After publishing, the post is read back and its commentary compared with what was meant:
LinkedIn silently cuts the text at an unescaped reserved character, which
:class:`Truncated` reports (the post exists: it carries :attr:`Truncated.published`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, ClassVar

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
from app.networks import little
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
from app.networks.http import HttpClient, MediaReadError, MultipartBody, parse_retry_after

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.linkedin.com"
"""Overridden by ``base_url`` (the registry passes ``PREGONERO_LINKEDIN_API``)."""

LINKEDIN_VERSION = "202607"
"""``LinkedIn-Version`` header (YYYYMM). Versions are monthly and live about 12 months
(platforms.md §4.1: current ~202607). Override with ``PREGONERO_LINKEDIN_VERSION`` or the
``version`` argument; a sunset version is reported as "update Pregonero"."""

RESTLI_VERSION = "2.0.0"
WEB_BASE_URL = "https://www.linkedin.com"

MAX_COMMENTARY_CHARS = 3000
"""Commentary limit (platforms.md §4.3). Counted on the escaped text (conservative:
whether LinkedIn counts escapes is UNVERIFIED)."""
MAX_IMAGES = 20  # multiImage takes 2..20
IMAGE_MAX_BYTES = 10_000_000  # UNVERIFIED: no byte limit found; a conservative default
VIDEO_MAX_BYTES = 500 * 1024 * 1024  # UNVERIFIED (platforms.md §4.4: 500 MB for organizations)
VIDEO_MIN_SECONDS = 3.0  # UNVERIFIED
VIDEO_MAX_SECONDS = 30 * 60.0  # UNVERIFIED
DOCUMENT_MAX_BYTES = 100 * 1024 * 1024  # UNVERIFIED (platforms.md §4.4)
DOCUMENT_MIMES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)

MEMBER_SCOPES = frozenset({"w_member_social"})
ORGANIZATION_SCOPES = frozenset({"w_organization_social"})
SCOPE_ALIASES = {
    "w_member_social": frozenset({"w_member_social", "w_member_social_feed"}),
    "w_organization_social": frozenset({"w_organization_social", "w_organization_social_feed"}),
}
"""2026 docs rename the feed scopes (``*_feed``, Comments API page); either name counts."""
SIGN_IN_SCOPES_MEMBER = ("openid", "profile", "w_member_social")
SIGN_IN_SCOPES_ORGANIZATION = (
    "openid",
    "profile",
    "w_member_social",
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
)
"""What the auth helper may ask for (organization scopes need the reviewed Community
Management API product; asking for a scope the app lacks fails the sign-in)."""

POLL_INTERVAL_SECONDS = 2.0
POLL_ATTEMPTS = 30
"""Asset status polling: up to ``POLL_ATTEMPTS`` reads, ``POLL_INTERVAL_SECONDS`` apart."""
DEFAULT_RATE_LIMIT_WAIT = 900.0
"""Seconds to wait after a 429 without ``Retry-After`` (LinkedIn throttles are daily)."""
RECONCILE_SLACK = timedelta(minutes=2)
RECONCILE_COUNT = 10
COMMENT_PAGE_SIZE = 50
PROGRESS_KEY = "linkedin"


def encode_urn(urn: str) -> str:
    """A URN for a URL path or query value: every reserved character percent-encoded."""
    return urllib.parse.quote(urn, safe="")


def permalink_for(urn: str) -> str:
    """Public link of a post: ``https://www.linkedin.com/feed/update/{urn}/``."""
    return f"{WEB_BASE_URL}/feed/update/{urn}/"


def is_document(media: OutgoingMedia) -> bool:
    """True for a PDF/Word/PowerPoint file (published through the Documents API)."""
    return media.mime in DOCUMENT_MIMES or media.path.suffix.lower() == ".pdf"


def commentary_for(post: OutgoingPost) -> str:
    """The plain text LinkedIn should show for ``post`` (before escaping).

    A post with media cannot also carry an article, so its link is appended to the
    text (after a blank line) unless the text already contains it.
    """
    text = post.text
    if post.media and post.link and post.link not in text:
        text = f"{text.rstrip()}\n\n{post.link}" if text.strip() else post.link
    return text


def _ms_to_dt(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000.0, UTC)
    return None


class Truncated(Rejected):
    """LinkedIn published the post but cut its text short (code ``"truncated"``).

    ``published`` is the post that exists (remote id + permalink): the publishing
    service should record it so nothing is sent again; ``lost`` the missing text.
    """

    def __init__(self, message: str, *, published: Published, lost: str) -> None:
        super().__init__(message, code="truncated", user_message=message)
        self.published = published
        self.lost = lost


# ------------------------------------------------------------------ request bodies


class _Body(MultipartBody):
    """A non-multipart request body through :class:`HttpClient`'s streaming path.

    ``HttpClient`` sends a :class:`MultipartBody` as it is with its ``content_type``;
    this subclass carries either in-memory bytes (JSON) or a byte range of a file read in
    blocks while sending (a video part is never held whole in memory).
    """

    def __init__(
        self,
        content_type: str,
        data: bytes = b"",
        path: Path | None = None,
        start: int = 0,
        length: int = 0,
    ) -> None:
        self.boundary = ""
        self._ctype = content_type
        self._data = data
        self._path = path
        self._start = start
        self._length = length if path is not None else len(data)
        self._pos = 0
        self._file: IO[bytes] | None = None
        self.read_error: OSError | None = None
        self._segments = []

    @property
    def content_type(self) -> str:
        return self._ctype

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(64 * 1024):
            yield chunk

    def read(self, size: int = -1) -> bytes:
        want = self._length - self._pos if size is None or size < 0 else size
        want = min(want, self._length - self._pos)
        if want <= 0:
            return b""
        if self._path is None:
            piece = self._data[self._pos : self._pos + want]
        else:
            try:
                if self._file is None:
                    self._file = open(self._path, "rb")  # noqa: SIM115 - closed in close()
                    self._file.seek(self._start)
                piece = self._file.read(want)
            except OSError as exc:
                self.read_error = MediaReadError(exc.errno or 0, "cannot read media file")
                self.read_error.filename = str(self._path)
                raise self.read_error from None
            if not piece:
                self.read_error = MediaReadError(0, "media file shrank while uploading")
                self.read_error.filename = str(self._path)
                raise self.read_error
        self._pos += len(piece)
        return piece

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _json_body(payload: dict[str, Any]) -> _Body:
    return _Body("application/json", json.dumps(payload, ensure_ascii=False).encode("utf-8"))


# ------------------------------------------------------------------ error mapping


VERSION_CODES = frozenset({"VERSION_MISSING", "NONEXISTENT_VERSION", "VERSION_NOT_ACTIVE"})
"""Envelope codes for a missing or sunset ``LinkedIn-Version`` (UNVERIFIED names)."""
_VERSION_RE = re.compile(r"requested version \S+ is not active|version must be present")


def _envelope(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and ("message" in body or "serviceErrorCode" in body):
        return body
    return None


def _field_errors(body: dict[str, Any]) -> list[str]:
    """Field paths and reasons of a 422 (``errorDetails.inputErrors`` or the message)."""
    found: list[str] = []
    details = body.get("errorDetails")
    inputs = details.get("inputErrors") if isinstance(details, dict) else None
    for item in inputs if isinstance(inputs, list) else []:
        if not isinstance(item, dict):
            continue
        where = item.get("input", {}).get("inputPath", {}).get("fieldPath", "")
        why = item.get("description") or item.get("code") or ""
        found.append(f"{where}: {why}".strip(": "))
    if not found:
        for m in re.finditer(
            r"(/[\w/\[\]]+)\s*::\s*([^\n]+?)(?=$|\n|ERROR ::)", str(body.get("message", ""))
        ):
            found.append(f"{m.group(1)}: {m.group(2).strip()}")
    return found


def classify_linkedin_error(
    response: requests.Response, label: str = "LinkedIn", version: str = LINKEDIN_VERSION
) -> NetworkError | None:
    """Map LinkedIn's error envelope ``{"status", "serviceErrorCode", "code", "message"}``.

    401 -> AuthExpired; 403 -> Rejected (``code`` = the envelope code, e.g.
    ``ACCESS_DENIED``) with a permissions message; 429 -> RateLimited (``Retry-After`` or
    :data:`DEFAULT_RATE_LIMIT_WAIT`); 426, or 400 about the version -> Rejected code
    ``"version"``; 422 "duplicate" -> Duplicate; other 422 -> Rejected listing the fields;
    5xx -> Transient; other 4xx -> Rejected. Returns None for a 2xx/3xx answer.
    """
    status = response.status_code
    if status < 400:
        return None
    body = _envelope(response) or {}
    message = str(body.get("message") or "")
    vendor = str(body.get("code") or body.get("serviceErrorCode") or f"http_{status}")
    kw = {"user_message": message, "code": vendor}
    if status == 401:
        return AuthExpired(
            _(
                "{network} no longer accepts this account's connection (the access expired or"
                " was revoked). Reconnect the account."
            ).format(network=label),
            **kw,
        )
    if status == 429:
        wait = parse_retry_after(response.headers.get("Retry-After"), DEFAULT_RATE_LIMIT_WAIT)
        return RateLimited(
            _(
                "{network} asks Pregonero to slow down (daily limit reached); it will try again"
                " later."
            ).format(network=label),
            retry_after=wait,
            **kw,
        )
    if status >= 500:
        return Transient(
            _(
                "{network} had a temporary problem (HTTP {status}); Pregonero will try again."
            ).format(network=label, status=status),
            **kw,
        )
    lowered = f"{vendor} {message}".lower()
    if status == 426 or vendor in VERSION_CODES or _VERSION_RE.search(lowered):
        return Rejected(
            _(
                "{network} no longer accepts the API version Pregonero uses ({version}). Update"
                " Pregonero to a newer release."
            ).format(network=label, version=version),
            user_message=message,
            code="version",
        )
    if status == 403:
        return Rejected(
            _(
                "{network} says this account lacks the permission to do this ({reason}). Check"
                " that the account is an administrator of the page and reconnect it granting"
                " every permission Pregonero asks for."
            ).format(network=label, reason=message or vendor),
            **kw,
        )
    if status == 422 and "duplicate" in lowered:
        return Duplicate(
            _(
                "{network} refused the post as a duplicate of an earlier one; it may already"
                " be published."
            ).format(network=label),
            **kw,
        )
    if status == 422:
        fields = _field_errors(body)
        return Rejected(
            _("{network} refused the post: {fields}").format(
                network=label, fields="; ".join(fields) or message or _("no reason given")
            ),
            **kw,
        )
    if status == 404:
        return Rejected(
            _("{network} cannot find what Pregonero asked for (HTTP 404).").format(network=label),
            user_message=message,
            code="not_found",
        )
    return Rejected(
        _("{network} refused the request: {reason}").format(
            network=label, reason=message or f"HTTP {status}"
        ),
        **kw,
    )


# ------------------------------------------------------------------ the client


class LinkedIn(Network):
    """Client for one LinkedIn author (member or organization page).

    ``remote_id`` = author URN; ``token`` = the member's access token (60 days).
    ``base_url`` defaults to :data:`DEFAULT_BASE_URL`; when given, upload URLs returned by
    the API are sent to it too (one fake serves all). ``version`` overrides
    :data:`LINKEDIN_VERSION`. ``poll_interval`` is seconds between asset status reads;
    ``sleep`` lets tests skip waiting. Errors: see :class:`app.networks.base.Network`.
    """

    key = "linkedin"
    label = "LinkedIn"
    limits = Limits(
        max_chars=MAX_COMMENTARY_CHARS,
        max_images=MAX_IMAGES,
        image_max_bytes=IMAGE_MAX_BYTES,
        image_formats=frozenset({"JPEG", "PNG", "GIF"}),
    )
    prepare_lead_seconds: ClassVar[int] = 600
    """Uploads (a video may take minutes to process) start 10 minutes before due."""
    required_scopes: ClassVar[frozenset[str]] = MEMBER_SCOPES
    """Member posting scope; an organization also needs :data:`ORGANIZATION_SCOPES`
    (see :meth:`scopes_for`)."""
    supports_comments: ClassVar[bool] = True

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        version: str | None = None,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        poll_attempts: int = POLL_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._override = base_url is not None
        super().__init__(
            remote_id, token, base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), timeout=timeout
        )
        self.version = version or os.environ.get("PREGONERO_LINKEDIN_VERSION") or LINKEDIN_VERSION
        self.poll_interval = poll_interval
        self.poll_attempts = poll_attempts
        self._sleep = sleep
        self._session = session
        self._http = self._client(self.base_url or DEFAULT_BASE_URL)
        self._upload_clients: dict[str, HttpClient] = {}
        self._org_names: dict[str, str] = {}

    def _client(self, base: str) -> HttpClient:
        return HttpClient(
            base,
            timeout=self.timeout,
            classify=self.classify,
            label=self.label,
            secrets=(self._token,),
            session=self._session,
        )

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Hook for :class:`HttpClient`; see :func:`classify_linkedin_error`."""
        return classify_linkedin_error(response, self.label, self.version)

    def _headers(self, rest: bool = True) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}"}
        if rest:
            headers["LinkedIn-Version"] = self.version
            headers["X-Restli-Protocol-Version"] = RESTLI_VERSION
        return headers

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> requests.Response:
        data = _json_body(payload) if payload is not None else None
        return self._http.request(
            method,
            path,
            params=params,
            data=data,
            headers=self._headers(path.startswith("/rest/") or path.startswith("rest/")),
            idempotent=idempotent,
        )

    def _read(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        body = self._json(self._call("GET", path, params=params))
        if body is None:
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network=self.label
                ),
                code="bad_json",
            )
        return body

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any] | None:
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _upload_target(self, url: str) -> tuple[HttpClient, str, bool]:
        """(client, path-with-query, send the token?) for an upload URL from the API."""
        split = urllib.parse.urlsplit(url)
        path = split.path + (f"?{split.query}" if split.query else "")
        if self._override:
            return self._http, path, True
        origin = f"{split.scheme}://{split.netloc}"
        host = (split.hostname or "").lower()
        trusted = split.scheme == "https" and (
            host == "linkedin.com" or host.endswith(".linkedin.com")
        )
        if origin not in self._upload_clients:
            self._upload_clients[origin] = self._client(origin)
        return self._upload_clients[origin], path, trusted

    def _put_file(
        self, url: str, media: OutgoingMedia, start: int = 0, length: int | None = None
    ) -> requests.Response:
        client, path, trusted = self._upload_target(url)
        try:
            on_disk = media.path.stat().st_size
        except OSError:
            on_disk = -1
        if on_disk < 0 or (length is None and on_disk != media.size_bytes):
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            )
        size = media.size_bytes if length is None else length
        headers = {"Authorization": f"Bearer {self._token}"} if trusted else {}
        body = _Body("application/octet-stream", path=media.path, start=start, length=size)
        return client.request("PUT", path, data=body, headers=headers, idempotent=True)

    def _state(self, post: OutgoingPost) -> dict[str, Any]:
        data = post.progress.data.setdefault(PROGRESS_KEY, {})
        assert isinstance(data, dict)
        return data

    @staticmethod
    def _media_key(index: int, media: OutgoingMedia) -> str:
        digest = hashlib.sha1(str(media.path).encode("utf-8")).hexdigest()[:10]
        return f"{index}:{digest}:{media.size_bytes}"

    @classmethod
    def count_chars(cls, text: str) -> int:
        """Length of the escaped commentary (conservative; see :data:`MAX_COMMENTARY_CHARS`)."""
        return len(little.escape(text))

    @classmethod
    def scopes_for(cls, kind: str) -> frozenset[str]:
        """Scopes an account of ``kind`` ("member" | "organization") needs to publish."""
        return ORGANIZATION_SCOPES if kind == "organization" else MEMBER_SCOPES

    @classmethod
    def missing_scopes(cls, kind: str, granted: frozenset[str]) -> frozenset[str]:
        """Scopes of :meth:`scopes_for` not in ``granted`` (``*_feed`` names count);
        empty when ``granted`` is empty (the network did not say)."""
        if not granted:
            return frozenset()
        return frozenset(s for s in cls.scopes_for(kind) if not (SCOPE_ALIASES[s] & granted))

    # ------------------------------------------------------------------ validation

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Length of the escaped commentary, media count and mix (images 1–20, or one
        video, or one document), sizes and video duration (UNVERIFIED defaults)."""
        problems = super().validate(OutgoingPost(commentary_for(post), media=post.media))
        videos = [m for m in post.media if m.is_video]
        docs = [m for m in post.media if is_document(m)]
        if (videos or docs) and len(post.media) > 1:
            problems.append(
                Problem(
                    "media_mix",
                    _(
                        "{network} takes one video or one document per post, alone (no photos"
                        " with it)."
                    ).format(network=cls.label),
                    "media",
                )
            )
        for i, m in enumerate(post.media):
            where = f"media:{i}"
            if m.is_video:
                if m.size_bytes > VIDEO_MAX_BYTES:
                    problems.append(
                        Problem(
                            "video_too_big",
                            _("{network} takes videos of at most {mb} MB.").format(
                                network=cls.label, mb=VIDEO_MAX_BYTES // (1024 * 1024)
                            ),
                            where,
                        )
                    )
                d = m.duration_seconds
                if d is not None and not VIDEO_MIN_SECONDS <= d <= VIDEO_MAX_SECONDS:
                    problems.append(
                        Problem(
                            "video_duration",
                            _(
                                "{network} takes videos from {low} seconds to {high} minutes long."
                            ).format(
                                network=cls.label,
                                low=int(VIDEO_MIN_SECONDS),
                                high=int(VIDEO_MAX_SECONDS // 60),
                            ),
                            where,
                        )
                    )
            elif is_document(m):
                if m.size_bytes > DOCUMENT_MAX_BYTES:
                    problems.append(
                        Problem(
                            "document_too_big",
                            _("{network} takes documents of at most {mb} MB.").format(
                                network=cls.label, mb=DOCUMENT_MAX_BYTES // (1024 * 1024)
                            ),
                            where,
                        )
                    )
            elif m.size_bytes > IMAGE_MAX_BYTES:
                problems.append(
                    Problem(
                        "image_too_big",
                        _("{network} takes photos of at most {mb} MB.").format(
                            network=cls.label, mb=IMAGE_MAX_BYTES // 1_000_000
                        ),
                        where,
                    )
                )
        return problems

    # ------------------------------------------------------------------ interface

    def verify(self) -> AccountInfo:
        """Who the author is: ``GET /rest/organizations/{id}`` (``localizedName``) for an
        organization, ``GET /v2/userinfo`` (``sub``, ``name``) for a member.

        Raises Rejected (code ``"wrong_member"``) when the token belongs to someone else.
        """
        if self.remote_id.startswith("urn:li:organization:"):
            org_id = self.remote_id.rsplit(":", 1)[1]
            try:
                body = self._read(f"/rest/organizations/{org_id}")
            except Rejected as exc:
                if exc.code != "ACCESS_DENIED":
                    raise
                # No admin-lookup scope: the token still works if it says who it is.
                self._read("/v2/userinfo")
                return AccountInfo(self.remote_id, "")
            return AccountInfo(self.remote_id, str(body.get("localizedName") or ""))
        body = self._read("/v2/userinfo")
        urn = f"urn:li:person:{body.get('sub', '')}"
        if urn != self.remote_id:
            raise Rejected(
                _("This {network} connection belongs to another member; reconnect it.").format(
                    network=self.label
                ),
                code="wrong_member",
            )
        return AccountInfo(urn, str(body.get("name") or ""))

    def publish(self, post: OutgoingPost) -> Published:
        """Publish ``post`` as the author now; returns its URN and permalink.

        Uploads (kept in ``post.progress`` so a retry never uploads twice): images
        (Images API, ``initializeUpload`` -> ``PUT uploadUrl`` -> poll ``AVAILABLE``),
        a video (Videos API, parts with ETags, ``finalizeUpload``, poll) or a document
        (Documents API). Then ``POST /rest/posts`` -> 201 + ``x-restli-id``; the URN is
        saved in progress at once. Then the post is read back
        (``GET /rest/posts/{urn}``): text cut short -> :class:`Truncated`.

        Raises UnknownOutcome only from the post creation; Rejected ``"empty"`` for
        nothing to publish; the usual errors otherwise.
        """
        meant = commentary_for(post)
        if not meant.strip() and not post.media and not post.link:
            raise Rejected(_("The post has no text, link or media to publish."), code="empty")
        state = self._state(post)
        urn = state.get("post")
        if isinstance(urn, str) and urn and self._still_there(urn):
            log.info("LinkedIn post %s already created for this delivery; not sending again", urn)
        else:
            content = self._content(post)
            urn = self._create(meant, content)
            state["post"] = urn
            post.progress.save()
        published = Published(urn, permalink_for(urn))
        self._check_text(urn, meant, published)
        return published

    def prepare(self, post: OutgoingPost) -> bool:
        """Upload the media ahead of time (resumable through ``post.progress``).

        Returns False while LinkedIn is still processing an upload (call again later);
        raises the usual errors otherwise. Text-only posts need no network call.
        """
        try:
            self._content(post)
        except Transient as exc:
            if exc.code == "processing":
                return False
            raise
        return True

    def _still_there(self, urn: str) -> bool:
        try:
            self._read(f"/rest/posts/{encode_urn(urn)}")
        except Rejected as exc:
            if exc.code == "not_found":
                return False
            raise
        return True

    def _create(self, meant: str, content: dict[str, Any] | None) -> str:
        payload: dict[str, Any] = {
            "author": self.remote_id,
            "commentary": little.escape(meant),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if content:
            payload["content"] = content
        response = self._call("POST", "/rest/posts", payload=payload)
        urn = response.headers.get("x-restli-id", "").strip()
        if not urn.startswith("urn:li:"):
            raise UnknownOutcome(
                _(
                    "{network} accepted the post but did not say its id, so it may exist."
                    " Pregonero will check before trying again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return urn

    def _check_text(self, urn: str, meant: str, published: Published) -> None:
        """Read the post back; raise :class:`Truncated` when its text was cut short.

        A failed read is only logged: the post exists and must be recorded as published.
        """
        try:
            body = self._read(f"/rest/posts/{encode_urn(urn)}")
        except NetworkError as exc:
            log.warning("could not read back LinkedIn post %s: %s", urn, type(exc).__name__)
            return
        shown = little.to_plain(str(body.get("commentary") or ""))
        wanted = little.to_plain(little.escape(meant))
        lost = little.lost_text(wanted, shown)
        if lost:
            raise Truncated(
                _(
                    "{network} published the post but cut its text short; this part is"
                    " missing: “{lost}”. The post is at {link}: edit it there or delete it"
                    " and publish again."
                ).format(network=self.label, lost=lost, link=published.permalink),
                published=published,
                lost=lost,
            )
        if little.normalize(shown) != little.normalize(wanted):
            log.warning("LinkedIn post %s reads differently from what was sent", urn)

    # ------------------------------------------------------------------ content

    def _content(self, post: OutgoingPost) -> dict[str, Any] | None:
        if not post.media:
            if post.link:
                article: dict[str, Any] = {
                    "source": post.link,
                    "title": post.options.title or post.link,
                }
                return {"article": article}
            return None
        first = post.media[0]
        if first.is_video:
            video = self._upload_video(post, 0, first)
            media: dict[str, Any] = {"id": video}
            if post.options.title:
                media["title"] = post.options.title
            return {"media": media}
        if is_document(first):
            doc = self._upload_asset(post, 0, first, "documents", "document")
            return {"media": {"id": doc, "title": post.options.title or first.path.name}}
        images = [
            self._upload_asset(post, i, m, "images", "image") for i, m in enumerate(post.media)
        ]
        if len(images) == 1:
            item: dict[str, Any] = {"id": images[0]}
            if first.alt_text:
                item["altText"] = first.alt_text
            return {"media": item}
        items = []
        for urn, m in zip(images, post.media, strict=True):
            entry: dict[str, Any] = {"id": urn}
            if m.alt_text:
                entry["altText"] = m.alt_text
            items.append(entry)
        return {"multiImage": {"images": items}}

    def _upload_asset(
        self, post: OutgoingPost, index: int, media: OutgoingMedia, kind: str, field: str
    ) -> str:
        """Images/Documents API: initializeUpload, PUT, poll; resumable via progress."""
        assets = self._state(post).setdefault("assets", {})
        key = self._media_key(index, media)
        entry = assets.get(key)
        if not isinstance(entry, dict) or not entry.get("uploaded"):
            body = self._json(
                self._call(
                    "POST",
                    f"/rest/{kind}",
                    params={"action": "initializeUpload"},
                    payload={"initializeUploadRequest": {"owner": self.remote_id}},
                    idempotent=True,  # an unused upload slot is invisible: safe to redo
                )
            )
            value = body.get("value") if body else None
            urn = value.get(field) if isinstance(value, dict) else None
            url = value.get("uploadUrl") if isinstance(value, dict) else None
            if not isinstance(urn, str) or not isinstance(url, str):
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                )
            self._put_file(url, media)
            entry = {"urn": urn, "uploaded": True}
            assets[key] = entry
            post.progress.save()
        urn = str(entry["urn"])
        if not entry.get("available"):
            self._wait_available(kind, urn, media)
            entry["available"] = True
            post.progress.save()
        return urn

    def _upload_video(self, post: OutgoingPost, index: int, media: OutgoingMedia) -> str:
        """Videos API: initializeUpload (fileSizeBytes) -> PUT each part (ETags) ->
        finalizeUpload -> poll. Each part's ETag is saved as it comes, so a retry
        resumes with the next part."""
        state = self._state(post)
        key = self._media_key(index, media)
        video = state.get("video")
        if not isinstance(video, dict) or video.get("key") != key:
            body = self._json(
                self._call(
                    "POST",
                    "/rest/videos",
                    params={"action": "initializeUpload"},
                    payload={
                        "initializeUploadRequest": {
                            "owner": self.remote_id,
                            "fileSizeBytes": media.size_bytes,
                            "uploadCaptions": False,
                            "uploadThumbnail": False,
                        }
                    },
                    idempotent=True,
                )
            )
            value = body.get("value") if body else None
            if not isinstance(value, dict) or not isinstance(value.get("video"), str):
                raise Transient(
                    _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                        network=self.label
                    ),
                    code="bad_answer",
                )
            parts = [
                {
                    "url": str(p["uploadUrl"]),
                    "first": int(p["firstByte"]),
                    "last": int(p["lastByte"]),
                }
                for p in value.get("uploadInstructions") or []
                if isinstance(p, dict)
            ]
            video = {
                "key": key,
                "urn": value["video"],
                "token": str(value.get("uploadToken") or ""),
                "parts": parts,
                "etags": [],
                "finalized": False,
            }
            state["video"] = video
            post.progress.save()
        urn = str(video["urn"])
        if not video.get("finalized") and video.get("finalize_sent"):
            # The last finalize call got no answer: if LinkedIn took it, do not repeat it.
            status = str(self._read(f"/rest/videos/{encode_urn(urn)}").get("status") or "")
            if status in ("PROCESSING", "AVAILABLE"):
                video["finalized"] = True
                post.progress.save()
        if not video.get("finalized"):
            etags: list[str] = video["etags"]
            for part in video["parts"][len(etags) :]:
                response = self._put_file(
                    part["url"], media, part["first"], part["last"] - part["first"] + 1
                )
                etag = response.headers.get("ETag", "").strip()
                if not etag:
                    raise Transient(
                        _(
                            "{network} did not confirm a video part; Pregonero will try again."
                        ).format(network=self.label),
                        code="no_etag",
                    )
                etags.append(etag)
                post.progress.save()
            video["finalize_sent"] = True
            post.progress.save()
            self._call(
                "POST",
                "/rest/videos",
                params={"action": "finalizeUpload"},
                payload={
                    "finalizeUploadRequest": {
                        "video": urn,
                        "uploadToken": video["token"],
                        "uploadedPartIds": etags,
                    }
                },
                idempotent=True,
            )
            video["finalized"] = True
            post.progress.save()
        if not video.get("available"):
            self._wait_available("videos", urn, media)
            video["available"] = True
            post.progress.save()
        return urn

    def _wait_available(self, kind: str, urn: str, media: OutgoingMedia) -> None:
        """Poll ``GET /rest/{kind}/{urn}`` until ``status`` is ``AVAILABLE``.

        ``PROCESSING_FAILED`` -> Rejected; still processing after the last poll ->
        Transient (the upload is kept; the next attempt polls again).
        """
        for attempt in range(self.poll_attempts):
            body = self._read(f"/rest/{kind}/{encode_urn(urn)}")
            status = str(body.get("status") or "")
            if status == "AVAILABLE":
                return
            if status in ("PROCESSING_FAILED", "FAILED"):
                raise Rejected(
                    _("{network} could not process the file {name}.").format(
                        network=self.label, name=media.path.name
                    ),
                    user_message=str(body.get("processingFailureReason") or ""),
                    code="processing_failed",
                )
            if attempt + 1 < self.poll_attempts:
                self._sleep(self.poll_interval)
        raise Transient(
            _("{network} is still processing {name}; Pregonero will try again.").format(
                network=self.label, name=media.path.name
            ),
            code="processing",
        )

    # ------------------------------------------------------------------ reconcile

    def _author_posts(self, count: int) -> list[dict[str, Any]]:
        body = self._read(
            "/rest/posts",
            {
                "q": "author",
                "author": self.remote_id,
                "count": str(count),
                "sortBy": "LAST_MODIFIED",
            },
        )
        items = body.get("elements")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """Look for ``post`` among the author's latest posts (after a lost answer).

        First the URN saved in ``post.progress`` (the 201 arrived), else
        ``GET /rest/posts?q=author&author={urn}&count=10&sortBy=LAST_MODIFIED``: a post
        created at or after ``since - 2 min`` whose commentary reads as the text meant.
        A post whose text is the meant one cut short also matches (``extra["lost_text"]``
        says what is missing). Without text, a single candidate matches on time alone;
        several -> UnknownOutcome (the user decides).
        """
        saved = self._state(post).get("post")
        if isinstance(saved, str) and saved and self._still_there(saved):
            return Published(saved, permalink_for(saved))
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earliest = since - RECONCILE_SLACK
        wanted = little.to_plain(little.escape(commentary_for(post)))
        exact: list[dict[str, Any]] = []
        cut: list[tuple[dict[str, Any], str]] = []
        for item in self._author_posts(RECONCILE_COUNT):
            created = _ms_to_dt(item.get("createdAt")) or _ms_to_dt(item.get("publishedAt"))
            if created is None or created < earliest or not isinstance(item.get("id"), str):
                continue
            shown = little.to_plain(str(item.get("commentary") or ""))
            if little.normalize(shown) == little.normalize(wanted):
                exact.append(item)
            elif shown.strip() and (lost := little.lost_text(wanted, shown)):
                cut.append((item, lost))
        if not wanted.strip() and len(exact) > 1:
            raise UnknownOutcome(
                _(
                    "Several posts without text appeared on LinkedIn at that time; Pregonero"
                    " cannot tell which one is this. Check the page before publishing it again."
                )
            )
        if exact:
            urn = str(exact[-1]["id"])
            return Published(urn, permalink_for(urn))
        if cut:
            item, lost = cut[-1]
            urn = str(item["id"])
            log.warning("LinkedIn post %s found cut short while reconciling", urn)
            return Published(urn, permalink_for(urn), {"lost_text": lost})
        return None

    # ------------------------------------------------------------------ sign-in

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """The member (``GET /v2/userinfo``: ``sub``, ``name``, ``picture``) and the
        organizations they administer (``GET /rest/organizationAcls?q=roleAssignee&
        role=ADMINISTRATOR&state=APPROVED``, names from ``GET /rest/organizations/{id}``).

        All share ``token`` (a 60-day member token). An organization list refused with 403
        (no admin scope granted) leaves only the member. Raises AuthExpired, Transient,
        Rejected.
        """
        probe = cls("", token.access_token, base_url=base_url, timeout=timeout)
        me = probe._read("/v2/userinfo")
        sub = str(me.get("sub") or "")
        if not sub:
            raise Rejected(
                _("{network} did not say who signed in.").format(network=cls.label),
                code="no_member",
            )
        accounts = [
            DiscoveredAccount(
                network=cls.key,
                remote_id=f"urn:li:person:{sub}",
                name=str(me.get("name") or ""),
                kind="member",
                token=token,
                picture_url=str(me.get("picture") or ""),
                missing_scopes=cls.missing_scopes("member", token.scopes),
            )
        ]
        try:
            acls = probe._read(
                "/rest/organizationAcls",
                {"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
            )
        except Rejected as exc:
            log.info("LinkedIn organizations not listed: %s", exc.code)
            return accounts
        seen: set[str] = set()
        for acl in acls.get("elements") or []:
            org = acl.get("organization") if isinstance(acl, dict) else None
            if not isinstance(org, str) or not org.startswith("urn:li:organization:"):
                continue
            if org in seen:
                continue
            seen.add(org)
            org_id = org.rsplit(":", 1)[1]
            name = ""
            try:
                info = probe._read(f"/rest/organizations/{org_id}")
                name = str(info.get("localizedName") or "")
            except Rejected:
                pass
            accounts.append(
                DiscoveredAccount(
                    network=cls.key,
                    remote_id=org,
                    name=name or org,
                    kind="organization",
                    token=token,
                    missing_scopes=cls.missing_scopes("organization", token.scopes),
                    note=_("administered by {name}").format(name=accounts[0].name),
                )
            )
        return accounts

    # ------------------------------------------------------------------ comments

    def recent_posts(self, limit: int = 10) -> list[str]:
        """URNs of the author's latest posts (``GET /rest/posts?q=author``), newest first."""
        return [str(i["id"]) for i in self._author_posts(limit) if isinstance(i.get("id"), str)]

    def _comments(self, target: str, start: int, count: int) -> tuple[list[dict[str, Any]], int]:
        body = self._read(
            f"/rest/socialActions/{encode_urn(target)}/comments",
            {"start": str(start), "count": str(count)},
        )
        items = body.get("elements")
        elements = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
        total = paging.get("total") if isinstance(paging, dict) else None
        total_n = total if isinstance(total, int) else start + len(elements)
        return elements, total_n

    def _to_comment(self, post_urn: str, item: dict[str, Any]) -> RemoteComment | None:
        urn = item.get("$URN") or item.get("commentUrn")
        if not isinstance(urn, str):
            return None
        actor = str(item.get("actor") or "")
        message = item.get("message")
        text = str(message.get("text") or "") if isinstance(message, dict) else ""
        created = item.get("created")
        when = _ms_to_dt(created.get("time")) if isinstance(created, dict) else None
        parent = item.get("parentComment")
        if actor.startswith("urn:li:organization:"):
            author = self._organization_name(actor) or _("LinkedIn page")
        else:
            author = _("LinkedIn member")  # a member's name needs restricted permissions
        return RemoteComment(
            remote_id=urn,
            post_remote_id=post_urn,
            parent_remote_id=parent if isinstance(parent, str) else None,
            author_name=author,
            author_id=actor,
            text=text,
            created_at=when or datetime.now(UTC),
            permalink=f"{permalink_for(post_urn)}?commentUrn={encode_urn(urn)}",
            is_own=actor == self.remote_id,
        )

    def _organization_name(self, urn: str) -> str:
        """``localizedName`` of an organization (cached; "" when it cannot be read)."""
        if urn not in self._org_names:
            try:
                body = self._read(f"/rest/organizations/{urn.rsplit(':', 1)[1]}")
                self._org_names[urn] = str(body.get("localizedName") or "")
            except NetworkError:
                return ""
        return self._org_names[urn]

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """One page (:data:`COMMENT_PAGE_SIZE`) of top-level comments with their replies:
        ``GET /rest/socialActions/{urn}/comments?start=&count=``, and the same on each
        comment URN for its replies. ``cursor`` is the next ``start``."""
        start = int(cursor) if cursor and cursor.isdigit() else 0
        elements, total = self._comments(post_remote_id, start, COMMENT_PAGE_SIZE)
        found: list[RemoteComment] = []
        for item in elements:
            comment = self._to_comment(post_remote_id, item)
            if comment is None:
                continue
            found.append(comment)
            summary = item.get("commentsSummary")
            replies = summary.get("aggregatedTotalComments") if isinstance(summary, dict) else None
            if replies == 0:
                continue
            reply_start = 0
            while True:
                nested, nested_total = self._comments(
                    comment.remote_id, reply_start, COMMENT_PAGE_SIZE
                )
                for sub in nested:
                    reply = self._to_comment(post_remote_id, sub)
                    if reply is not None:
                        if reply.parent_remote_id is None:
                            reply = dataclasses.replace(reply, parent_remote_id=comment.remote_id)
                        found.append(reply)
                reply_start += len(nested)
                if not nested or reply_start >= nested_total:
                    break
        following = start + len(elements)
        return CommentPage(tuple(found), str(following) if elements and following < total else None)

    @staticmethod
    def _activity_of(comment_urn: str) -> str | None:
        m = re.match(r"urn:li:comment:\((urn:li:[A-Za-z]+:[^,]+),", comment_urn)
        return m.group(1) if m else None

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """Reply as the author: ``POST /rest/socialActions/{parent comment urn}/comments``
        with ``actor``, ``object``, ``parentComment`` and ``message.text`` as plain text
        (comments use ``message.attributes`` for mentions, not little: only post commentary
        is escaped, per the issue and the Comments API's attribute model).
        LinkedIn keeps two levels, so a reply to a reply answers its top-level comment.
        Returns the new comment's URN; UnknownOutcome when the answer is lost."""
        parent = comment.parent_remote_id or comment.remote_id
        obj = self._activity_of(parent) or comment.post_remote_id
        response = self._call(
            "POST",
            f"/rest/socialActions/{encode_urn(parent)}/comments",
            payload={
                "actor": self.remote_id,
                "object": obj,
                "parentComment": parent,
                "message": {"text": text},
            },
        )
        body = self._json(response) or {}
        urn = body.get("$URN") or body.get("commentUrn")
        if isinstance(urn, str) and urn:
            return urn
        rid = response.headers.get("x-restli-id", "").strip()
        if rid.startswith("urn:li:comment:"):
            return rid
        if rid:
            activity = self._activity_of(parent) or obj
            return f"urn:li:comment:({activity},{rid})"
        raise UnknownOutcome(
            _(
                "{network} accepted the reply but did not say its id; Pregonero will check"
                " before trying again."
            ).format(network=self.label),
            code="bad_answer",
        )

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """Our reply ``text`` under ``comment``'s thread made at or after ``since``."""
        parent = comment.parent_remote_id or comment.remote_id
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earliest = since - RECONCILE_SLACK
        wanted = little.normalize(text)
        start = 0
        while True:
            items, total = self._comments(parent, start, COMMENT_PAGE_SIZE)
            for item in items:
                found = self._to_comment(comment.post_remote_id, item)
                if (
                    found is not None
                    and found.is_own
                    and found.created_at >= earliest
                    and little.normalize(found.text) == wanted
                ):
                    return found.remote_id
            start += len(items)
            if not items or start >= total:
                return None
