"""X (Twitter) client over the X API v2 (shared docs/platforms.md, section 3).

API pages this follows (docs.x.com, 2026):

* Create post: ``POST /2/tweets`` -> 201 ``{"data": {"id", "text", "edit_history_tweet_ids"}}``;
  https://docs.x.com/x-api/posts/create-post
* Media upload v2: ``POST /2/media/upload`` (simple, multipart ``media`` +
  ``media_category``), ``POST /2/media/upload/initialize`` (JSON ``media_type``,
  ``total_bytes``, ``media_category``), ``POST /2/media/upload/{id}/append`` (multipart
  ``segment_index`` + ``media``), ``POST /2/media/upload/{id}/finalize``, then
  ``GET /2/media/upload?command=STATUS&media_id={id}`` while ``processing_info.state`` is
  ``pending``/``in_progress`` (wait ``check_after_secs``);
  https://docs.x.com/x-api/media/quickstart/media-upload-chunked
* Alt text: ``POST /2/media/metadata`` JSON ``{"id": media_id, "metadata": {"alt_text":
  {"text": ...}}}`` (top-level ``id`` + ``metadata`` from the docs.x.com "Create Media
  metadata" page; ``alt_text.text`` at most 1,000 characters);
  https://docs.x.com/x-api/media/create-media-metadata
* Timeline (reconciliation): ``GET /2/users/{id}/tweets``; recent search
  ``GET /2/tweets/search/recent?query=conversation_id:{id}`` (comments);
  ``GET /2/users/me`` (sign-in discovery).
* Rate limits: ``x-rate-limit-limit``/``-remaining``/``-reset`` (unix seconds), no
  ``Retry-After``; https://docs.x.com/x-api/fundamentals/rate-limits

The token is an OAuth 2.0 user access token sent as ``Authorization: Bearer``; it never
appears in a URL, a message or a log line (see :mod:`app.networks.http`).
"""

from __future__ import annotations

import html
import json
import math
import time
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, cast

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
from app.networks import twitter_text
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
from app.timeutil import parse_rfc3339, rfc3339

DEFAULT_BASE_URL = "https://api.x.com"
"""Overridden by the ``base_url`` argument (the registry passes ``PREGONERO_X_API``)."""
WEB_BASE_URL = "https://x.com"

MAX_PHOTOS = 4
IMAGE_MAX_BYTES = 5_000_000  # "image <= 5 MB" (best-practices doc)
GIF_MAX_BYTES = 15_000_000  # "GIF <= 15 MB"
VIDEO_MAX_BYTES = 8_000_000_000  # "<= 8 GB for normal accounts" (decimal GB: UNVERIFIED)
VIDEO_MIN_SECONDS = 0.5
VIDEO_MAX_SECONDS = 20 * 60  # 20 min for normal accounts
IMAGE_MIMES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
VIDEO_MIMES = frozenset({"video/mp4", "video/quicktime"})
CHUNK_BYTES = 4 * 1024 * 1024
"""Bytes per APPEND segment ("<= ~4-5 MB per chunk recommended"); one chunk in memory."""
MAX_SEGMENTS = 1000  # segment_index 0-999
STATUS_MAX_WAIT = 900.0
"""Seconds to wait for media processing before giving up (Transient)."""
MEDIA_EXPIRY_MARGIN = 300.0
"""A stored media id is reused only if it lives at least this many seconds more."""
RECONCILE_SLACK = timedelta(minutes=2)
RECONCILE_PAGE_SIZE = 100
RECONCILE_MAX_PAGES = 3
START_TIME_MARGIN = 30
"""Seconds before now that a timeline ``start_time`` is at least (X wants it past)."""
PREPARE_LEAD_SECONDS = 15 * 60
DEFAULT_RATE_LIMIT_WAIT = 900.0  # one 15-minute window when the reset header is missing
ALT_TEXT_MAX = 1000

DUPLICATE_HINT = "duplicate content"
REPLY_HINTS = ("not allowed", "not permitted", "mentioned", "engaged", "summon")
"""Words of the 2026 reply-restriction 403 (exact wording UNVERIFIED: any 403 about a
reply with one of these counts; :meth:`XAccount.reply_comment` also treats any other 403
as the restriction)."""

_TWEET_FIELDS = "author_id,created_at,in_reply_to_user_id,referenced_tweets,conversation_id"


@dataclass(frozen=True)
class RateLimitInfo:
    """The last ``x-rate-limit-*`` headers seen: ``limit``/``remaining`` requests of the
    current window of ``endpoint`` (``"POST /2/tweets"``), which ends at ``reset_at``
    (aware UTC)."""

    endpoint: str
    limit: int | None
    remaining: int | None
    reset_at: datetime | None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


