"""YouTube channel client over the YouTube Data API v3 (shared docs/platforms.md §5).

API pages this follows:

* videos.insert: https://developers.google.com/youtube/v3/docs/videos/insert
* resumable uploads: https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
  (see :mod:`app.networks.youtube_upload`)
* videos.update / delete / list, thumbnails.set, playlistItems, channels, commentThreads,
  comments: https://developers.google.com/youtube/v3/docs
* errors: https://developers.google.com/youtube/v3/docs/errors
* quota: https://developers.google.com/youtube/v3/determine_quota_cost
  (see :mod:`app.networks.youtube_quota`)

The token is a Google OAuth access token sent as ``Authorization: Bearer``; it never
appears in a URL, a message or a log line. ``remote_id`` is the channel id (``UC...``).

Native hand-off: the video is uploaded ahead of time as ``private`` with
``status.publishAt``; YouTube makes it public by itself at that instant. Rescheduling moves
``publishAt`` (``videos.update``); cancelling deletes the video. ``publishAt`` is only
honoured when ``privacyStatus`` is ``private`` (ignored otherwise), so the client always
sends both. Videos uploaded by an *unverified* Google API project (created after
2020-07-28) stay private whatever was asked, until Google audits the project
(:func:`locked_private_explanation`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import requests

from app.errors import (
    AuthExpired,
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
    OutgoingPost,
    Published,
    RemoteComment,
    TokenSet,
)
from app.networks.http import HttpClient, parse_retry_after
from app.networks.youtube_quota import (
    QuotaLedger,
    quota_use_text,
    seconds_until_quota_reset,
)
from app.networks.youtube_upload import (
    DEFAULT_CHUNK_SIZE,
    ResumableUpload,
    SessionExpired,
)
from app.timeutil import parse_rfc3339, rfc3339

DEFAULT_BASE_URL = "https://www.googleapis.com"
"""Overridden by ``base_url`` (the registry passes ``PREGONERO_YOUTUBE_API``); the upload
host is the same one (``/upload/youtube/v3/...``)."""
API = "youtube/v3"
WATCH_URL = "https://www.youtube.com/watch?v={id}"

SCOPE_UPLOAD = "https://www.googleapis.com/auth/youtube.upload"
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
SCOPE_YOUTUBE = "https://www.googleapis.com/auth/youtube"
# A broader scope also grants a narrower one (videos.insert accepts all three).
SCOPE_COVERED_BY = {
    SCOPE_UPLOAD: frozenset({SCOPE_UPLOAD, SCOPE_FORCE_SSL, SCOPE_YOUTUBE}),
    SCOPE_FORCE_SSL: frozenset({SCOPE_FORCE_SSL, SCOPE_YOUTUBE}),
}

TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5_000
TAGS_MAX_CHARS = 500
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
THUMBNAIL_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
PRIVACY_VALUES = ("public", "unlisted", "private")
DEFAULT_CATEGORY = "22"  # People & Blogs

HANDOFF_MIN_SECONDS = 15 * 60
"""A hand-off needs the upload done and the video processed before ``publishAt``: at
least 15 minutes ahead (our margin; YouTube documents no minimum)."""
HANDOFF_MAX_SECONDS = 365 * 24 * 3600
"""YouTube documents no maximum for ``publishAt``; one year is our generous cap."""
LOCK_GRACE = timedelta(minutes=10)
"""How long after ``publishAt`` a still-private video is taken as locked, not late."""
RECONCILE_SLACK = timedelta(minutes=10)

AUTH_REASONS = frozenset({"authError", "invalid_credentials", "unauthorized", "invalidCredentials"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "uploadRateLimitExceeded"})
SCOPE_REASONS = frozenset(
    {"forbidden", "insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}
)
TRANSIENT_REASONS = frozenset({"backendError", "internalError", "serviceUnavailable"})
DEFAULT_RATE_WAIT = 60.0


def permalink(video_id: str) -> str:
    """Public watch URL of a video."""
    return WATCH_URL.format(id=video_id)


def locked_private_explanation() -> str:
    """Why a video Pregonero uploaded stays private (for the UI and the account health)."""
    return _(
        "YouTube keeps every video uploaded through an unverified Google API project"
        " private, whatever privacy was chosen, and a scheduled video is not made public at"
        " its time either. The video is on the channel as private. To publish videos"
        " directly, the Google Cloud project whose credentials Pregonero uses must pass"
        " YouTube's API compliance audit (form at"
        " https://support.google.com/youtube/contact/yt_api_form). Until then, make each"
        " video public by hand in YouTube Studio, or upload it there."
    )


def account_health_notes(ledger: QuotaLedger | None, now: datetime | None = None) -> list[str]:
    """Lines for a YouTube account's health panel: the unverified-project rule and, with a
    ledger, the day's quota use."""
    notes = [
        _(
            "If your Google API project has not passed YouTube's audit, uploaded videos stay"
            " private until you publish them by hand."
        )
    ]
    if ledger is not None:
        notes.append(quota_use_text(ledger, now))
    return notes


