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
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from app.errors import (
    AuthExpired,
    Duplicate,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
)
from app.i18n import _
from app.networks.base import (
    AccountInfo,
    Limits,
    Network,
    OutgoingMedia,
    OutgoingPost,
    Published,
)
from app.networks.http import FilePart, HttpClient, MultipartBody

GRAPH_VERSION = "v25.0"
"""Pinned Graph API version (path prefix). Versions live about two years."""

DEFAULT_BASE_URL = "https://graph.facebook.com"
"""Overridden by the ``base_url`` argument (the registry passes ``PREGONERO_FACEBOOK_API``)."""

WEB_BASE_URL = "https://www.facebook.com"

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

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
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

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Hook for :class:`HttpClient`; see :func:`classify_graph_error`."""
        return classify_graph_error(response, self.label)

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

    def publish(self, post: OutgoingPost) -> Published:
        """Publish ``post`` on the Page now and return its ``{page}_{post}`` id and permalink.

        * text and/or link: ``POST /{v}/{page-id}/feed`` (``message``, ``link``);
        * one photo: ``POST /{v}/{page-id}/photos`` multipart ``source`` + ``message`` +
          ``alt_text_custom`` -> ``post_id``;
        * several: each ``POST /{v}/{page-id}/photos published=false`` (+ alt text), then
          ``POST /{v}/{page-id}/feed`` with ``attached_media[i]={"media_fbid": id}``.

        Then ``GET /{v}/{post-id}?fields=permalink_url``; if that read fails for any reason
        the permalink is ``https://www.facebook.com/{id}``.
        UnknownOutcome only comes from the call that creates the visible post; a lost
        answer to an unpublished photo upload is Transient (nothing visible exists).
        """
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

    def _publish_photos(self, message: str, media: tuple[OutgoingMedia, ...]) -> str:
        photo_ids: list[str] = []
        for item in media:
            fields: list[tuple[str, str | FilePart]] = [
                ("access_token", self._token),
                ("published", "false"),
            ]
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
        """Look for ``post`` among the Page's recent feed (reconciliation after a timeout).

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
        earliest = since - RECONCILE_SLACK
        wanted = message_for(post)
        candidates: list[dict[str, Any]] = []
        params = {
            "fields": "id,message,created_time,permalink_url",
            "limit": str(RECONCILE_PAGE_SIZE),
        }
        for _page in range(RECONCILE_MAX_PAGES):
            body = self._get(self.remote_id + "/feed", **params)
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