parse_x_time = parse_rfc3339
"""``"2027-01-20T10:00:01.000Z"`` -> aware UTC datetime (None when unreadable)."""

x_time = rfc3339
"""An aware datetime as X's ``start_time`` wants it: ``YYYY-MM-DDTHH:MM:SSZ``."""


def match_key(text: str) -> str:
    """Text as compared when reconciling: NFC, HTML entities decoded (X returns
    ``&amp;``), every URL replaced by one marker (X returns t.co links), blanks
    trimmed and line endings unified."""
    text = unicodedata.normalize("NFC", html.unescape(text.replace("\r\n", "\n")))
    out: list[str] = []
    pos = 0
    for span in twitter_text.extract_urls(text):
        out.append(text[pos : span.start])
        out.append("\x00URL\x00")
        pos = span.end
    out.append(text[pos:])
    return " ".join("".join(out).split())


def thread_parts(post: OutgoingPost) -> list[str]:
    """The texts X gets for ``post``: the first part (its text, with ``post.link``
    appended after a blank line unless already in the text), then each part of
    ``post.options.thread`` (each published as a reply to the previous one)."""
    text = post.text
    if post.link and post.link not in text:
        text = f"{text.rstrip()}\n\n{post.link}" if text.strip() else post.link
    return [text, *post.options.thread]


def retry_after_from(headers: Mapping[str, str], now: float | None = None) -> float:
    """Seconds until ``x-rate-limit-reset`` (unix seconds); default 15 min; at least 1."""
    reset = _int(headers.get("x-rate-limit-reset"))
    if reset is None:
        return DEFAULT_RATE_LIMIT_WAIT
    return max(1.0, reset - (time.time() if now is None else now))


def _body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def classify_x_error(response: requests.Response, label: str = "X") -> NetworkError | None:
    """Map an X error answer to the error taxonomy (None for successes and for 5xx,
    which the generic rules make Transient).

    Bodies: v2 problem ``{"title", "detail", "type", "status"}`` (often with
    ``errors[]``) or legacy ``{"errors": [{"code", "message"}]}``. 401 / legacy 32, 89
    -> AuthExpired; 429 (code 88, ``rate-limit-exceeded``, ``usage-capped``) ->
    RateLimited with ``retry_after`` from ``x-rate-limit-reset``; 403 "duplicate
    content" / legacy 187 -> Duplicate (code ``duplicate``); 403 reply restriction ->
    Rejected ``reply_not_allowed``; other 4xx -> Rejected with X's own words.
    """
    status = response.status_code
    if status < 400 or status >= 500:
        return None
    body = _body(response)
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    legacy_code = _int(first.get("code"))
    detail = str(body.get("detail") or first.get("message") or body.get("title") or "")
    problem_type = str(body.get("type") or first.get("type") or "")
    lowered = f"{detail} {problem_type}".lower()
    kw = {"user_message": detail, "code": str(legacy_code) if legacy_code else ""}
    if status == 401 or legacy_code in (32, 89):
        return AuthExpired(
            _(
                "{network} no longer accepts the connection to this account (the access"
                " expired or was revoked). Reconnect the account."
            ).format(network=label),
            user_message=detail,
            code="auth",
        )
    if status == 429 or legacy_code == 88:
        wait = retry_after_from(response.headers)
        if "usage-capped" in lowered or "usage cap" in lowered:
            return RateLimited(
                _(
                    "The {network} developer app used up its credits or usage cap; Pregonero"
                    " will try again in {minutes} minutes. Check the app's billing."
                ).format(network=label, minutes=max(1, math.ceil(wait / 60))),
                retry_after=wait,
                user_message=detail,
                code="usage_capped",
            )
        return RateLimited(
            _(
                "{network} asks Pregonero to slow down (too many requests); it will try again"
                " in {minutes} minutes."
            ).format(network=label, minutes=max(1, math.ceil(wait / 60))),
            retry_after=wait,
            user_message=detail,
            code="rate_limited",
        )
    if legacy_code == 187 or DUPLICATE_HINT in lowered:
        return Duplicate(
            _(
                "{network} refused the post as a duplicate of an earlier one; it may already"
                " be published."
            ).format(network=label),
            user_message=detail,
            code="duplicate",
        )
    if status == 403 and "repl" in lowered and any(h in lowered for h in REPLY_HINTS):
        return Rejected(
            _(
                "{network} only allows replies through its API to accounts that mentioned or"
                " quoted you, so this reply was refused."
            ).format(network=label),
            user_message=detail,
            code="reply_not_allowed",
        )
    if status == 403 and not kw["code"]:
        kw["code"] = "forbidden"
    return Rejected(
        _("{network} refused the request: {reason}").format(
            network=label, reason=detail or _("no reason given")
        ),
        **kw,
    )