def tags_length(tags: tuple[str, ...] | list[str]) -> int:
    """Characters the tags take as YouTube counts them (UNVERIFIED rule: a tag with a
    space counts 2 more for its quotes; one comma between tags)."""
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)


def description_for(post: OutgoingPost) -> str:
    """The video description: the post's text, then its link if not already in it."""
    text = post.text
    if post.link and post.link not in text:
        text = f"{text.rstrip()}\n\n{post.link}" if text.strip() else post.link
    return text


parse_time = parse_rfc3339
"""An RFC 3339 timestamp (``2026-01-18T11:00:00Z``) as aware UTC, or None."""


def google_error(response: requests.Response) -> tuple[int, str, str] | None:
    """``(code, first reason, message)`` of a Google error envelope, or None.

    Both forms: ``{"error": {"code", "message", "errors": [{"domain", "reason",
    "message"}]}}`` and the newer one with ``"status"`` (reason then from ``errors`` or
    ``details[].reason``, else the ``status`` text).
    """
    try:
        body = response.json()
    except ValueError:
        return None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    reason = ""
    for item in err.get("errors") or []:
        if isinstance(item, dict) and item.get("reason"):
            reason = str(item["reason"])
            break
    if not reason:
        for item in err.get("details") or []:
            if isinstance(item, dict) and item.get("reason"):
                reason = str(item["reason"])
                break
    reason = reason or str(err.get("status") or "")
    code = err.get("code")
    return (
        code if isinstance(code, int) else response.status_code,
        reason,
        str(err.get("message") or ""),
    )


def classify_google_error(
    response: requests.Response,
    label: str = "YouTube",
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> NetworkError | None:
    """Map a Google error answer to our taxonomy (None for successes and foreign bodies).

    quotaExceeded/dailyLimitExceeded and uploadLimitExceeded -> RateLimited until the next
    midnight Pacific; rateLimitExceeded/userRateLimitExceeded -> RateLimited
    (``Retry-After`` or 60 s); 401/authError -> AuthExpired; forbidden/insufficientPermissions
    -> Rejected (scopes); backendError or 5xx -> Transient; anything else -> Rejected with
    the reason as ``code``.
    """
    if response.status_code < 400:
        return None
    parsed = google_error(response)
    if parsed is None:
        return None
    status, reason, message = parsed
    kw = {"user_message": message, "code": reason or f"http_{response.status_code}"}
    if reason in QUOTA_REASONS or reason == "uploadLimitExceeded":
        wait = seconds_until_quota_reset(now())
        text = (
            _(
                "The daily YouTube API quota of Pregonero's Google project is used up; it"
                " resets at midnight Pacific time, in {hours} h. Pregonero will try again then."
            )
            if reason != "uploadLimitExceeded"
            else _(
                "The channel reached YouTube's daily upload limit; Pregonero will try again"
                " after midnight Pacific time, in {hours} h."
            )
        )
        return RateLimited(
            text.format(network=label, hours=max(1, round(wait / 3600))), retry_after=wait, **kw
        )
    if reason in RATE_REASONS or response.status_code == 429:
        return RateLimited(
            _("{network} asks Pregonero to slow down; it will try again later.").format(
                network=label
            ),
            retry_after=parse_retry_after(response.headers.get("Retry-After"), DEFAULT_RATE_WAIT),
            **kw,
        )
    if response.status_code == 401 or reason in AUTH_REASONS:
        return AuthExpired(
            _(
                "{network} no longer accepts the connection to this channel (the sign-in"
                " expired or was revoked). Reconnect the account."
            ).format(network=label),
            **kw,
        )
    if reason in SCOPE_REASONS:
        return Rejected(
            _(
                "{network} refused the request: the account was connected without the"
                " permission it needs (uploading needs “youtube.upload”; thumbnails, changes"
                " and comments need “youtube.force-ssl”), or the channel may not do this."
                " Reconnect the account and accept every permission. ({reason})"
            ).format(network=label, reason=message or reason),
            **kw,
        )
    if reason in TRANSIENT_REASONS or response.status_code >= 500:
        return Transient(
            _("{network} had a temporary problem; Pregonero will try again.").format(network=label),
            **kw,
        )
    return Rejected(
        _("{network} refused the request: {reason}").format(
            network=label, reason=message or reason or str(status)
        ),
        **kw,
    )


class YouTube(Network):
    """Client for one YouTube channel (``remote_id`` = channel id, ``token`` = access token).

    ``quota``: the account's :class:`QuotaLedger`, charged after every call (also settable
    as the ``quota`` attribute after :func:`app.networks.registry.create_client`).
    ``chunk_size``: bytes per upload PUT (multiple of 256 KiB). ``clock`` gives aware UTC
    now; ``sleep`` waits between upload retries. Errors: see :class:`Network`.
    """

    key = "youtube"
    label = "YouTube"
    limits = Limits(
        max_chars=DESCRIPTION_MAX_BYTES,  # the description; counted in UTF-8 bytes
        max_images=1,  # one video per post
        image_max_bytes=THUMBNAIL_MAX_BYTES,  # the custom thumbnail
        image_formats=frozenset({"JPEG", "PNG"}),
    )
    required_scopes = frozenset({SCOPE_UPLOAD, SCOPE_FORCE_SSL})
    supports_handoff = True
    handoff_min_seconds = HANDOFF_MIN_SECONDS
    handoff_max_seconds = HANDOFF_MAX_SECONDS
    supports_comments = True
    comment_threads_nested = True
    """A page of comment threads holds their replies: a new reply can land on any page,
    so the inbox re-reads every page (app/inbox/collector.py)."""

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        quota: QuotaLedger | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            remote_id, token, base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), timeout=timeout
        )
        self.quota = quota
        self.chunk_size = chunk_size
        self.clock = clock
        self._sleep = sleep
        self._http = HttpClient(
            self.base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            classify=self.classify,
            label=self.label,
            secrets=(token,),
            session=session,
        )
        self._uploads = HttpClient(
            self.base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            classify=self._classify_upload,
            label=self.label,
            secrets=(token,),
            session=self._http.session,
        )
        self._uploads_playlist: str | None = None

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Hook for :class:`HttpClient`; see :func:`classify_google_error`."""
        return classify_google_error(response, self.label, self.clock)

    def _classify_upload(self, response: requests.Response) -> NetworkError | None:
        if response.status_code in (404, 410):
            return SessionExpired(
                _("The upload session on {network} expired.").format(network=self.label),
                code="session_expired",
            )
        return self.classify(response)

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def _charge(self, method: str) -> None:
        if self.quota is not None:
            self.quota.charge(method, self.clock())

    def _call(
        self,
        http_method: str,
        resource: str,
        quota_method: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """One Data API call; JSON answer (``{}`` for 204). Charges the quota when answered
        (Google charges refused calls too)."""
        headers = dict(self._auth)
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json; charset=UTF-8"
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            response = self._http.request(
                http_method,
                f"{API}/{resource}",
                params=params,
                data=cast(Any, data),
                headers=headers,
                idempotent=idempotent,
            )
        except (Rejected, AuthExpired, RateLimited) as exc:
            if exc.code not in ("quotaExceeded", "dailyLimitExceeded"):
                self._charge(quota_method)
            raise
        self._charge(quota_method)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network=self.label
                ),
                code="bad_json",
            )
        return answer

    @staticmethod
    def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
        items = body.get("items")
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    # ------------------------------------------------------------------ validation

    @classmethod
    def count_chars(cls, text: str) -> int:
        """Length of a description as YouTube limits it: UTF-8 bytes (``ñ`` counts 2)."""
        return len(text.encode("utf-8"))

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Offline checks (shared docs/platforms.md §5.2 limits, UNVERIFIED there):
        exactly one video; title required, ≤ 100 characters, no ``<``/``>``; description
        (text + link) ≤ 5,000 UTF-8 bytes, no ``<``/``>``; tags ≤ 500 characters; privacy
        public/unlisted/private; thumbnail JPEG/PNG ≤ 2 MB."""
        problems: list[Problem] = []
        videos = [m for m in post.media if m.is_video]
        if len(post.media) != 1 or len(videos) != 1:
            problems.append(
                Problem(
                    "youtube_one_video",
                    _("A YouTube post needs exactly one video, and nothing else."),
                    "media",
                )
            )
        opts = post.options
        title = opts.title.strip()
        if not title:
            problems.append(Problem("title_required", _("A YouTube video needs a title."), "title"))
        elif len(title) > TITLE_MAX_CHARS:
            problems.append(
                Problem(
                    "title_too_long",
                    _("The title has {n} characters; YouTube allows at most {limit}.").format(
                        n=len(title), limit=TITLE_MAX_CHARS
                    ),
                    "title",
                )
            )
        if "<" in title or ">" in title:
            problems.append(
                Problem(
                    "title_angle_brackets",
                    _("YouTube does not accept the characters < and > in a title."),
                    "title",
                )
            )
        description = description_for(post)
        size = len(description.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(
                Problem(
                    "text_too_long",
                    _(
                        "The description takes {n} bytes; YouTube allows at most {limit} (accented"
                        " letters and emoji take more than one byte)."
                    ).format(n=size, limit=DESCRIPTION_MAX_BYTES),
                    "text",
                )
            )
        if "<" in description or ">" in description:
            problems.append(
                Problem(
                    "text_angle_brackets",
                    _("YouTube does not accept the characters < and > in a description."),
                    "text",
                )
            )
        if tags_length(opts.tags) > TAGS_MAX_CHARS:
            problems.append(
                Problem(
                    "tags_too_long",
                    _("The tags take {n} characters; YouTube allows at most {limit}.").format(
                        n=tags_length(opts.tags), limit=TAGS_MAX_CHARS
                    ),
                    "tags",
                )
            )
        if opts.privacy not in PRIVACY_VALUES:
            problems.append(
                Problem(
                    "privacy_invalid",
                    _("The privacy must be public, unlisted or private."),
                    "privacy",
                )
            )
        if opts.category_id and not opts.category_id.isdigit():
            problems.append(
                Problem("category_invalid", _("The YouTube category is not valid."), "category")
            )
        if opts.thumbnail is not None:
            problems += cls._thumbnail_problems(opts.thumbnail)
        return problems

    @staticmethod
    def _thumbnail_problems(path: Path) -> list[Problem]:
        if path.suffix.lower() not in THUMBNAIL_TYPES:
            return [
                Problem(
                    "thumbnail_format",
                    _("The thumbnail must be a JPEG or PNG image."),
                    "thumbnail",
                )
            ]
        try:
            size = path.stat().st_size
        except OSError:
            return [
                Problem(
                    "thumbnail_missing",
                    _("The thumbnail {name} cannot be read.").format(name=path.name),
                    "thumbnail",
                )
            ]
        if size > THUMBNAIL_MAX_BYTES:
            return [
                Problem(
                    "thumbnail_too_big",
                    _("The thumbnail takes {mb} MB; YouTube allows at most 2 MB.").format(
                        mb=f"{size / 1_048_576:.1f}"
                    ),
                    "thumbnail",
                )
            ]
        return []

    def _check(self, post: OutgoingPost, *, media: bool = True) -> None:
        problems = [p for p in self.validate(post) if media or p.code != "youtube_one_video"]
        if problems:
            raise Rejected("\n".join(p.message for p in problems), code=problems[0].code)

    def _metadata(self, post: OutgoingPost, publish_at: datetime | None) -> dict[str, Any]:
        opts = post.options
        snippet: dict[str, Any] = {
            "title": opts.title.strip(),
            "description": description_for(post),
            "categoryId": opts.category_id or DEFAULT_CATEGORY,
        }
        if opts.tags:
            snippet["tags"] = list(opts.tags)
        status: dict[str, Any] = {
            "privacyStatus": "private" if publish_at else opts.privacy,
            "selfDeclaredMadeForKids": bool(opts.made_for_kids),
        }
        if publish_at is not None:
            status["publishAt"] = rfc3339(publish_at)
        return {"snippet": snippet, "status": status}

    # ------------------------------------------------------------------ account

    def verify(self) -> AccountInfo:
        """``channels.list part=snippet mine=true``: the channel if this token manages it.

        Raises AuthExpired (401) or Rejected (``wrong_channel``).
        """
        body = self._call("GET", "channels", "channels.list", {"part": "snippet", "mine": "true"})
        for item in self._items(body):
            if item.get("id") == self.remote_id:
                snippet = item.get("snippet") or {}
                return AccountInfo(self.remote_id, str(snippet.get("title") or ""))
        raise Rejected(
            _("This sign-in does not manage the YouTube channel {id}; reconnect it.").format(
                id=self.remote_id
            ),
            code="wrong_channel",
        )

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """Channels of the signed-in Google account: ``channels.list part=snippet
        mine=true``. Each one publishes with the same tokens; ``missing_scopes`` lists
        required scopes not granted (when the grant is known)."""
        client = cls("", token.access_token, base_url=base_url, timeout=timeout)
        body = client._call("GET", "channels", "channels.list", {"part": "snippet", "mine": "true"})
        missing: frozenset[str] = frozenset()
        if token.scopes:
            missing = frozenset(
                s for s in cls.required_scopes if not (SCOPE_COVERED_BY[s] & token.scopes)
            )
        found = []
        for item in client._items(body):
            snippet = item.get("snippet") or {}
            thumbs = snippet.get("thumbnails") or {}
            picture = ""
            for size in ("default", "medium", "high"):
                if isinstance(thumbs.get(size), dict) and thumbs[size].get("url"):
                    picture = str(thumbs[size]["url"])
                    break
            found.append(
                DiscoveredAccount(
                    network=cls.key,
                    remote_id=str(item.get("id") or ""),
                    name=str(snippet.get("title") or ""),
                    kind="channel",
                    token=token,
                    picture_url=picture,
                    missing_scopes=missing,
                    note=str(snippet.get("customUrl") or ""),
                )
            )
        return [a for a in found if a.remote_id]

    # ------------------------------------------------------------------ publishing

    def publish(self, post: OutgoingPost) -> Published:
        """Upload the post's video with its title, description, tags, category,
        made-for-kids and privacy (resumable, from ``post.progress``), then set the
        thumbnail and add it to the playlist.

        A thumbnail or playlist failure does not undo the video: it is reported in
        ``Published.extra`` (``thumbnail_error`` / ``playlist_error``). If YouTube kept the
        video private against the request (unverified project) ``extra["locked_private"]
        == "1"``. Raises Rejected (invalid post), UnknownOutcome (reconcile with
        :meth:`find_published`) and the usual errors.
        """
        return self._upload(post, None)

    def _upload(self, post: OutgoingPost, publish_at: datetime | None) -> Published:
        self._check(post)
        state = post.progress.data
        metadata = self._metadata(post, publish_at)
        units_before = self.quota.units if self.quota is not None else 0
        video: dict[str, Any] | None = None
        if not state.get("video_id"):
            video = self._uploader(post).run(metadata)
        video_id = str(state["video_id"])
        extra: dict[str, str] = {}
        wanted = metadata["status"]["privacyStatus"]
        if video is not None:
            got = video.get("status") or {}
            locked = (wanted != "private" and got.get("privacyStatus") == "private") or (
                publish_at is not None and not got.get("publishAt")
            )
            if locked:
                state["locked_private"] = True
                post.progress.save()
        if state.get("locked_private"):
            extra["locked_private"] = "1"
        self._extras(post, video_id, extra)
        if self.quota is not None:
            extra["quota_units"] = str(max(0, self.quota.units - units_before))
        return Published(video_id, permalink(video_id), extra)

    def _uploader(self, post: OutgoingPost) -> ResumableUpload:
        return ResumableUpload(
            self._http,
            self._uploads,
            self._auth,
            post.progress,
            post.media[0],
            chunk_size=self.chunk_size,
            charge=self._charge,
            label=self.label,
            **({"sleep": self._sleep} if self._sleep else {}),
        )

    def _extras(self, post: OutgoingPost, video_id: str, extra: dict[str, str]) -> None:
        """Thumbnail and playlist, each at most once (kept in progress); never raises."""
        state = post.progress.data
        opts = post.options
        if opts.thumbnail is not None and not state.get("thumbnail_done"):
            problem = self._set_thumbnail(video_id, opts.thumbnail)
            if problem:
                extra["thumbnail_error"] = problem
            state["thumbnail_done"] = True
            post.progress.save()
        if opts.playlist_id and not state.get("playlist_done"):
            problem = self._add_to_playlist(video_id, opts.playlist_id)
            if problem:
                extra["playlist_error"] = problem
            state["playlist_done"] = True
            post.progress.save()

    def _set_thumbnail(self, video_id: str, path: Path) -> str:
        problems = self._thumbnail_problems(path)
        if problems:
            return problems[0].message
        try:
            data = path.read_bytes()  # ≤ 2 MB, checked above
        except OSError:
            return _("The thumbnail {name} cannot be read.").format(name=path.name)
        try:
            self._http.request(
                "POST",
                "upload/youtube/v3/thumbnails/set",
                params={"videoId": video_id, "uploadType": "media"},
                data=cast(Any, data),
                headers={**self._auth, "Content-Type": THUMBNAIL_TYPES[path.suffix.lower()]},
                idempotent=True,  # setting the same image twice is harmless
            )
        except NetworkError as exc:
            if exc.code == "forbidden":
                return _(
                    "The video is published, but YouTube refused the custom thumbnail: the"
                    " channel must be verified (by phone) to use custom thumbnails."
                )
            return _("The video is published, but the thumbnail could not be set: {why}").format(
                why=str(exc)
            )
        self._charge("thumbnails.set")
        return ""

    def _resolve_playlist(self, wanted: str) -> str | None:
        """A playlist id from an id or a title of one of the channel's playlists."""
        params = {"part": "snippet", "mine": "true", "maxResults": "50"}
        for _page in range(10):
            body = self._call("GET", "playlists", "playlists.list", params)
            for item in self._items(body):
                title = str((item.get("snippet") or {}).get("title") or "")
                if item.get("id") == wanted or title.casefold() == wanted.casefold():
                    return str(item["id"])
            token = body.get("nextPageToken")
            if not token:
                return None
            params = {**params, "pageToken": str(token)}
        return None

    def _add_to_playlist(self, video_id: str, wanted: str) -> str:
        try:
            playlist = self._resolve_playlist(wanted)
            if playlist is None:
                return _(
                    "The video is published, but the channel has no playlist “{name}”."
                ).format(name=wanted)
            self._call(
                "POST",
                "playlistItems",
                "playlistItems.insert",
                {"part": "snippet"},
                {
                    "snippet": {
                        "playlistId": playlist,
                        "resourceId": {"kind": "youtube#video", "videoId": video_id},
                    }
                },
            )
        except NetworkError as exc:
            return _(
                "The video is published, but it could not be added to the playlist: {why}"
            ).format(why=str(exc))
        return ""

    def _uploads_playlist_id(self) -> str:
        if self._uploads_playlist is None:
            body = self._call(
                "GET",
                "channels",
                "channels.list",
                {"part": "contentDetails", "id": self.remote_id},
            )
            items = self._items(body)
            related = ((items[0].get("contentDetails") or {}) if items else {}).get(
                "relatedPlaylists"
            ) or {}
            self._uploads_playlist = str(related.get("uploads") or "UU" + self.remote_id[2:])
        return self._uploads_playlist

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """Reconcile after a lost answer: the progress first (a created video id, or the
        upload session's status: 200/201 = the video), then the channel's uploads
        playlist (``playlistItems.list``, 1 unit) for a video with the post's title
        published at or after ``since`` - 10 min. None when not found."""
        state = post.progress.data
        if state.get("video_id"):
            vid = str(state["video_id"])
            return Published(vid, permalink(vid))
        uri = state.get("upload_uri")
        if uri and post.media:
            try:
                result = self._uploader(post).status()
            except SessionExpired:
                result = None
            except Rejected:
                result = None
            if isinstance(result, dict):
                vid = str(result["id"])
                return Published(vid, permalink(vid))
            if isinstance(result, int) and not state.get("upload_final_sent"):
                return None  # the session is alive and incomplete: publish() resumes it
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earliest = since - RECONCILE_SLACK
        title = post.options.title.strip()
        params = {
            "part": "snippet",
            "playlistId": self._uploads_playlist_id(),
            "maxResults": "25",
        }
        for _page in range(4):
            body = self._call("GET", "playlistItems", "playlistItems.list", params)
            older = False
            for item in self._items(body):
                snippet = item.get("snippet") or {}
                published_at = parse_time(snippet.get("publishedAt"))
                if published_at is not None and published_at < earliest:
                    older = True
                    continue
                vid = str((snippet.get("resourceId") or {}).get("videoId") or "")
                if vid and str(snippet.get("title") or "").strip() == title:
                    state["video_id"] = vid
                    post.progress.save()
                    return Published(vid, permalink(vid))
            token = body.get("nextPageToken")
            if older or not token:
                break
            params = {**params, "pageToken": str(token)}
        return None

    # ------------------------------------------------------------------ hand-off

    def hand_off(self, post: OutgoingPost, publish_at: datetime) -> Published:
        """Upload now as ``private`` with ``status.publishAt = publish_at``: YouTube makes it
        public by itself then. Only for posts meant to be public (``publishAt`` always
        makes a video public): other privacies raise Rejected ``handoff_needs_public`` so
        the service publishes them itself. The permalink is returned at once (it works for
        the owner before the video is live). ``extra["locked_private"] == "1"`` when
        YouTube dropped ``publishAt`` (unverified project): it will never go public.
        """
        if post.options.privacy != "public":
            raise Rejected(
                _("Only public videos can be scheduled on YouTube itself."),
                code="handoff_needs_public",
            )
        if publish_at.tzinfo is None:
            publish_at = publish_at.replace(tzinfo=UTC)
        return self._upload(post, publish_at)

    def update_hand_off(self, remote_id: str, post: OutgoingPost, publish_at: datetime) -> None:
        """Move ``publishAt`` (and the title, description, tags, category) with
        ``videos.update part=snippet,status`` (50 units). The whole status is sent again:
        YouTube resets fields left out. The video file is not needed.

        A ``publish_at`` less than a minute ahead (or past) means "publish now": the video
        is made public at once (``privacyStatus=public``, no ``publishAt``), since YouTube
        refuses a ``publishAt`` in the past (``invalidPublishAt``).
        """
        self._check(post, media=False)
        if publish_at.tzinfo is None:
            publish_at = publish_at.replace(tzinfo=UTC)
        now_ = publish_at <= self.clock() + timedelta(minutes=1)
        body = {"id": remote_id, **self._metadata(post, None if now_ else publish_at)}
        try:
            self._call(
                "PUT", "videos", "videos.update", {"part": "snippet,status"}, body, idempotent=True
            )
        except Rejected as exc:
            if exc.code in ("videoNotFound", "notFound"):
                raise self._gone(remote_id) from None
            raise

    def cancel_hand_off(self, remote_id: str) -> None:
        """Delete the not-yet-public video (``videos.delete``, 50 units); no error if gone."""
        try:
            self._call("DELETE", "videos", "videos.delete", {"id": remote_id}, idempotent=True)
        except Rejected as exc:
            if exc.code not in ("videoNotFound", "notFound"):
                raise

    def hand_off_status(self, remote_id: str) -> Published | None:
        """``videos.list part=status``: public (or unlisted) -> Published with permalink;
        private with a future ``publishAt`` -> None; private with no ``publishAt`` or one
        passed more than 10 minutes ago -> Published with ``extra["locked_private"]="1"``
        (YouTube will not publish it: see :func:`locked_private_explanation`); failed or
        rejected processing -> Rejected (``upload_failed``); missing -> Rejected
        ``handoff_gone``."""
        body = self._call("GET", "videos", "videos.list", {"part": "status", "id": remote_id})
        items = self._items(body)
        if not items:
            raise self._gone(remote_id)
        status = items[0].get("status") or {}
        upload_status = status.get("uploadStatus")
        if upload_status in ("failed", "rejected", "deleted"):
            reason = status.get("failureReason") or status.get("rejectionReason") or upload_status
            raise Rejected(
                _("YouTube did not accept the video ({reason}).").format(reason=reason),
                code="upload_failed",
            )
        privacy = status.get("privacyStatus")
        if privacy in ("public", "unlisted"):
            return Published(remote_id, permalink(remote_id))
        at = parse_time(status.get("publishAt"))
        if at is not None and self.clock() < at + LOCK_GRACE:
            return None
        return Published(remote_id, permalink(remote_id), {"locked_private": "1"})

    def _gone(self, remote_id: str) -> Rejected:
        return Rejected(
            _(
                "The video scheduled on YouTube ({id}) no longer exists; it was deleted on YouTube."
            ).format(id=remote_id),
            code="handoff_gone",
        )

    # ------------------------------------------------------------------ comments

    def recent_posts(self, limit: int = 10) -> list[str]:
        """Video ids of the channel's latest uploads, newest first (uploads playlist)."""
        body = self._call(
            "GET",
            "playlistItems",
            "playlistItems.list",
            {
                "part": "contentDetails",
                "playlistId": self._uploads_playlist_id(),
                "maxResults": str(max(1, min(50, limit))),
            },
        )
        ids = []
        for item in self._items(body):
            vid = (item.get("contentDetails") or {}).get("videoId")
            if vid:
                ids.append(str(vid))
        return ids[:limit]

    def _comment(self, video_id: str, item: dict[str, Any]) -> RemoteComment | None:
        snippet = item.get("snippet") or {}
        created = parse_time(snippet.get("publishedAt"))
        cid = str(item.get("id") or "")
        if not cid or created is None:
            return None
        author = str((snippet.get("authorChannelId") or {}).get("value") or "")
        parent = snippet.get("parentId")
        return RemoteComment(
            remote_id=cid,
            post_remote_id=video_id,
            parent_remote_id=str(parent) if parent else None,
            author_name=str(snippet.get("authorDisplayName") or ""),
            author_id=author,
            text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
            created_at=created,
            permalink=f"{permalink(video_id)}&lc={cid}",
            is_own=author == self.remote_id,
        )

    def _all_replies(self, video_id: str, parent_id: str) -> list[RemoteComment]:
        out: list[RemoteComment] = []
        params = {
            "part": "snippet",
            "parentId": parent_id,
            "maxResults": "100",
            "textFormat": "plainText",
        }
        for _page in range(50):
            body = self._call("GET", "comments", "comments.list", params)
            for item in self._items(body):
                comment = self._comment(video_id, item)
                if comment is not None:
                    out.append(comment)
            token = body.get("nextPageToken")
            if not token:
                break
            params = {**params, "pageToken": str(token)}
        return out

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """One page of ``commentThreads.list part=snippet,replies`` (100 threads): each
        top-level comment then its replies (those embedded, or all of them through
        ``comments.list parentId`` when YouTube embedded only some). ``next_cursor`` is
        YouTube's ``nextPageToken``."""
        params = {
            "part": "snippet,replies",
            "videoId": post_remote_id,
            "maxResults": "100",
            "textFormat": "plainText",
        }
        if cursor:
            params["pageToken"] = cursor
        body = self._call("GET", "commentThreads", "commentThreads.list", params)
        comments: list[RemoteComment] = []
        for thread in self._items(body):
            snippet = thread.get("snippet") or {}
            top_item = snippet.get("topLevelComment")
            if not isinstance(top_item, dict):
                continue
            top = self._comment(post_remote_id, top_item)
            if top is None:
                continue
            comments.append(top)
            embedded = [
                c
                for c in (
                    self._comment(post_remote_id, r)
                    for r in ((thread.get("replies") or {}).get("comments") or [])
                    if isinstance(r, dict)
                )
                if c is not None
            ]
            total = snippet.get("totalReplyCount")
            if isinstance(total, int) and total > len(embedded):
                embedded = self._all_replies(post_remote_id, top.remote_id)
            embedded.sort(key=lambda c: c.created_at)
            comments += [dataclasses.replace(c, parent_remote_id=top.remote_id) for c in embedded]
        token = body.get("nextPageToken")
        return CommentPage(tuple(comments), str(token) if token else None)

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """``comments.insert part=snippet`` with ``snippet.parentId`` = the top-level
        comment (YouTube threads have one level: a reply to a reply answers its thread)
        and ``textOriginal`` = plain ``text``. Returns the reply id; UnknownOutcome if the
        answer was lost (then :meth:`find_reply`)."""
        parent = comment.parent_remote_id or comment.remote_id
        body = self._call(
            "POST",
            "comments",
            "comments.insert",
            {"part": "snippet"},
            {"snippet": {"parentId": parent, "textOriginal": text}},
        )
        reply_id = body.get("id")
        if not reply_id:
            raise UnknownOutcome(
                _(
                    "{network} accepted the reply but its answer could not be read; Pregonero"
                    " will check before sending it again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return str(reply_id)

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """Our reply ``text`` in the thread of ``comment`` made at or after ``since`` - 10
        min (``comments.list parentId``), or None."""
        parent = comment.parent_remote_id or comment.remote_id
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        for reply in self._all_replies(comment.post_remote_id, parent):
            if (
                reply.is_own
                and reply.text.strip() == text.strip()
                and reply.created_at >= since - RECONCILE_SLACK
            ):
                return reply.remote_id
        return None