def _media_kind(media: OutgoingMedia) -> str:
    if media.mime == "image/gif":
        return "gif"
    if media.mime.startswith("video/"):
        return "video"
    return "image"


class XAccount(Network):
    """Client for one X account (``remote_id`` = X user id, ``token`` = OAuth 2.0 user
    access token).

    ``base_url`` defaults to :data:`DEFAULT_BASE_URL` (it also serves the media
    endpoints); ``timeout`` is seconds per connect and per read; ``session`` lets tests
    inject a :class:`requests.Session`; ``sleep`` is used between media STATUS checks.
    :attr:`rate_limit` holds the last rate-limit headers seen (for the UI and inbox).
    Errors: see :class:`app.networks.base.Network`.
    """

    key = "x"
    label = "X"
    limits = Limits(
        max_chars=twitter_text.MAX_WEIGHTED_LENGTH,
        max_images=MAX_PHOTOS,
        image_max_bytes=IMAGE_MAX_BYTES,
        image_formats=frozenset({"JPEG", "PNG", "GIF", "WEBP"}),
    )
    required_scopes: ClassVar[frozenset[str]] = frozenset(
        {"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}
    )
    supports_comments: ClassVar[bool] = True

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            remote_id, token, base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), timeout=timeout
        )
        self._http = HttpClient(
            self.base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            classify=self.classify,
            label=self.label,
            secrets=(token,),
            session=session,
        )
        self._http.session.headers["Authorization"] = f"Bearer {token}"
        self._sleep = sleep
        self.rate_limit: RateLimitInfo | None = None
        self.rate_limits: dict[str, RateLimitInfo] = {}

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Hook for :class:`HttpClient`: records the rate-limit headers of every answer,
        then :func:`classify_x_error`."""
        self._note_rate_limit(response)
        return classify_x_error(response, self.label)

    def _note_rate_limit(self, response: requests.Response) -> None:
        headers = response.headers
        if "x-rate-limit-remaining" not in headers and "x-rate-limit-reset" not in headers:
            return
        reset = _int(headers.get("x-rate-limit-reset"))
        request = response.request
        path = "/" + (request.path_url.split("?", 1)[0].lstrip("/") if request else "")
        info = RateLimitInfo(
            endpoint=f"{request.method if request else ''} {path}".strip(),
            limit=_int(headers.get("x-rate-limit-limit")),
            remaining=_int(headers.get("x-rate-limit-remaining")),
            reset_at=datetime.fromtimestamp(reset, UTC) if reset is not None else None,
        )
        self.rate_limit = info
        self.rate_limits[info.endpoint] = info

    def _bad_answer(self) -> Transient:
        return Transient(
            _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                network=self.label
            ),
            code="bad_json",
        )

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        body = _body(self._http.get(path, params))
        if not body:
            raise self._bad_answer()
        return body

    def _post_json(
        self, path: str, payload: Mapping[str, Any], *, idempotent: bool | None = None
    ) -> requests.Response:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self._http.request(
            "POST",
            path,
            data=cast(Any, data),
            headers={"Content-Type": "application/json"},
            idempotent=idempotent,
        )

    def _created_id(self, response: requests.Response) -> str:
        data = _body(response).get("data")
        value = data.get("id") if isinstance(data, dict) else None
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value):
            raise UnknownOutcome(
                _(
                    "{network} accepted the request but its answer could not be read, so the"
                    " post may exist. Pregonero will check before trying again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return str(value)

    @staticmethod
    def permalink(tweet_id: str, username: str = "") -> str:
        """Public link of post ``tweet_id`` (``x.com/i/web/status/{id}`` without a name)."""
        if username:
            return f"{WEB_BASE_URL}/{username}/status/{tweet_id}"
        return f"{WEB_BASE_URL}/i/web/status/{tweet_id}"

    # ------------------------------------------------------------------ counting

    @classmethod
    def count_chars(cls, text: str) -> int:
        """X's weighted length (twitter-text v3): URLs 23, emoji and CJK 2."""
        return twitter_text.weighted_length(text)

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Offline checks: each part <= 280 weighted units; up to 4 photos OR one GIF OR
        one video; sizes (image 5 MB, GIF 15 MB, video 8 GB), video 0.5 s-20 min; known
        formats; something to publish."""
        problems: list[Problem] = []
        parts = thread_parts(post)
        if not parts[0].strip() and not post.media:
            problems.append(
                Problem("empty", _("The post has no text or media to publish."), "text")
            )
        for i, part in enumerate(parts):
            n = cls.count_chars(part)
            where = "text" if i == 0 else f"thread:{i}"
            if n > cls.limits.max_chars:
                problems.append(
                    Problem(
                        "text_too_long",
                        _(
                            "Part {part} has {n} characters as X counts them (links 23, emoji"
                            " 2); X allows at most {limit}."
                        ).format(part=i + 1, n=n, limit=cls.limits.max_chars)
                        if len(parts) > 1
                        else _(
                            "The text has {n} characters as X counts them (links 23, emoji"
                            " 2); X allows at most {limit}."
                        ).format(n=n, limit=cls.limits.max_chars),
                        where,
                    )
                )
            elif i > 0 and not part.strip():
                problems.append(
                    Problem(
                        "empty_thread_part",
                        _("Part {part} of the thread is empty.").format(part=i + 1),
                        where,
                    )
                )
        kinds = [_media_kind(m) for m in post.media]
        if kinds.count("image") > MAX_PHOTOS:
            problems.append(
                Problem(
                    "too_many_media",
                    _("X takes at most {limit} photos in one post.").format(limit=MAX_PHOTOS),
                    "media",
                )
            )
        if ("gif" in kinds or "video" in kinds) and len(kinds) > 1:
            problems.append(
                Problem(
                    "mixed_media",
                    _("On X a post has up to 4 photos, or one GIF, or one video: not a mix."),
                    "media",
                )
            )
        for i, (media, kind) in enumerate(zip(post.media, kinds, strict=True)):
            problems.extend(cls._media_problems(i, media, kind))
        return problems

    @classmethod
    def _media_problems(cls, i: int, media: OutgoingMedia, kind: str) -> list[Problem]:
        where = f"media:{i}"
        name = media.path.name
        if media.mime not in IMAGE_MIMES | VIDEO_MIMES:
            return [
                Problem(
                    "media_format",
                    _("{name}: X takes JPEG, PNG, WEBP or GIF images and MP4/MOV videos.").format(
                        name=name
                    ),
                    where,
                )
            ]
        limit = {"image": IMAGE_MAX_BYTES, "gif": GIF_MAX_BYTES, "video": VIDEO_MAX_BYTES}[kind]
        out: list[Problem] = []
        if media.size_bytes > limit:
            out.append(
                Problem(
                    "media_too_big",
                    _(
                        "{name} is {size} MB; X takes at most {limit} MB for this kind of file."
                    ).format(
                        name=name, size=round(media.size_bytes / 1e6, 1), limit=limit // 10**6
                    ),
                    where,
                )
            )
        seconds = media.duration_seconds
        if (
            kind == "video"
            and seconds is not None
            and not (VIDEO_MIN_SECONDS <= seconds <= VIDEO_MAX_SECONDS)
        ):
            out.append(
                Problem(
                    "video_duration",
                    _("{name} lasts {seconds} s; X takes videos from 0.5 s to 20 minutes.").format(
                        name=name, seconds=round(seconds, 1)
                    ),
                    where,
                )
            )
        if len(media.alt_text) > ALT_TEXT_MAX:
            out.append(
                Problem(
                    "alt_text_too_long",
                    _("The alt text of {name} is longer than X's 1,000 characters.").format(
                        name=name
                    ),
                    where,
                )
            )
        return out

    # ------------------------------------------------------------------ account

    def verify(self) -> AccountInfo:
        """``GET /2/users/me`` -> the account's id and ``Name (@username)``."""
        user = self._me(self._http)
        return AccountInfo(str(user.get("id") or self.remote_id), _display_name(user))

    @staticmethod
    def _me(http: HttpClient) -> dict[str, Any]:
        body = _body(http.get("/2/users/me", {"user.fields": "profile_image_url,username,name"}))
        user = body.get("data")
        if not isinstance(user, dict) or not user.get("id"):
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network="X"
                ),
                code="bad_json",
            )
        return user

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """The signed-in X user: ``GET /2/users/me?user.fields=profile_image_url,username,name``
        -> one account (kind ``"user"``) publishing with the same ``token`` (refresh token
        included). ``missing_scopes`` compares :attr:`required_scopes` with
        ``token.scopes`` (empty when the token does not say). Raises AuthExpired,
        Transient, Rejected."""
        http = HttpClient(
            (base_url or DEFAULT_BASE_URL).rstrip("/"),
            timeout=timeout,
            classify=lambda r: classify_x_error(r, cls.label),
            label=cls.label,
            secrets=tuple(s for s in (token.access_token, token.refresh_token) if s),
        )
        http.session.headers["Authorization"] = f"Bearer {token.access_token}"
        try:
            user = cls._me(http)
        finally:
            http.close()
        missing = frozenset(cls.required_scopes - token.scopes) if token.scopes else frozenset()
        return [
            DiscoveredAccount(
                network=cls.key,
                remote_id=str(user["id"]),
                name=_display_name(user),
                kind="user",
                token=token,
                picture_url=str(user.get("profile_image_url") or ""),
                missing_scopes=missing,
            )
        ]

    # ------------------------------------------------------------------ publishing

    prepare_lead_seconds: ClassVar[int] = PREPARE_LEAD_SECONDS

    def prepare(self, post: OutgoingPost) -> bool:
        """Upload the media (and wait for video processing) ahead of ``due_at``, keeping
        the media ids in ``post.progress`` (they live 24 h): :meth:`publish` then only
        creates the posts. Resumes from ``progress``; True when ready."""
        if post.media and not post.progress.data.get("x_parts"):
            self._upload_all(post)
        return True

    def publish(self, post: OutgoingPost) -> Published:
        """Publish ``post`` (and its thread) now; returns the first post's id and link.

        Media go with the first part: photos by simple upload, GIF/video by chunked
        upload + STATUS polling, then alt text. Each part is ``POST /2/tweets``; parts
        after the first reply to the previous one. ``post.progress`` keeps
        ``x_media`` (uploaded ids and expiry) and ``x_parts`` (ids of published
        parts), saved after each step, so a retry continues the thread without
        publishing any part twice. A "duplicate content" refusal of a part is looked up
        on the timeline: found -> taken as published and the thread goes on; not found
        -> Duplicate. Raises UnknownOutcome when a create answer is lost (reconcile with
        :meth:`find_published`, which also records what it finds in the progress).
        """
        parts = thread_parts(post)
        if not parts[0].strip() and not post.media:
            raise Rejected(_("The post has no text or media to publish."), code="empty")
        progress = post.progress
        posted: list[str] = [str(i) for i in progress.data.get("x_parts", [])]
        media_ids: list[str] = []
        if not posted and post.media:
            media_ids = self._upload_all(post)
        since = self._reconcile_since(post)
        for index, text in enumerate(parts):
            if index < len(posted):
                continue
            payload: dict[str, Any] = {"text": text} if text.strip() else {}
            if index == 0 and media_ids:
                payload["media"] = {"media_ids": media_ids}
            reply_to = posted[-1] if posted else None
            if reply_to is not None:
                payload["reply"] = {"in_reply_to_tweet_id": reply_to}
            try:
                tweet_id = self._created_id(self._post_json("/2/tweets", payload))
            except Duplicate:
                found = self._find_part(text, reply_to, since)
                if found is None:
                    raise
                tweet_id = found
            posted.append(tweet_id)
            progress.data["x_parts"] = list(posted)
            progress.save()
        root = posted[0]
        extra = {"thread_ids": ",".join(posted)} if len(posted) > 1 else {}
        return Published(root, self.permalink(root), extra)

    def _reconcile_since(self, post: OutgoingPost) -> datetime:
        candidates = [t for t in (post.due_at, post.claimed_at) if t is not None]
        start = min(candidates) if candidates else datetime.now(UTC) - timedelta(days=1)
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        return start - RECONCILE_SLACK

    # ---------------------------------------------------------------- media

    def _upload_all(self, post: OutgoingPost) -> list[str]:
        progress = post.progress
        stored: dict[str, Any] = dict(progress.data.get("x_media") or {})
        ids: list[str] = []
        for i, media in enumerate(post.media):
            entry = stored.get(str(i))
            fresh = (
                isinstance(entry, dict)
                and entry.get("state") == "ready"
                and float(entry.get("expires_at") or 0) > time.time() + MEDIA_EXPIRY_MARGIN
            )
            if not fresh:
                entry = self._upload(media, entry if isinstance(entry, dict) else None, post, i)
            assert isinstance(entry, dict)
            if media.alt_text.strip() and not entry.get("alt_done"):
                self._post_json(
                    "/2/media/metadata",
                    {
                        "id": entry["id"],
                        "metadata": {"alt_text": {"text": media.alt_text[:ALT_TEXT_MAX]}},
                    },
                    idempotent=True,
                )
                entry["alt_done"] = True
                self._store_media(post, i, entry)
            ids.append(str(entry["id"]))
        return ids

    def _store_media(self, post: OutgoingPost, index: int, entry: dict[str, Any]) -> None:
        stored = dict(post.progress.data.get("x_media") or {})
        stored[str(index)] = dict(entry)
        post.progress.data["x_media"] = stored
        post.progress.save()

    def _upload(
        self, media: OutgoingMedia, entry: dict[str, Any] | None, post: OutgoingPost, index: int
    ) -> dict[str, Any]:
        kind = _media_kind(media)
        if kind == "image":
            return self._simple_upload(media, post, index)
        return self._chunked_upload(media, kind, entry, post, index)

    def _expiry(self, data: Mapping[str, Any]) -> float:
        secs = _int(data.get("expires_after_secs"))
        return time.time() + (secs if secs is not None else 86_400)

    def _simple_upload(
        self, media: OutgoingMedia, post: OutgoingPost, index: int
    ) -> dict[str, Any]:
        fields: list[tuple[str, str | FilePart]] = [
            ("media_category", "tweet_image"),
            ("media_type", media.mime),
            ("media", FilePart(media.path, media.path.name, media.mime)),
        ]
        body = self._multipart(fields)
        response = self._http.post("/2/media/upload", body, idempotent=True)
        data = _body(response).get("data")
        if not isinstance(data, dict) or not data.get("id"):
            raise self._bad_answer()
        entry: dict[str, Any] = {"id": str(data["id"]), "expires_at": self._expiry(data)}
        processing = data.get("processing_info")
        if isinstance(processing, dict):
            self._wait_processing(entry["id"], processing, media)
        entry["state"] = "ready"
        self._store_media(post, index, entry)
        return entry

    def _multipart(self, fields: list[tuple[str, str | FilePart]]) -> MultipartBody:
        missing = ""
        try:
            return MultipartBody(fields)
        except OSError as exc:
            missing = exc.filename if isinstance(exc.filename, str) else "?"
        raise Rejected(
            _("The media file {name} cannot be read.").format(name=Path(missing).name),
            code="media_unreadable",
        )

    def _chunked_upload(
        self,
        media: OutgoingMedia,
        kind: str,
        entry: dict[str, Any] | None,
        post: OutgoingPost,
        index: int,
    ) -> dict[str, Any]:
        try:
            total = media.path.stat().st_size
        except OSError:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            ) from None
        resumable = (
            entry is not None
            and entry.get("state") in ("uploading", "finalizing")
            and entry.get("size") == total
            and float(entry.get("expires_at") or 0) > time.time() + MEDIA_EXPIRY_MARGIN
        )
        if not resumable:
            response = self._post_json(
                "/2/media/upload/initialize",
                {
                    "media_type": media.mime,
                    "total_bytes": total,
                    "media_category": "tweet_gif" if kind == "gif" else "tweet_video",
                },
                idempotent=True,
            )
            data = _body(response).get("data")
            if not isinstance(data, dict) or not data.get("id"):
                raise self._bad_answer()
            entry = {
                "id": str(data["id"]),
                "expires_at": self._expiry(data),
                "state": "uploading",
                "next_segment": 0,
                "size": total,
            }
            self._store_media(post, index, entry)
        assert entry is not None
        media_id = str(entry["id"])
        if entry.get("state") == "uploading":
            self._append_segments(media, media_id, entry, post, index)
            entry["state"] = "finalizing"
            self._store_media(post, index, entry)
        response = self._http.post(f"/2/media/upload/{media_id}/finalize", idempotent=True)
        data = _body(response).get("data")
        if not isinstance(data, dict):
            raise self._bad_answer()
        if data.get("expires_after_secs") is not None:
            entry["expires_at"] = self._expiry(data)
        processing = data.get("processing_info")
        if isinstance(processing, dict):
            self._wait_processing(media_id, processing, media)
        entry["state"] = "ready"
        self._store_media(post, index, entry)
        return entry

    def _append_segments(
        self,
        media: OutgoingMedia,
        media_id: str,
        entry: dict[str, Any],
        post: OutgoingPost,
        index: int,
    ) -> None:
        segment = int(entry.get("next_segment") or 0)
        try:
            handle = open(media.path, "rb")  # noqa: SIM115 - closed in finally
        except OSError:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            ) from None
        try:
            handle.seek(segment * CHUNK_BYTES)
            while True:
                chunk = handle.read(CHUNK_BYTES)
                if not chunk:
                    break
                if segment >= MAX_SEGMENTS:
                    raise Rejected(
                        _("{name} is too big to send to X.").format(name=media.path.name),
                        code="media_too_big",
                    )
                body, content_type = _chunk_body(segment, chunk, media.mime)
                self._http.request(
                    "POST",
                    f"/2/media/upload/{media_id}/append",
                    data=cast(Any, body),
                    headers={"Content-Type": content_type},
                    idempotent=True,
                )
                segment += 1
                entry["next_segment"] = segment
                self._store_media(post, index, entry)
        finally:
            handle.close()

    def _wait_processing(
        self, media_id: str, processing: Mapping[str, Any], media: OutgoingMedia
    ) -> None:
        waited = 0.0
        info: Mapping[str, Any] = processing
        while True:
            state = str(info.get("state") or "")
            if state == "succeeded":
                return
            if state == "failed":
                error = info.get("error")
                reason = ""
                if isinstance(error, dict):
                    reason = str(error.get("message") or error.get("name") or "")
                raise Rejected(
                    _("X could not process {name}: {reason}").format(
                        name=media.path.name, reason=reason or _("no reason given")
                    ),
                    user_message=reason,
                    code="media_processing_failed",
                )
            wait = float(_int(info.get("check_after_secs")) or 1)
            wait = min(max(wait, 1.0), 60.0)
            if waited + wait > STATUS_MAX_WAIT:
                raise Transient(
                    _("X is still processing {name}; Pregonero will try again later.").format(
                        name=media.path.name
                    ),
                    code="media_processing_slow",
                )
            self._sleep(wait)
            waited += wait
            body = self._get("/2/media/upload", {"command": "STATUS", "media_id": media_id})
            data = body.get("data")
            next_info = data.get("processing_info") if isinstance(data, dict) else None
            if not isinstance(next_info, dict):
                return  # no processing_info any more: ready
            info = next_info

    # ---------------------------------------------------------------- reconciliation

    def _timeline(self, since: datetime, *, replies: bool = True) -> list[dict[str, Any]]:
        """Own posts created at or after ``since`` (newest first, a few pages at most)."""
        # X refuses a start_time that is not in the past.
        since = min(since, datetime.now(UTC) - timedelta(seconds=START_TIME_MARGIN))
        params: dict[str, str] = {
            "max_results": str(RECONCILE_PAGE_SIZE),
            "tweet.fields": _TWEET_FIELDS,
            "start_time": x_time(since),
        }
        if not replies:
            params["exclude"] = "replies,retweets"
        out: list[dict[str, Any]] = []
        for _page in range(RECONCILE_MAX_PAGES):
            body = _body(self._http.get(f"/2/users/{self.remote_id}/tweets", params))
            items = body.get("data")
            if isinstance(items, list):
                out.extend(i for i in items if isinstance(i, dict))
            meta = body.get("meta")
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not token:
                break
            params = {**params, "pagination_token": str(token)}
        return out

    def _find_part(self, text: str, reply_to: str | None, since: datetime) -> str | None:
        found = self._match_parts([text], self._timeline(since), since, reply_to)
        return found[0] if found else None

    def _match_parts(
        self,
        parts: list[str],
        tweets: list[dict[str, Any]],
        since: datetime,
        reply_to: str | None = None,
        known: list[str] | None = None,
    ) -> list[str]:
        """Ids of ``parts`` found in ``tweets`` in order, each replying to the previous
        (the first to ``reply_to`` when given); stops at the first part not found."""
        found: list[str] = list(known or [])
        oldest_first = sorted(
            tweets,
            key=lambda t: parse_x_time(t.get("created_at")) or datetime.min.replace(tzinfo=UTC),
        )
        for index in range(len(found), len(parts)):
            key = match_key(parts[index])
            parent = found[-1] if found else reply_to
            match = None
            for tweet in oldest_first:
                created = parse_x_time(tweet.get("created_at"))
                if created is not None and created < since:
                    continue
                if match_key(str(tweet.get("text") or "")) != key:
                    continue
                if _replied_to(tweet) != parent:
                    continue
                match = str(tweet.get("id"))
                break
            if match is None:
                break
            found.append(match)
        return found

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """Look for ``post`` (all its thread parts) on the account's timeline.

        ``GET /2/users/{id}/tweets?start_time=...&tweet.fields=...`` (up to 3 pages of
        100). A part matches on its text (NFC, URLs and HTML entities normalised: see
        :func:`match_key`) and, after the first, on replying to the previous part. The
        parts found are recorded in ``post.progress`` (``x_parts``, saved). Returns the
        first part when every part is there; ``None`` when nothing or only the start of
        the thread is there (then :meth:`publish` continues after the last part found).
        """
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        parts = thread_parts(post)
        known = [str(i) for i in post.progress.data.get("x_parts", [])]
        if len(known) >= len(parts):
            return Published(known[0], self.permalink(known[0]))
        earliest = since - RECONCILE_SLACK
        found = self._match_parts(parts, self._timeline(earliest), earliest, None, known)
        if len(found) > len(known):
            post.progress.data["x_parts"] = found
            post.progress.save()
        if len(found) == len(parts):
            extra = {"thread_ids": ",".join(found)} if len(found) > 1 else {}
            return Published(found[0], self.permalink(found[0]), extra)
        return None

    # ------------------------------------------------------------------ comments

    def recent_posts(self, limit: int = 10) -> list[str]:
        """Ids of the account's latest own posts (no replies/reposts), newest first."""
        params = {
            "max_results": str(min(max(limit, 5), 100)),
            "exclude": "replies,retweets",
            "tweet.fields": "created_at",
        }
        body = _body(self._http.get(f"/2/users/{self.remote_id}/tweets", params))
        items = body.get("data")
        if not isinstance(items, list):
            return []
        return [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")][:limit]

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """Replies in the conversation of ``post_remote_id`` (recent search, 7 days):
        ``GET /2/tweets/search/recent?query=conversation_id:{id}`` with author names
        expanded; ``cursor`` is X's ``next_token``. ``parent_remote_id`` is None for a
        direct reply to the post."""
        params = {
            "query": f"conversation_id:{post_remote_id}",
            "tweet.fields": _TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": "name,username",
            "max_results": "100",
        }
        if cursor:
            params["next_token"] = cursor
        body = _body(self._http.get("/2/tweets/search/recent", params))
        includes = body.get("includes")
        users: dict[str, dict[str, Any]] = {}
        if isinstance(includes, dict) and isinstance(includes.get("users"), list):
            users = {str(u.get("id")): u for u in includes["users"] if isinstance(u, dict)}
        comments: list[RemoteComment] = []
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not tweet.get("id"):
                continue
            author_id = str(tweet.get("author_id") or "")
            user = users.get(author_id, {})
            parent = _replied_to(tweet)
            username = str(user.get("username") or "")
            comments.append(
                RemoteComment(
                    remote_id=str(tweet["id"]),
                    post_remote_id=post_remote_id,
                    parent_remote_id=None if parent in (None, post_remote_id) else parent,
                    author_name=str(user.get("name") or username or author_id),
                    author_id=author_id,
                    text=html.unescape(str(tweet.get("text") or "")),
                    created_at=parse_x_time(tweet.get("created_at")) or datetime.now(UTC),
                    permalink=self.permalink(str(tweet["id"]), username),
                    is_own=author_id == self.remote_id,
                )
            )
        meta = body.get("meta")
        token = meta.get("next_token") if isinstance(meta, dict) else None
        return CommentPage(tuple(comments), str(token) if token else None)

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """Reply to ``comment`` (``POST /2/tweets`` with ``reply.in_reply_to_tweet_id``).

        Raises Rejected ``reply_not_allowed`` when X's summon rule refuses it (only
        accounts that mentioned or quoted you can be answered through the API): the
        message offers opening the comment in the browser. UnknownOutcome when the
        answer is lost (then :meth:`find_reply`)."""
        payload = {"text": text, "reply": {"in_reply_to_tweet_id": comment.remote_id}}
        error: Rejected | None = None
        try:
            return self._created_id(self._post_json("/2/tweets", payload))
        except Rejected as exc:
            if exc.code not in ("reply_not_allowed", "forbidden"):
                raise
            link = comment.permalink or self.permalink(comment.remote_id)
            error = Rejected(
                _(
                    "X only allows replies through its API to accounts that mentioned or"
                    " quoted you, so Pregonero cannot send this reply. Open the comment in"
                    " the browser to answer it there: {link}"
                ).format(link=link),
                user_message=exc.user_message,
                code="reply_not_allowed",
            )
        raise error

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """Our reply ``text`` to ``comment`` on the own timeline since ``since``."""
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earliest = since - RECONCILE_SLACK
        found = self._match_parts([text], self._timeline(earliest), earliest, comment.remote_id)
        return found[0] if found else None


def _replied_to(tweet: Mapping[str, Any]) -> str | None:
    refs = tweet.get("referenced_tweets")
    if isinstance(refs, list):
        for ref in refs:
            if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id"):
                return str(ref["id"])
    return None


def _display_name(user: Mapping[str, Any]) -> str:
    name = str(user.get("name") or "")
    username = str(user.get("username") or "")
    if name and username:
        return f"{name} (@{username})"
    return name or (f"@{username}" if username else str(user.get("id") or ""))


def _chunk_body(segment: int, chunk: bytes, mime: str) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with ``segment_index`` and one ``media`` chunk."""
    boundary = f"pregonero-{uuid.uuid4().hex}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n'
        f'{segment}\r\n--{boundary}\r\nContent-Disposition: form-data; name="media";'
        f' filename="chunk{segment}"\r\nContent-Type: {mime or "application/octet-stream"}'
        "\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + chunk + tail, f"multipart/form-data; boundary={boundary}"
